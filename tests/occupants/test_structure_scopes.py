"""Seeing and administering a structure are two scopes.

A site manager administers a structure (its record, members, invitations, roles) only while it
holds a current, non-cancelled occupancy of one of their sites (Structure.objects.administered_by).
A past occupancy leaves read-only history (Structure.objects.visible_to_manager); a cancelled one
leaves nothing; an application opens the application, not the structure.

The cast: structure B ("Collectif B", bea its responsable) occupies site B (mike's) now. It once
applied to a call of site A (mara's) and was refused.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from events.services import BookingError, book
from occupants import services
from occupants.models import Application, Invitation, Occupancy, Structure, StructureMember
from tests.events.factories import RoomFactory, local_slot
from tests.occupants.calls_support import make_call, submitted
from tests.occupants.factories import SpaceFactory, StructureFactory, UserFactory

LEAD, MEMBER = StructureMember.Role.LEAD, StructureMember.Role.MEMBER


def change(model: str, pk: int) -> str:
    return reverse(f"admin:occupants_{model}_change", args=[pk])


def occupy(structure, site, start, end) -> Occupancy:
    return services.create_occupancy(
        structure=structure,
        site=site,
        spaces=[SpaceFactory(site=site)],
        start=start,
        end=end,
        fee_basis="mois",
        fee_amount=200,
    )


@pytest.fixture
def world(cast):
    w = cast
    w.today = today = timezone.localdate()
    for site in (w.site_a, w.site_b):
        site.occupancy_start = today - timedelta(days=800)
        site.occupancy_end = today + timedelta(days=800)
        site.save()
    w.b = StructureFactory(name="Collectif B", public_profile=False)
    w.bea = UserFactory(email="bea@collectif-b.example.org", full_name="Béa Responsable")
    w.lead = services.add_member(w.b, w.bea, LEAD)
    w.occ_b = occupy(w.b, w.site_b, today - timedelta(days=30), today + timedelta(days=300))
    call = make_call(w.site_a, slug="appel-a")
    w.application = submitted(call, w.bea, structure=w.b, structure_name="Collectif B")
    w.application.status = Application.Status.REFUSED
    w.application.save()
    return w


def administers(user, structure) -> bool:
    return Structure.objects.administered_by(user).filter(pk=structure.pk).exists()


def sees(user, structure) -> bool:
    return Structure.objects.visible_to_manager(user).filter(pk=structure.pk).exists()


# --- The reported takeover: an application alone ----------------------------------------------


def test_refused_application_gives_the_manager_neither_the_structure_nor_its_people(world, client):
    client.force_login(world.mara)

    page = client.get(change("structure", world.b.pk))
    member_page = client.get(change("structuremember", world.lead.pk))
    listing = client.get(reverse("admin:occupants_structure_changelist"))

    assert page.status_code == member_page.status_code == 302
    assert page["Location"] == member_page["Location"] == reverse("admin:index")
    assert "Collectif B" not in listing.content.decode()
    assert not sees(world.mara, world.b)
    assert not administers(world.mara, world.b)


def test_manager_cannot_invite_herself_as_responsable_of_a_structure_that_applied(world, client):
    client.force_login(world.mara)

    response = client.post(
        reverse("admin:occupants_invitation_add"),
        {"structure": world.b.pk, "email": world.mara.email, "role": LEAD},
    )

    assert response.status_code == 200
    assert "structure" in response.context["adminform"].form.errors
    assert not Invitation.objects.filter(structure=world.b).exists()
    assert not mail.outbox
    assert not StructureMember.objects.filter(structure=world.b, user=world.mara).exists()


def test_manager_cannot_change_the_record_or_the_roles_of_a_structure_that_applied(world, client):
    ben = services.add_member(world.b, UserFactory(email="ben@collectif-b.example.org"), LEAD)
    client.force_login(world.mara)

    record = client.post(change("structure", world.b.pk), {"name": "Repris", "slug": world.b.slug})
    role = client.post(change("structuremember", world.lead.pk), {"role": MEMBER})
    client.post(
        reverse("admin:occupants_structuremember_changelist"),
        {"action": "delete_selected", "_selected_action": [ben.pk], "post": "yes"},
    )

    assert record.status_code == role.status_code == 302
    assert record["Location"] == role["Location"] == reverse("admin:index")
    world.b.refresh_from_db()
    world.lead.refresh_from_db()
    assert world.b.name == "Collectif B"
    assert world.lead.role == LEAD
    assert StructureMember.objects.filter(pk=ben.pk, role=LEAD).exists()


def test_the_application_itself_stays_open_to_the_manager(world, client):
    client.force_login(world.mara)
    url = reverse("admin:occupants_application_change", args=[world.application.pk])
    assert client.get(url).status_code == 200


def test_services_refuse_a_manager_who_does_not_administer_the_structure(world):
    with pytest.raises(PermissionDenied):
        services.invite(world.b, world.mara.email, LEAD, invited_by=world.mara)
    with pytest.raises(PermissionDenied):
        services.change_member_role(world.lead, MEMBER, by=world.mara)
    with pytest.raises(PermissionDenied):
        services.remove_member(world.lead, by=world.mara)

    world.lead.refresh_from_db()
    assert world.lead.role == LEAD
    assert not Invitation.objects.filter(structure=world.b).exists()


def test_services_let_the_administering_manager_and_the_responsable_act(world):
    services.invite(world.b, "nina@example.org", MEMBER, invited_by=world.mike)
    services.invite(world.b, "noe@example.org", MEMBER, invited_by=world.bea)
    assert Invitation.objects.filter(structure=world.b).count() == 2


def test_manager_cannot_book_on_behalf_of_a_structure_that_only_applied_or_left(world):
    room = RoomFactory(site=world.site_a)
    occupy(
        world.b,
        world.site_a,
        world.today - timedelta(days=400),
        world.today - timedelta(days=1),
    )
    start, end = local_slot(2, 10)
    with pytest.raises(BookingError, match="n'occupe pas"):
        book(space=room, user=world.mara, structure=world.b, start=start, end=end, on_behalf=True)


# --- Past, cancelled and current occupancies ---------------------------------------------------


@pytest.fixture
def past(world):
    """B occupied site A until yesterday."""
    world.occ_past = occupy(
        world.b, world.site_a, world.today - timedelta(days=400), world.today - timedelta(days=1)
    )
    return world


def test_a_past_occupancy_leaves_the_manager_a_read_only_structure_page(past, client):
    client.force_login(past.mara)

    page = client.get(change("structure", past.b.pk))
    content = page.content.decode()

    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert 'name="_save"' not in content
    assert "Béa Responsable" in content  # the members, read-only
    assert past.occ_past.spaces.get().name in content  # the site's history with them
    assert 'name="members-0-role"' not in content
    assert sees(past.mara, past.b) and not administers(past.mara, past.b)


def test_a_past_occupant_cannot_be_changed_nor_its_people(past, client):
    client.force_login(past.mara)

    record = client.post(change("structure", past.b.pk), {"name": "Repris", "slug": past.b.slug})
    role = client.post(change("structuremember", past.lead.pk), {"role": MEMBER})
    invitation = client.post(
        reverse("admin:occupants_invitation_add"),
        {"structure": past.b.pk, "email": past.mara.email, "role": LEAD},
    )

    assert record.status_code == role.status_code == 403
    assert invitation.status_code == 200
    assert "structure" in invitation.context["adminform"].form.errors
    past.b.refresh_from_db()
    past.lead.refresh_from_db()
    assert (past.b.name, past.lead.role) == ("Collectif B", LEAD)
    assert not Invitation.objects.filter(structure=past.b).exists()


def test_invite_contact_action_skips_a_structure_the_manager_only_sees(past, client):
    client.force_login(past.mara)

    response = client.post(
        reverse("admin:occupants_structure_changelist"),
        {"action": "invite_contact", "_selected_action": [past.b.pk]},
        follow=True,
    )

    assert not Invitation.objects.filter(structure=past.b).exists()
    assert "vous pouvez les consulter, pas les administrer" in response.content.decode()


def test_a_pending_invitation_of_a_past_occupant_cannot_be_deleted_or_sent_again(past, client):
    invitation, _token = services.invite(past.b, "nina@example.org", MEMBER, invited_by=past.bea)
    client.force_login(past.mara)

    delete = client.post(
        reverse("admin:occupants_invitation_delete", args=[invitation.pk]), {"post": "yes"}
    )
    client.post(
        reverse("admin:occupants_invitation_changelist"),
        {"action": "send_again", "_selected_action": [invitation.pk]},
    )

    assert delete.status_code == 403
    assert list(Invitation.objects.filter(structure=past.b)) == [invitation]


def test_manager_cannot_give_a_new_occupancy_to_a_structure_they_do_not_administer(past, client):
    client.force_login(past.mara)
    today = past.today

    response = client.post(
        reverse("admin:occupants_occupancy_add"),
        {
            "structure": past.b.pk,
            "site": past.site_a.pk,
            "held_spaces": [SpaceFactory(site=past.site_a).pk],
            "start": today.isoformat(),
            "end": (today + timedelta(days=30)).isoformat(),
            "fee_basis": "mois",
            "fee_amount": "100",
            "charges": "0",
            "status": "signee",
            "notes": "",
        },
    )

    assert response.status_code == 200
    assert "structure" in response.context["adminform"].form.errors
    assert Occupancy.objects.filter(structure=past.b).count() == 2
    assert not administers(past.mara, past.b)


def test_a_past_occupancy_of_the_managers_site_can_still_be_annotated(past, client):
    client.force_login(past.mara)
    occupancy = past.occ_past

    response = client.post(
        change("occupancy", occupancy.pk),
        {
            "structure": past.b.pk,
            "site": past.site_a.pk,
            "held_spaces": list(occupancy.held_spaces.values_list("space_id", flat=True)),
            "start": occupancy.start.isoformat(),
            "end": occupancy.end.isoformat(),
            "fee_basis": "mois",
            "fee_amount": "200",
            "charges": "0",
            "status": "signee",
            "notes": "Clés rendues.",
        },
    )

    assert response.status_code == 302
    occupancy.refresh_from_db()
    assert occupancy.notes == "Clés rendues."


def test_a_cancelled_occupancy_gives_the_manager_nothing(world, client):
    cancelled = occupy(
        world.b, world.site_a, world.today - timedelta(days=10), world.today + timedelta(days=10)
    )
    services.cancel_occupancy(cancelled)
    client.force_login(world.mara)

    page = client.get(change("structure", world.b.pk))

    assert page.status_code == 302
    assert not sees(world.mara, world.b)
    assert not administers(world.mara, world.b)


def test_a_current_occupancy_makes_the_manager_its_administrator(
    world, client, django_capture_on_commit_callbacks
):
    occupy(world.b, world.site_a, world.today - timedelta(days=10), world.today)
    client.force_login(world.mara)

    page = client.get(change("structure", world.b.pk))
    with django_capture_on_commit_callbacks(execute=True):
        invitation = client.post(
            reverse("admin:occupants_invitation_add"),
            {"structure": world.b.pk, "email": "nina@example.org", "role": MEMBER},
        )

    assert page.status_code == 200
    assert page.context["has_change_permission"] is True
    assert invitation.status_code == 302
    assert Invitation.objects.filter(structure=world.b, email="nina@example.org").exists()
    assert [m.to for m in mail.outbox] == [["nina@example.org"]]


def test_an_occupancy_that_has_not_started_is_read_only_until_it_starts(world):
    occupy(
        world.b,
        world.site_a,
        world.today + timedelta(days=1),
        world.today + timedelta(days=60),
    )
    assert sees(world.mara, world.b)
    assert not administers(world.mara, world.b)


def test_platform_admin_administers_every_structure(world):
    assert administers(world.alice, world.b) and sees(world.alice, world.b)
