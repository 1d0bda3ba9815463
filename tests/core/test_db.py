"""core.db.retrying_deadlocks: a transaction that PostgreSQL ends with "deadlock detected" runs
again, so that racing writers meet a conflict instead of a server error."""

import threading

import pytest
from django.db import OperationalError, connection, transaction

from core.db import retrying_deadlocks
from sites.models import Site
from tests.factories import SiteFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _cross_locks(retry: bool) -> list:
    """Two writers lock two rows in opposite orders, both holding their first lock when they
    ask for the second: a certain deadlock, which PostgreSQL ends after deadlock_timeout."""
    first, second = SiteFactory(), SiteFactory()
    barrier = threading.Barrier(2)
    outcomes = []

    def writer(order):
        attempts = []

        def write():
            attempts.append(1)
            Site.objects.select_for_update().get(pk=order[0].pk)
            if len(attempts) == 1:
                barrier.wait(timeout=10)  # only the first attempt meets the other writer
            Site.objects.select_for_update().get(pk=order[1].pk)
            return len(attempts)

        try:
            if retry:
                outcomes.append(retrying_deadlocks(write))
            else:
                with transaction.atomic():
                    outcomes.append(write())
        except OperationalError as exc:
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=writer, args=(order,))
        for order in ((first, second), (second, first))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_without_a_retry_one_writer_ends_in_a_deadlock():
    outcomes = _cross_locks(retry=False)
    assert len(outcomes) == 2
    assert sum(isinstance(o, OperationalError) for o in outcomes) == 1
    assert any("deadlock" in str(o) for o in outcomes)


def test_the_deadlocked_writer_runs_again_and_both_succeed():
    outcomes = _cross_locks(retry=True)
    assert sorted(outcomes) == [1, 2]  # one writer in one attempt, the other in two
