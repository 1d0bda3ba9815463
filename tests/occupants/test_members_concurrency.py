"""A structure keeps a responsable even when its two responsables leave at the same moment."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from occupants import services
from occupants.models import StructureMember
from tests.factories import UserFactory
from tests.occupants.factories import StructureFactory


def _at_once(*targets):
    barrier = threading.Barrier(len(targets))
    outcomes: list = [None] * len(targets)

    def worker(index):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = targets[index]()
        except Exception as exc:  # the refusal is the expected outcome of one of them
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(targets))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("change", ["remove", "demote"])
def test_two_responsables_leaving_at_once_leave_one_in_place(monkeypatch, change):
    """Each change checks that another responsable remains, then writes; the first one's write
    is slowed down, so that without the structure's lock both checks would see two
    responsables and both would go through."""
    structure = StructureFactory()
    leads = [
        services.add_member(structure, UserFactory(), StructureMember.Role.LEAD) for _ in range(2)
    ]
    original_delete, original_save = StructureMember.delete, StructureMember.save

    def slow_delete(self, *args, **kwargs):
        result = original_delete(self, *args, **kwargs)
        threading.Event().wait(0.5)  # the other change checks meanwhile
        return result

    def slow_save(self, *args, **kwargs):
        original_save(self, *args, **kwargs)
        threading.Event().wait(0.5)

    monkeypatch.setattr(StructureMember, "delete", slow_delete)
    monkeypatch.setattr(StructureMember, "save", slow_save)

    def leave(member):
        if change == "remove":
            return lambda: services.remove_member(member)
        return lambda: services.change_member_role(member, StructureMember.Role.MEMBER)

    outcomes = _at_once(*(leave(member) for member in leads))

    refusals = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(refusals) == 1, outcomes
    assert not [o for o in outcomes if isinstance(o, Exception) and o not in refusals], outcomes
    assert structure.members.filter(role=StructureMember.Role.LEAD).count() == 1
