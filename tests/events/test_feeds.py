"""iCalendar feeds: a room's public busy/free feed, private feeds of a person and a structure."""

import io
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.forms import FileField
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from accounts.models import User
from events.models import Booking, FeedToken
from occupants.models import Occupancy, StructureMember
from tests.events.factories import BookingFactory, RoomFactory, local_slot
from tests.factories import SiteFactory
from tests.occupants.factories import SpaceFactory, hold

PARIS = ZoneInfo("Europe/Paris")
FEEDS = reverse("events:feeds")


@pytest.fixture
def w(booking_world):
    w = booking_world
    start, end = local_slot(4, 15)
    w.bleu_booking = BookingFactory(
        space=w.salle_jaune,
        structure=w.bleu,
        booked_by=w.bea,
        start=start,
        end=end,
        purpose="Conseil d'administration très privé",
    )
    start, end = local_slot(5, 9)
    w.vert_booking = BookingFactory(
        space=w.salle_jaune,
        structure=w.vert,
        booked_by=w.carl,
        start=start,
        end=end,
        purpose="Stratégie du Collectif Vert",
        status=Booking.Status.PENDING,
    )
    start, end = local_slot(6, 9)
    w.cancelled = BookingFactory(
        space=w.salle_jaune,
        structure=w.vert,
        start=start,
        end=end,
        status=Booking.Status.CANCELLED,
    )
    StructureMember.objects.filter(user=w.bob, structure=w.bleu).update(
        role=StructureMember.Role.LEAD
    )
    return w


def parse(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events(calendar: Calendar) -> list:
    return list(calendar.walk("VEVENT"))


def space_feed_url(space) -> str:
    return reverse("events:feed_space", args=[space.pk])


def private_url(token: FeedToken) -> str:
    return reverse("events:feed_private", kwargs={"token": token.token})


# --- Public room feed -----------------------------------------------------------------------


def test_room_feed_shows_busy_times_only(client, w):
    response = client.get(space_feed_url(w.salle_jaune))
    calendar = parse(response)
    found = events(calendar)
    assert len(found) == 2  # the cancelled booking has freed the room
    assert {str(e["SUMMARY"]) for e in found} == {"Occupé"}
    body = response.content.decode()
    for secret in (
        "Conseil",
        "Stratégie",
        "Atelier Bleu",
        "Collectif Vert",
        w.bleu_booking.reference,
        w.vert_booking.reference,
        "bea@example.org",
        "DESCRIPTION",
    ):
        assert secret not in body, secret
    starts = sorted(e.decoded("DTSTART") for e in found)
    assert starts[0] == w.bleu_booking.start
    assert starts[0].tzinfo.key == "Europe/Paris"


def test_room_feed_includes_the_paris_vtimezone(client, w):
    calendar = parse(client.get(space_feed_url(w.salle_jaune)))
    zones = list(calendar.walk("VTIMEZONE"))
    assert [str(z["TZID"]) for z in zones] == ["Europe/Paris"]
    assert "TZID=Europe/Paris" in client.get(space_feed_url(w.salle_jaune)).content.decode()


def test_wall_clock_time_survives_the_clock_change(client, w):
    # Two bookings at 15:00 on either side of a clock change keep 15:00 in Paris.
    first = timezone.localdate() + timedelta(days=10)
    offset = datetime.combine(first, time(15), tzinfo=PARIS).utcoffset()
    other = next(
        first + timedelta(days=n)
        for n in range(1, 360)
        if datetime.combine(first + timedelta(days=n), time(15), tzinfo=PARIS).utcoffset() != offset
    )
    for day in (first, other):
        start = datetime.combine(day, time(15), tzinfo=PARIS)
        BookingFactory(
            space=w.salle_verte, structure=w.bleu, start=start, end=start + timedelta(hours=2)
        )
    found = events(parse(client.get(space_feed_url(w.salle_verte))))
    local = sorted(e.decoded("DTSTART").astimezone(PARIS) for e in found)
    assert [(d.hour, d.minute) for d in local] == [(15, 0), (15, 0)]
    assert local[0].utcoffset() != local[1].utcoffset()
    ends = sorted(e.decoded("DTEND").astimezone(PARIS) for e in found)
    assert [d.hour for d in ends] == [17, 17]


def test_room_feed_of_unpublished_site_or_private_room_is_404(client, w):
    hidden = RoomFactory(site=SiteFactory(published=False))
    office = RoomFactory(site=w.site_a, is_bookable=False)
    assert client.get(space_feed_url(hidden)).status_code == 404
    assert client.get(space_feed_url(office)).status_code == 404
    assert client.get("/reservations/flux/salles/999999.ics").status_code == 404


def feed_queries(client, url, django_assert_max_num_queries) -> int:
    with django_assert_max_num_queries(6) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_room_feed_query_count_does_not_grow(client, w, django_assert_max_num_queries):
    url = space_feed_url(w.salle_verte)
    few = feed_queries(client, url, django_assert_max_num_queries)
    for day in range(1, 40):
        start, end = local_slot(day, 10)
        BookingFactory(space=w.salle_verte, structure=w.vert, start=start, end=end)
    assert feed_queries(client, url, django_assert_max_num_queries) == few


# --- Private feeds --------------------------------------------------------------------------


def test_feeds_page_needs_login(client, w):
    response = client.get(FEEDS)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_feeds_page_lists_my_feeds(client, w):
    client.force_login(w.bob)
    response = client.get(FEEDS)
    assert response.status_code == 200
    own = FeedToken.objects.get(user=w.bob)
    structure = FeedToken.objects.get(structure=w.bleu)
    assert own.token in response.text
    assert structure.token in response.text
    assert space_feed_url(w.salle_jaune) in response.text
    assert space_feed_url(w.salle_b) not in response.text  # not an occupant of site B


def test_personal_feed_has_my_structures_bookings_with_details(client, w):
    client.force_login(w.bob)
    client.get(FEEDS)
    client.logout()  # calendar apps have no session: the token is the key
    response = client.get(private_url(FeedToken.objects.get(user=w.bob)))
    calendar = parse(response)
    assert response["Cache-Control"] == "private, no-store"
    found = events(calendar)
    assert len(found) == 1
    assert "Conseil d'administration très privé" in str(found[0]["SUMMARY"])
    assert found[0].decoded("DTSTART") == w.bleu_booking.start
    assert "Stratégie" not in response.content.decode()  # Collectif Vert's
    assert list(calendar.walk("VTIMEZONE"))


def test_structure_feed_has_its_bookings_only(client, w):
    token = FeedToken.objects.for_structures([w.vert])[w.vert.pk]
    response = client.get(private_url(token))
    found = events(parse(response))
    assert [str(e["STATUS"]) for e in found] == ["TENTATIVE"]  # pending
    body = response.content.decode()
    assert "Stratégie du Collectif Vert" in body
    assert "Conseil" not in body


def test_resetting_my_feed_kills_the_old_address(client, w):
    client.force_login(w.bob)
    client.get(FEEDS)
    old = FeedToken.objects.get(user=w.bob).token
    response = client.post(reverse("events:feed_reset"), {"kind": "personne"}, follow=True)
    assert "l&#x27;ancienne ne fonctionne plus" in response.text
    new = FeedToken.objects.get(user=w.bob).token
    assert new != old
    assert client.get(reverse("events:feed_private", kwargs={"token": old})).status_code == 404
    assert client.get(reverse("events:feed_private", kwargs={"token": new})).status_code == 200


def test_only_a_lead_resets_the_structure_feed(client, w):
    old = FeedToken.objects.for_structures([w.bleu])[w.bleu.pk].token
    client.force_login(w.bea)  # a plain member
    response = client.post(
        reverse("events:feed_reset"), {"kind": "structure", "structure": w.bleu.pk}
    )
    assert response.status_code == 404
    assert FeedToken.objects.get(structure=w.bleu).token == old
    client.force_login(w.bob)  # the lead
    client.post(reverse("events:feed_reset"), {"kind": "structure", "structure": w.bleu.pk})
    assert FeedToken.objects.get(structure=w.bleu).token != old


@pytest.mark.parametrize(
    ("query", "heading"),
    [
        ({"kind": "personne"}, "Créer une nouvelle adresse pour mon agenda ?"),
        ({"kind": "structure"}, "Créer une nouvelle adresse pour l'agenda de"),
    ],
)
def test_resetting_a_feed_asks_first_and_a_get_changes_nothing(client, w, query, heading):
    client.force_login(w.bob)  # the lead of bleu
    page = client.get(FEEDS).text
    reset = reverse("events:feed_reset")
    assert f'action="{reset}"' not in page  # the feeds page only links to the confirmation
    if query["kind"] == "structure":
        query = query | {"structure": w.bleu.pk}
    tokens = set(FeedToken.objects.values_list("token", flat=True))
    response = client.get(reset, query)
    assert response.status_code == 200
    assert heading in response.text
    assert f'action="{reset}"' in response.text
    assert "Confirmer : créer une nouvelle adresse" in response.text
    assert f'href="{FEEDS}"' in response.text
    assert set(FeedToken.objects.values_list("token", flat=True)) == tokens


def test_the_confirmation_of_another_structures_reset_is_404(client, w):
    client.force_login(w.bea)  # a plain member of bleu
    query = {"kind": "structure", "structure": w.bleu.pk}
    assert client.get(reverse("events:feed_reset"), query).status_code == 404
    client.force_login(w.bob)
    query = {"kind": "structure", "structure": w.vert.pk}
    assert client.get(reverse("events:feed_reset"), query).status_code == 404


@pytest.mark.parametrize("structure", ["vert", "garbage", ""])
def test_resetting_another_structures_feed_is_404(client, w, structure):
    client.force_login(w.bob)
    value = getattr(w, structure).pk if structure == "vert" else structure
    response = client.post(reverse("events:feed_reset"), {"kind": "structure", "structure": value})
    assert response.status_code == 404


def test_reset_with_unknown_kind_changes_nothing(client, w):
    client.force_login(w.bob)
    response = client.post(reverse("events:feed_reset"), {"kind": "tout"})
    assert response.status_code == 302
    assert not FeedToken.objects.exists()
    assert "Demande non reconnue" in client.get(response["Location"]).text


@pytest.mark.parametrize("token", ["nope", "x" * 65, "a" * 43])
def test_unknown_token_is_404(client, w, token):
    assert client.get(reverse("events:feed_private", kwargs={"token": token})).status_code == 404


def test_a_near_miss_of_a_real_token_is_404(client, w):
    feed = FeedToken.objects.for_user(w.bob)
    token = feed.token
    assert client.get(private_url(feed)).status_code == 200
    last = "B" if token[-1] != "B" else "C"
    for guess in (token.swapcase(), token[:-1], token[:-1] + last, token + "A", token[:16]):
        assert guess != token
        url = reverse("events:feed_private", kwargs={"token": guess})
        assert client.get(url).status_code == 404, guess


def test_feed_of_a_deactivated_person_is_404(client, w):
    token = FeedToken.objects.for_user(w.bob)
    w.bob.is_active = False
    w.bob.save()
    assert client.get(private_url(token)).status_code == 404


def test_private_feed_query_count_does_not_grow(client, w, django_assert_max_num_queries):
    url = private_url(FeedToken.objects.for_user(w.bob))
    few = feed_queries(client, url, django_assert_max_num_queries)
    for day in range(7, 40):
        start, end = local_slot(day, 10)
        BookingFactory(space=w.salle_verte, structure=w.bleu, start=start, end=end)
        BookingFactory(space=w.salle_jaune, structure=w.bleu, booked_by=w.bob, start=start, end=end)
    assert feed_queries(client, url, django_assert_max_num_queries) == few


# --- Leaving a structure --------------------------------------------------------------------
# Every member knows the structure's feed address; whoever leaves must not keep reading it.


def _structure_feed(w) -> str:
    return FeedToken.objects.for_structures([w.bleu])[w.bleu.pk].token


def _feed_status(client, token: str) -> int:
    return client.get(reverse("events:feed_private", kwargs={"token": token})).status_code


def _admin_change_form_data(response) -> dict:
    """The POST a browser would send back for an admin change page, as rendered."""
    data: dict = {}

    def add(form) -> None:
        for name, field in form.fields.items():
            value = form[name].value()
            if isinstance(field, FileField):
                continue  # an unchanged file is not sent again
            if isinstance(value, bool) or value is None:
                if value:
                    data[form.add_prefix(name)] = "on"
                continue
            data[form.add_prefix(name)] = list(value) if isinstance(value, list) else value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = value
        for form in formset.forms:
            add(form)
    return data


def _structure_change(client, w) -> tuple[str, dict]:
    """Atelier Bleu's admin page and its data, its occupancy holding an office (as required)."""
    occupancy = Occupancy.objects.get(structure=w.bleu)
    occupancy.start, occupancy.end = w.site_a.occupancy_start, w.site_a.occupancy_end
    occupancy.save()
    hold(occupancy, SpaceFactory(site=w.site_a))
    url = reverse("admin:occupants_structure_change", args=[w.bleu.pk])
    return url, _admin_change_form_data(client.get(url))


def test_removed_member_loses_the_structure_feed(client, w):
    old = _structure_feed(w)
    assert _feed_status(client, old) == 200
    client.force_login(w.bob)  # the lead removes Béa from Mon espace
    bea = StructureMember.objects.get(structure=w.bleu, user=w.bea)

    client.post(reverse("occupants:member_remove", kwargs={"slug": w.bleu.slug, "pk": bea.pk}))

    assert not StructureMember.objects.filter(pk=bea.pk).exists()
    new = FeedToken.objects.get(structure=w.bleu).token
    assert new != old
    assert _feed_status(client, old) == 404
    assert _feed_status(client, new) == 200
    assert new in client.get(FEEDS).text  # where the remaining members find it
    assert FeedToken.objects.for_structures([w.vert])  # other structures keep theirs


def test_refused_removal_keeps_the_feed_address(client, w):
    from occupants import services

    old = _structure_feed(w)
    services.remove_member(StructureMember.objects.get(structure=w.bleu, user=w.bea))
    moved = FeedToken.objects.get(structure=w.bleu).token
    lead = StructureMember.objects.get(structure=w.bleu, user=w.bob)

    with pytest.raises(ValidationError):
        services.remove_member(lead)  # the last responsable stays

    assert moved != old
    assert FeedToken.objects.get(structure=w.bleu).token == moved


def test_member_deleted_from_the_member_admin_loses_the_structure_feed(client, w):
    old = _structure_feed(w)
    bea = StructureMember.objects.get(structure=w.bleu, user=w.bea)
    client.force_login(w.mara)  # manages site A, where Atelier Bleu is

    url = reverse("admin:occupants_structuremember_delete", args=[bea.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302

    assert not StructureMember.objects.filter(pk=bea.pk).exists()
    assert _feed_status(client, old) == 404


def test_member_deleted_from_the_structure_inline_loses_the_structure_feed(client, w):
    old = _structure_feed(w)
    client.force_login(w.alice)  # platform admins may delete in the inline
    url, data = _structure_change(client, w)
    bea = StructureMember.objects.get(structure=w.bleu, user=w.bea)
    row = next(
        k for k, v in data.items() if k.startswith("members-") and k.endswith("-id") and v == bea.pk
    )

    response = client.post(url, data | {row.replace("-id", "-DELETE"): "on"})

    assert response.status_code == 302, response.context["errors"]
    assert not StructureMember.objects.filter(pk=bea.pk).exists()
    assert _feed_status(client, old) == 404


def test_last_responsable_is_not_deleted_from_the_structure_inline(client, w):
    from occupants import services

    services.remove_member(StructureMember.objects.get(structure=w.bleu, user=w.bea))
    old = _structure_feed(w)
    client.force_login(w.alice)
    url, data = _structure_change(client, w)
    row = next(k for k, v in data.items() if k.startswith("members-") and k.endswith("-id"))

    response = client.post(url, data | {row.replace("-id", "-DELETE"): "on"}, follow=True)

    assert "dernier ou la dernière responsable" in response.text
    assert StructureMember.objects.filter(structure=w.bleu, user=w.bob).exists()
    assert _feed_status(client, old) == 200


def test_last_responsable_is_not_demoted_from_the_structure_inline(client, w):
    from occupants import services

    services.remove_member(StructureMember.objects.get(structure=w.bleu, user=w.bea))
    client.force_login(w.alice)
    url, data = _structure_change(client, w)
    row = next(k for k, v in data.items() if k.startswith("members-") and k.endswith("-id"))

    response = client.post(url, data | {row.replace("-id", "-role"): "membre"}, follow=True)

    assert "au moins un ou une responsable" in response.text
    assert StructureMember.objects.get(structure=w.bleu, user=w.bob).role == "responsable"


def test_erased_person_loses_the_structure_feed(client, w):
    from django.core.management import call_command

    old = _structure_feed(w)

    call_command("erase_person", "bea@example.org", stdout=io.StringIO())

    assert not StructureMember.objects.filter(structure=w.bleu, user=w.bea).exists()
    assert _feed_status(client, old) == 404


@pytest.mark.parametrize("how", ["delete page", "changelist action"])
def test_deleted_account_loses_the_structure_feed(client, w, how):
    old = _structure_feed(w)
    client.force_login(w.alice)

    if how == "delete page":
        url = reverse("admin:accounts_user_delete", args=[w.bea.pk])
        response = client.post(url, {"post": "yes"})
    else:
        response = client.post(
            reverse("admin:accounts_user_changelist"),
            {"action": "delete_selected", "_selected_action": [w.bea.pk], "post": "yes"},
        )

    assert response.status_code == 302
    assert not User.objects.filter(pk=w.bea.pk).exists()
    assert _feed_status(client, old) == 404
    assert _feed_status(client, FeedToken.objects.get(structure=w.bleu).token) == 200


def test_removed_members_personal_feed_drops_the_structures_bookings(client, w):
    start, end = local_slot(7, 10)
    BookingFactory(
        space=w.salle_verte,
        structure=w.bleu,
        booked_by=w.bob,
        start=start,
        end=end,
        purpose="Réunion de Bob",
    )
    url = private_url(FeedToken.objects.for_user(w.bea))
    assert "Réunion de Bob" in client.get(url).text

    StructureMember.objects.get(structure=w.bleu, user=w.bea).delete()

    assert "Réunion de Bob" not in client.get(url).text
