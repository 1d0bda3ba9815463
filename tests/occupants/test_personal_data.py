"""erase_person and purge_contacts: personal data leaves the database when it should."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from accounts.models import User
from occupants import services
from occupants.models import Invitation, Structure, StructureMember
from tests.occupants.factories import OccupancyFactory, SiteFactory, StructureFactory


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_erase_person_anonymises_account_contacts_invitations_and_history(crew, client):
    crew.x.contact_email = "LEA@atelier-x.example.org"
    crew.x.contact_name = "Léa Responsable"
    crew.x.save()
    services.invite(crew.y, "lea@atelier-x.example.org", "membre", crew.yann)
    member = StructureMember.objects.get(user=crew.lea)
    LogEntry.objects.log_actions(
        user_id=crew.mara.pk,
        queryset=[member],
        action_flag=CHANGE,
        change_message="Rôle modifié pour lea@atelier-x.example.org",
    )
    client.force_login(crew.lea)

    output = run("erase_person", "Lea@Atelier-X.example.org")

    lea = User.objects.get(pk=crew.lea.pk)
    assert lea.email == f"erased-{lea.pk}@invalid"
    assert (lea.full_name, lea.is_active, lea.has_usable_password()) == ("", False, False)
    crew.x.refresh_from_db()
    assert (crew.x.contact_name, crew.x.contact_email, crew.x.contact_phone) == ("", "", "")
    assert not Invitation.objects.filter(email__icontains="lea@").exists()
    assert not StructureMember.objects.filter(user=lea).exists()
    entry = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(StructureMember), object_id=str(member.pk)
    )
    assert "lea@" not in entry.change_message.lower()
    assert "Léa Responsable" not in entry.object_repr
    assert "[effacé]" in entry.object_repr
    assert "account #" in output and "structure contacts erased: Atelier X" in output
    assert "invitations anonymised: 1" in output
    assert "sessions closed: 1" in output
    assert client.get("/compte/mon-espace/").status_code == 302  # logged out


def test_erase_person_dry_run_changes_nothing(crew):
    output = run("erase_person", "max@atelier-x.example.org", "--dry-run")

    assert "would: account #" in output
    assert User.objects.get(pk=crew.max.pk).email == "max@atelier-x.example.org"


def test_erase_unknown_person_says_so(db):
    assert "No personal data found" in run("erase_person", "personne@example.org")


def test_erase_person_rejects_a_non_address(db):
    with pytest.raises(CommandError):
        run("erase_person", "pas une adresse")


def test_erase_person_anonymises_applications_when_calls_exist(crew):
    from occupants.models import Application, Call

    site = crew.site_a
    call = Call.objects.create(
        site=site,
        title="Appel test",
        slug="appel-test",
        opens_at=timezone.now() - timedelta(days=2),
        closes_at=timezone.now() + timedelta(days=2),
    )
    application = Application.objects.create(
        call=call,
        applicant=crew.max,
        structure_name="Projet Max",
        contact_name="Max Membre",
        contact_email="max@atelier-x.example.org",
        contact_phone="0600000000",
    )

    output = run("erase_person", "max@atelier-x.example.org")

    application.refresh_from_db()
    assert (application.contact_name, application.contact_email) == ("", "")
    assert "application contacts erased: 1" in output


@pytest.fixture
def structures(db, settings):
    settings.CONTACT_RETENTION_MONTHS = 24
    today = timezone.localdate()
    site = SiteFactory(occupancy_start=date(2000, 1, 1), occupancy_end=date(2100, 1, 1))
    old = StructureFactory(name="Partie il y a longtemps")
    OccupancyFactory(
        structure=old, site=site, start=date(2015, 1, 1), end=today - timedelta(days=800)
    )
    recent = StructureFactory(name="Partie récemment")
    OccupancyFactory(
        structure=recent, site=site, start=date(2015, 1, 1), end=today - timedelta(days=300)
    )
    back = StructureFactory(name="Revenue depuis")
    OccupancyFactory(structure=back, site=site, start=date(2015, 1, 1), end=date(2016, 1, 1))
    OccupancyFactory(
        structure=back, site=site, start=date(2016, 1, 2), end=today + timedelta(days=30)
    )
    never = StructureFactory(name="Jamais installée")
    return old, recent, back, never


def test_purge_contacts_anonymises_only_structures_gone_beyond_retention(structures):
    old, recent, back, never = structures

    output = run("purge_contacts")

    old.refresh_from_db()
    assert (old.contact_name, old.contact_email, old.contact_phone) == ("", "", "")
    for kept in (recent, back, never):
        kept.refresh_from_db()
        assert kept.contact_email
    assert "Partie il y a longtemps" in output
    assert "1 structure contact(s) anonymised" in output


def test_purge_contacts_dry_run_and_months_override(structures):
    old, recent, _back, _never = structures

    output = run("purge_contacts", "--dry-run", "--months", "6")

    assert "2 structure contact(s) would be anonymised" in output
    assert (
        Structure.objects.filter(pk__in=[old.pk, recent.pk]).exclude(contact_email="").count() == 2
    )


def test_purge_contacts_twice_finds_nothing_the_second_time(structures):
    run("purge_contacts")
    assert "0 structure contact(s) anonymised" in run("purge_contacts")


def test_an_erased_account_reads_as_a_deleted_account_not_as_its_placeholder_address(crew):
    run("erase_person", "lea@atelier-x.example.org")

    lea = User.objects.get(pk=crew.lea.pk)
    assert lea.is_erased and not crew.max.is_erased
    with translation.override("fr"):
        assert (str(lea), lea.get_full_name()) == ("Compte supprimé", "Compte supprimé")
    with translation.override("en"):
        assert str(lea) == "Deleted account"
    assert str(crew.max) == crew.max.full_name
