"""purge_unverified_accounts: accounts never verified leave, unless other rows point to them."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import User
from events.models import FeedToken
from sites.models import PathDigest
from tests.events.factories import BookingFactory, MemberFactory
from tests.factories import SiteFactory, UserFactory

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("purge_unverified_accounts", *args, stdout=out)
    return out.getvalue()


def unverified(days_ago: int, **extra) -> User:
    return UserFactory(
        email_verified_at=None, date_joined=timezone.now() - timedelta(days=days_ago), **extra
    )


@pytest.fixture
def accounts():
    manager = unverified(400)
    SiteFactory().managers.add(manager)
    return {
        "manager": manager,
        "old": unverified(31),
        "recent": unverified(29),
        "verified": UserFactory(date_joined=timezone.now() - timedelta(days=400)),
        "staff": unverified(400, is_staff=True),
        "superuser": unverified(400, is_superuser=True),
        "member": MemberFactory(user=unverified(400)).user,
        "booker": BookingFactory(booked_by=unverified(400)).booked_by,
    }


def test_an_old_unverified_account_holding_nothing_is_deleted_and_the_others_kept(accounts):
    output = run()

    remaining = set(User.objects.values_list("pk", flat=True))
    assert accounts["old"].pk not in remaining
    for name in ("recent", "verified", "staff", "superuser", "member", "booker", "manager"):
        assert accounts[name].pk in remaining, name
    assert "1 compte non vérifié supprimé, 3 gardés" in output


def test_a_kept_account_is_named_by_number_with_what_points_to_it(accounts):
    output = run()

    member, booker = accounts["member"], accounts["booker"]
    assert f"Compte n° {member.pk} gardé" in output
    assert "membres (personne)" in output.split(f"n° {member.pk} ")[1].splitlines()[0]
    assert "réservations" in output.split(f"n° {booker.pk} ")[1].splitlines()[0]
    manager = accounts["manager"]
    assert "responsables de site" in output.split(f"n° {manager.pk} ")[1].splitlines()[0]
    assert accounts["old"].email not in output


def test_a_dry_run_deletes_nothing_and_says_what_it_would_delete(accounts):
    before = User.objects.count()

    output = run("--dry-run")

    assert User.objects.count() == before
    assert "1 compte non vérifié serait supprimé, 3 gardés" in output


def test_the_days_can_be_overridden_and_must_be_positive(accounts):
    assert "2 comptes non vérifiés supprimés" in run("--days", "20")
    assert not User.objects.filter(pk=accounts["recent"].pk).exists()
    with pytest.raises(CommandError):
        run("--days", "0")


def test_a_second_run_finds_nothing_to_delete(accounts):
    run()
    assert "0 compte non vérifié supprimé, 3 gardés" in run()


def test_an_account_holding_only_its_own_rows_is_deleted_with_them():
    """A calendar feed's address and the path digests sent to a person are theirs alone: they
    do not keep an unverified account, they go with it."""
    lonely = unverified(400)
    FeedToken.objects.for_user(lonely)
    PathDigest.objects.create(user=lonely, day=timezone.localdate())

    output = run()

    assert not User.objects.filter(pk=lonely.pk).exists()
    assert not FeedToken.objects.filter(user_id=lonely.pk).exists()
    assert not PathDigest.objects.filter(user_id=lonely.pk).exists()
    assert "1 compte non vérifié supprimé, 0 gardé" in output
