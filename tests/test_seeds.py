"""seed_demo, demo_logins and seed_bulk."""

import io
from datetime import datetime, time, timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageChops, ImageStat

from accounts.models import User
from demo import bulk, data
from demo.images import COMPOSITIONS, picture_kind, site_picture
from sites.models import Site
from tests.factories import SiteFactory

PROJECT_APPS = ("accounts", "sites", "occupants", "events")


def row_counts() -> dict[str, int]:
    counts = {}
    for label in PROJECT_APPS:
        if not apps.is_installed(label):
            continue
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            counts[model._meta.label] = model._default_manager.count()
    return counts


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_demo_twice_gives_the_same_rows():
    seed("--no-photos")
    first = row_counts()
    first_slugs = sorted(Site.objects.values_list("slug", flat=True))
    seed("--no-photos")
    assert row_counts() == first
    assert sorted(Site.objects.values_list("slug", flat=True)) == first_slugs
    assert first["sites.Site"] == len(data.SITES)
    assert first["sites.Space"] > 60


@pytest.mark.django_db
def test_seed_demo_models_the_seeds():
    seed("--no-photos")
    boussole = Site.objects.get(slug="la-boussole-asnieres")
    assert boussole.commune == "Asnières-sur-Seine" and boussole.departement == "92"
    assert boussole.duration_months == 18
    assert boussole.status == Site.Status.OPEN and boussole.published
    assert boussole.spaces.filter(is_bookable=True, kind="salle_reunion").count() >= 2
    assert boussole.spaces.count() >= 50
    usine = Site.objects.get(slug="usine-commune-vaugneray")
    leader = usine.fundings.get(programme="LEADER")
    assert leader.amount == 9900 and usine.total_project_cost == 19200
    assert {s.status for s in Site.objects.all()} == set(Site.Status.values)
    assert Site.objects.filter(published=False).exists()
    # Nobody real: every demo account is on the demo domain.
    assert all(
        email.endswith("@demo.interstices.fr")
        for email in User.objects.values_list("email", flat=True)
    )


@pytest.mark.django_db
def test_seed_demo_draws_cover_photos_once():
    seed()
    site = Site.objects.get(slug="la-boussole-asnieres")
    assert site.cover_photo and site.cover_thumbnail
    assert site.photos.count() == 2
    assert all(photo.image and photo.thumbnail for photo in site.photos.all())
    name, photo_names = site.cover_photo.name, sorted(p.image.name for p in site.photos.all())
    seed()
    site.refresh_from_db()
    assert site.cover_photo.name == name
    assert sorted(p.image.name for p in site.photos.all()) == photo_names


@pytest.mark.django_db
def test_seed_demo_gives_every_site_a_cover_drawn_for_its_former_use():
    seed()
    for site in Site.objects.all():
        assert site.cover_photo, site.slug
        with Image.open(site.cover_photo) as picture:
            assert picture.format == "JPEG" and picture.size == (960, 540)
        assert 5_000 < site.cover_photo.size < 150_000
    kinds = {picture_kind(row["former_use"]) for row in data.SITES}
    assert len(kinds) >= 5, "offices, factory, warehouse, university, control post…"


def test_each_kind_of_building_has_its_own_picture_and_each_seed_its_variant():
    pictures = {kind: site_picture(kind, seed=1) for kind in COMPOSITIONS}
    assert len(set(pictures.values())) == len(COMPOSITIONS)
    pixels = {kind: Image.open(io.BytesIO(jpeg)).convert("L") for kind, jpeg in pictures.items()}
    offices = pixels.pop("bureaux")
    for kind, other in pixels.items():  # not the same building recoloured: the shapes differ
        assert ImageChops.difference(offices, other).getbbox() is not None, kind
        assert ImageStat.Stat(ImageChops.difference(offices, other)).mean[0] > 4, kind
    assert site_picture("usine", seed=1) == site_picture("usine", seed=1)
    assert site_picture("usine", seed=1) != site_picture("usine", seed=2)


@pytest.mark.parametrize(
    ("former_use", "kind"),
    [
        ("Immeuble de bureaux", "bureaux"),
        ("Filature textile", "usine"),
        ("Entrepôt de messagerie", "entrepot"),
        ("École", "ecole"),
        ("Bâtiment universitaire", "universite"),
        ("Caserne", "caserne"),
        ("Hôpital", "clinique"),
        ("Poste de régulation du trafic", "poste"),
        ("Trésorerie publique", "administration"),
        ("Autre chose", "bureaux"),
    ],
)
def test_a_former_use_picks_the_drawing_of_that_kind_of_building(former_use, kind):
    assert picture_kind(former_use) == kind


@pytest.mark.django_db
@pytest.mark.parametrize("key", [key for key, *_rest in data.ACCOUNTS])
def test_demo_accounts_can_log_in(client, key):
    seed("--no-photos")
    response = client.post(
        reverse("accounts:login"),
        {"username": data.demo_email(key), "password": data.DEMO_PASSWORD},
    )
    assert response.status_code == 302, response.content[:500]
    assert client.session.get("_auth_user_id") == str(
        User.objects.get(email=data.demo_email(key)).pk
    )


@pytest.mark.django_db
def test_demo_roles_are_scoped():
    seed("--no-photos")
    admin = User.objects.get(email=data.demo_email("admin"))
    equipe = User.objects.get(email=data.demo_email("equipe"))
    responsable = User.objects.get(email=data.demo_email("responsable"))
    assert admin.is_superuser
    assert list(Site.objects.managed_by(responsable).values_list("slug", flat=True)) == [
        "la-boussole-asnieres"
    ]
    operated = Site.objects.filter(operator__slug="cooperative-interstices")
    assert set(Site.objects.managed_by(equipe)) == set(operated)
    assert not Site.objects.managed_by(User.objects.get(email=data.demo_email("candidat")))


@pytest.mark.django_db
def test_demo_owners_and_funder_follow_their_sites():
    seed("--no-photos")

    def followed(key: str) -> set[str]:
        user = User.objects.get(email=data.demo_email(key))
        assert not Site.objects.managed_by(user)  # they follow; they do not manage
        return set(Site.objects.owned_by(user).values_list("slug", flat=True))

    assert "poste-de-regulation-tourcoing" in followed("metropole")
    assert followed("metropole") == {
        site["slug"] for site in data.SITES if site["owner"] == "metropole-lys-deule"
    }
    assert followed("universite") == {
        site["slug"] for site in data.SITES if site["owner"] == "universite-rive-gauche"
    }
    funded = {
        site["slug"]
        for site in data.SITES
        if any(funding[0] == "gal-monts-vallons" for funding in site["fundings"])
    }
    assert funded and followed("financeur") == funded


@pytest.mark.django_db
def test_seed_demo_if_empty_leaves_an_existing_database_alone():
    SiteFactory(name="Lieu existant")
    output = seed("--if-empty")
    assert "déjà" in output
    assert list(Site.objects.values_list("name", flat=True)) == ["Lieu existant"]
    assert not User.objects.filter(email__endswith="@demo.interstices.fr").exists()


@pytest.mark.django_db
def test_seed_demo_if_empty_loads_an_empty_database():
    seed("--if-empty", "--no-photos")
    assert Site.objects.count() == len(data.SITES)


@pytest.mark.django_db
def test_demo_logins_prints_every_account_in_french():
    out = StringIO()
    call_command("demo_logins", stdout=out)
    assert "seed_demo" in out.getvalue()  # nothing loaded yet: says what to run
    seed("--no-photos")
    out = StringIO()
    call_command("demo_logins", "--base-url", "http://127.0.0.1:9000", stdout=out)
    text = out.getvalue()
    assert "http://127.0.0.1:9000/compte/connexion/" in text
    assert data.DEMO_PASSWORD in text
    for key, *_rest in data.ACCOUNTS:
        assert data.demo_email(key) in text
    assert "Mot de passe" in text


def bulk_counts() -> dict[str, int]:
    return {
        label: count
        for label, count in row_counts().items()
        if not label.startswith("accounts.User")
    }


@pytest.mark.django_db
def test_seed_bulk_small_is_deterministic_and_refuses_to_duplicate():
    call_command("seed_bulk", sites=6, structures=60, bookings=300, stdout=StringIO())
    counts = bulk_counts()
    names = list(Site.objects.order_by("slug").values_list("name", "commune", "status"))
    assert counts["sites.Site"] == 6 and counts["sites.Space"] == 60
    with pytest.raises(CommandError, match="--reset"):
        call_command("seed_bulk", sites=6, stdout=StringIO())
    call_command("seed_bulk", sites=6, structures=60, bookings=300, reset=True, stdout=StringIO())
    assert bulk_counts() == counts
    assert list(Site.objects.order_by("slug").values_list("name", "commune", "status")) == names


@pytest.mark.django_db
def test_seed_bulk_fills_later_models_without_overlaps():
    call_command("seed_bulk", sites=4, structures=80, bookings=400, stdout=StringIO())
    if apps.is_installed("occupants"):
        Structure = apps.get_model("occupants", "Structure")
        OccupancySpace = apps.get_model("occupants", "OccupancySpace")
        assert Structure.objects.count() == 80
        # The benchmark's site page has the seed's 40 structures.
        first = Site.objects.order_by("slug").first()
        assert first.published and first.occupancies.count() == 40
        exclusive = OccupancySpace.objects.filter(exclusive=True, active=True)
        assert exclusive.count() == len(set(exclusive.values_list("space_id", flat=True)))
    Booking = apps.get_model("events", "Booking")
    assert Booking.objects.count() == 400
    assert Booking.objects.overlapping_pairs() == []
    assert Booking.objects.filter(space__is_bookable=False).count() == 0


@pytest.mark.django_db
def test_seed_bulk_gives_the_busiest_site_a_tenth_of_the_bookings_over_its_years(monkeypatch):
    """The impact figures' bench row: the first site (40 structures) gets a tenth of the
    bookings, FIRST_SITE_BOOKINGS at most, on one-hour slots from its opening to four weeks
    ago; from then on every room, its own included, shares the rest as before."""
    monkeypatch.setattr(bulk, "FIRST_SITE_BOOKINGS", 45)
    call_command("seed_bulk", sites=3, structures=60, bookings=600, stdout=StringIO())
    Booking = apps.get_model("events", "Booking")
    first = Site.objects.order_by("slug").first()
    today = timezone.localdate()
    assert first.occupancy_start == today - bulk.FIRST_SITE_AGE
    assert first.occupancies.count() == bulk.FIRST_SITE_STRUCTURES
    recent_start = timezone.make_aware(
        datetime.combine(today - bulk.RECENT_DAYS, datetime.min.time())
    )
    busiest = Booking.objects.filter(site=first, start__lt=recent_start)
    assert busiest.count() == 45  # min(45, 600 // 10)
    assert Booking.objects.count() == 600
    assert Booking.objects.filter(site=first, start__gte=recent_start).exists()
    assert busiest.values("space").distinct().count() == 3
    local = [timezone.localtime(b.start) for b in busiest]
    assert min(local).date() >= first.occupancy_start
    assert min(local).date() < today - timedelta(days=365)  # spread over its years
    assert all(8 <= moment.hour < 20 and moment.minute == 0 for moment in local)
    assert busiest.filter(status="confirmee").exists()
    assert busiest.filter(structure__isnull=True).exclude(outside_name="").exists()
    assert Booking.objects.overlapping_pairs() == []


@pytest.mark.django_db
def test_seed_bulk_rejects_bad_sizes():
    with pytest.raises(CommandError):
        call_command("seed_bulk", sites=0, stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("seed_bulk", sites=3, bookings=-1, stdout=StringIO())


def test_bulk_references_are_unique_and_short():
    references = {bulk.bulk_reference(n) for n in range(50_000)}
    assert len(references) == 50_000
    assert all(len(r) <= 12 for r in references)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_seed_bulk_on_postgresql_respects_the_exclusion_constraints():
    """On PostgreSQL the exclusion constraints are live: the bulk insert must satisfy them."""
    call_command(
        "seed_bulk", sites=30, structures=600, bookings=6000, events=900, stdout=StringIO()
    )
    Booking = apps.get_model("events", "Booking")
    EventTiming = apps.get_model("events", "EventTiming")
    held = EventTiming.objects.exclude(booking=None).count()
    assert held > 100
    assert Booking.objects.count() == 6000 + held
    assert Booking.objects.overlapping_pairs() == []
    assert Site.objects.count() == 30


@pytest.mark.django_db
def test_seed_demo_fills_the_occupants_picture(mailoutbox):
    seed("--no-photos")
    Structure = apps.get_model("occupants", "Structure")
    StructureMember = apps.get_model("occupants", "StructureMember")
    boussole = Site.objects.get(slug="la-boussole-asnieres")
    on_boussole = Structure.objects.filter(
        occupancies__site=boussole, occupancies__end__gte=timezone.localdate()
    ).distinct()
    assert 38 <= on_boussole.count() <= 42  # occupying it now (a few others have left)
    sectors = set(on_boussole.values_list("sectors__slug", flat=True))
    assert {"arts-plastiques", "textile", "design", "joaillerie", "cosmetique"} <= sectors
    assert {"upcycling", "musique", "associatif"} <= sectors
    assert Structure.objects.exclude(occupancies__site=boussole).exists()  # a few elsewhere
    lead = StructureMember.objects.get(user__email=data.demo_email("structure"))
    assert lead.role == "responsable"
    assert lead.structure.occupancies.filter(site=boussole).exists()
    assert not mailoutbox  # the demo's bookings and calls send no e-mail


@pytest.mark.django_db
def test_seed_demo_opens_a_call_and_books_rooms():
    seed("--no-photos")
    Call = apps.get_model("occupants", "Call")
    Application = apps.get_model("occupants", "Application")
    Booking = apps.get_model("events", "Booking")
    call = Call.objects.open().get()
    statuses = set(call.applications.values_list("status", flat=True))
    assert {"brouillon", "soumise", "en_etude", "refusee", "desistee"} <= statuses
    assert call.lots.count() == 3 and call.visits.count() == 2
    mine = Application.objects.of_candidate(
        User.objects.get(email=data.demo_email("candidat"))
    ).get()
    assert mine.status == "soumise"
    assert Booking.objects.filter(site__slug="la-boussole-asnieres").count() >= 10
    assert Booking.objects.overlapping_pairs() == []


@pytest.mark.django_db
def test_seed_demo_has_a_past_of_bookings_and_departures_that_the_site_page_rate_shows(client):
    seed("--no-photos")
    Booking = apps.get_model("events", "Booking")
    Occupancy = apps.get_model("occupants", "Occupancy")
    today, now = timezone.localdate(), timezone.now()
    boussole = Site.objects.get(slug="la-boussole-asnieres")
    opened = timezone.make_aware(datetime.combine(boussole.occupancy_start, time()))
    past = Booking.objects.filter(site=boussole, end__lt=opened + timedelta(60))
    assert past.filter(status="confirmee").count() >= 50  # its first two months
    assert past.filter(status="annulee").exists()
    assert Booking.objects.filter(site__slug="halle-aux-savoirs-paris", end__lt=now).count() > 100
    assert Booking.objects.overlapping_pairs() == []
    ended = Occupancy.objects.filter(end__lt=today)
    assert ended.filter(site=boussole).count() >= 2
    assert ended.filter(site__slug="filature-roubaix").exists()
    bookings = sorted(Booking.objects.values_list("request_key", "status"))
    seed("--no-photos")  # a second run adds no booking and changes none
    assert sorted(Booking.objects.values_list("request_key", "status")) == bookings

    response = client.get(boussole.get_absolute_url())
    rate = response.context["rate"]
    assert rate.hours_rate > 5 and rate.booked_days > 50
    assert response.context["start"] == boussole.occupancy_start
    assert "depuis l&#x27;ouverture le 1er " in response.text
    other = client.get(Site.objects.get(slug="usine-commune-vaugneray").get_absolute_url())
    assert other.context["rate"].hours_rate > 5


@pytest.mark.django_db
def test_seed_demo_works_without_the_later_models(monkeypatch):
    from demo import extensions

    monkeypatch.setattr(extensions, "has_models", lambda *labels: False)
    seed("--no-photos")
    assert Site.objects.count() == len(data.SITES)
    assert not apps.get_model("occupants", "Structure").objects.exists()


@pytest.mark.django_db
def test_demo_pages_answer_for_each_role(client):
    seed()  # with the generated photos, which the site page shows
    boussole = Site.objects.get(slug="la-boussole-asnieres")
    public = [
        reverse("home"),
        reverse("sites:directory"),
        boussole.get_absolute_url(),
        reverse("sites:geojson"),
        reverse("structures:directory"),
        reverse("calls:list"),
    ]
    for path in public:
        assert client.get(path).status_code == 200, path
    assert (
        client.get(
            Site.objects.get(slug="immeuble-pasteur-nanterre").get_absolute_url()
        ).status_code
        == 404
    )  # unpublished

    client.force_login(User.objects.get(email=data.demo_email("structure")))
    room = boussole.spaces.filter(is_bookable=True).first()
    for path in [
        reverse("accounts:dashboard"),
        reverse("events:mine"),
        reverse("events:space_week", kwargs={"pk": room.pk}),
    ]:
        assert client.get(path).status_code == 200, path

    client.force_login(User.objects.get(email=data.demo_email("candidat")))
    response = client.get(reverse("calls:mine"))
    assert response.status_code == 200
    assert "Ressourcerie du Faubourg" in response.content.decode()

    client.force_login(User.objects.get(email=data.demo_email("responsable")))
    assert client.get(reverse("admin:sites_site_changelist")).status_code == 200


@pytest.mark.django_db
def test_seed_demo_gives_each_open_site_an_agenda_with_every_story():
    seed("--no-photos")
    Event = apps.get_model("events", "Event")
    Booking = apps.get_model("events", "Booking")
    now = timezone.now()
    for site in Site.objects.filter(status=Site.Status.OPEN):
        events = Event.objects.filter(site=site)
        assert events.upcoming(now).exists() and events.past(now).exists(), site.slug
    events = Event.objects.all()
    assert len(set(events.values_list("kind", flat=True))) >= 6
    assert set(events.values_list("organiser_kind", flat=True)) == {
        "structure",
        "lieu",
        "exterieur",
    }
    assert set(events.values_list("moderation", flat=True)) == {
        "brouillon",
        "a_valider",
        "publie",
        "refuse",
    }
    series = Event.objects.get(slug="demo-repair-cafe-boussole")
    assert series.timings.count() >= 7 and series.timings.filter(end__lt=now).count() == 3
    assert Event.objects.get(slug="demo-atelier-couture-annule").state == "annule"
    rescheduled = Event.objects.get(slug="demo-projection-reportee")
    assert rescheduled.state == "reporte" and rescheduled.previous_start is not None
    assert rescheduled.timings.get().start > rescheduled.previous_start
    assert events.filter(visibility="interne").exists()
    assert events.filter(timings__room__isnull=True).exists()  # outdoors
    # Each date in a room holds it through an active booking; the cancelled event's are freed.
    in_rooms = Event.objects.exclude(state="annule").filter(timings__room__isnull=False)
    for event in in_rooms.distinct():
        for timing in event.timings.exclude(room=None).select_related("booking"):
            assert timing.booking.is_active and timing.booking.space_id == timing.room_id
    assert Booking.objects.overlapping_pairs() == []
    pending = Event.objects.get(slug="demo-atelier-bijoux")
    assert pending.moderation == "a_valider"
    assert (
        Event.objects.manageable_by(User.objects.get(email=data.demo_email("responsable")))
        .filter(moderation="a_valider")
        .exists()
    )


@pytest.mark.django_db
def test_seed_bulk_makes_events_with_one_to_three_dates_deterministically():
    Event = apps.get_model("events", "Event")
    EventTiming = apps.get_model("events", "EventTiming")
    call_command("seed_bulk", sites=4, structures=12, events=50, seed=7, stdout=StringIO())
    first = sorted(Event.objects.values_list("slug", "moderation", "state"))
    assert len(first) == 50 and all(slug.startswith("bulk-e") for slug, _m, _s in first)
    per_site = Event.objects.values("site").annotate(n=Count("pk")).values_list("n", flat=True)
    assert sorted(per_site) == [12, 12, 13, 13]
    counts = Event.objects.annotate(n=Count("timings")).values_list("n", flat=True)
    assert set(counts) <= {1, 2, 3}
    today = timezone.localdate()
    starts = [
        timezone.localtime(s).date() for s in EventTiming.objects.values_list("start", flat=True)
    ]
    assert today - timedelta(days=91) <= min(starts) and max(starts) <= today + timedelta(days=195)
    assert Event.objects.published_public().count() > 30
    in_rooms = EventTiming.objects.exclude(room=None).select_related("booking", "event")
    assert in_rooms.exists() and EventTiming.objects.filter(room=None).exists()
    for timing in in_rooms:
        booking = timing.booking
        assert (booking.space_id, booking.site_id) == (timing.room_id, timing.event.site_id)
        assert (booking.start, booking.end) == (timing.start, timing.end)
        assert booking.structure_id == timing.event.structure_id
        assert timing.event.capacity is None or timing.event.capacity <= timing.room.capacity
        expected = (
            "annulee"
            if timing.event.state == "annule"
            else "confirmee"
            if timing.event.moderation == "publie"
            else "en_attente"
        )
        assert booking.status == expected
    assert not EventTiming.objects.filter(room=None).exclude(booking=None).exists()
    for event in Event.objects.filter(structure__isnull=False).select_related("structure"):
        assert event.structure.occupancies.filter(site=event.site_id).exists()
    call_command(
        "seed_bulk", sites=4, structures=12, events=50, seed=7, reset=True, stdout=StringIO()
    )
    assert sorted(Event.objects.values_list("slug", "moderation", "state")) == first


@pytest.mark.django_db
def test_seed_bulk_reset_removes_every_generated_booking_and_event_slice_by_slice(monkeypatch):
    Booking = apps.get_model("events", "Booking")
    Event = apps.get_model("events", "Event")
    monkeypatch.setattr(bulk, "DELETE_SLICE", 7)  # several slices of the 40 bookings
    call_command("seed_bulk", sites=2, structures=4, bookings=40, events=6, stdout=StringIO())
    bulk.delete_bulk()
    assert not Booking.objects.exists() and not Event.objects.exists()
    assert not Site.objects.filter(slug__startswith="bulk-").exists()


@pytest.mark.django_db
def test_seed_demo_has_a_full_event_with_a_waiting_list_and_the_attendance_of_past_events():
    seed("--no-photos")
    Event = apps.get_model("events", "Event")
    Registration = apps.get_model("events", "Registration")
    Attendance = apps.get_model("events", "Attendance")
    now = timezone.now()
    full = Event.objects.get(state="complet")
    confirmed = Registration.objects.filter(event=full).confirmed()
    assert confirmed.places() == full.capacity
    assert 2 <= Registration.objects.filter(event=full).waitlisted().count() <= 3
    assert full.timings.filter(start__gt=now).exists() and full.registration == "plateforme"
    emails = list(Registration.objects.values_list("email", flat=True))
    assert all(email.endswith("@example.org") for email in emails)
    assert Registration.objects.exclude(public="").exists()
    attended = list(Attendance.objects.select_related("event").prefetch_related("counts"))
    assert len(attended) >= 3
    for attendance in attended:
        assert not attendance.event.timings.filter(end__gt=now).exists()
        by_public = [count.count for count in attendance.counts.all()]
        assert by_public and 0 < sum(by_public) <= attendance.total

    seed("--no-photos")  # a second run registers nobody twice
    assert Registration.objects.count() == len(emails)
    assert Attendance.objects.count() == len(attended)


@pytest.mark.django_db
def test_seed_demo_has_an_inventory_with_one_building_per_scenario():
    from sites.inventory.models import Scenario, VacantBuilding, VacantBuildingScenario

    seed("--no-photos")
    assert VacantBuilding.objects.count() >= len(Scenario.values)
    assert set(VacantBuildingScenario.objects.values_list("scenario", flat=True)) == set(
        Scenario.values
    )
    assert all(b.changes.exists() for b in VacantBuilding.objects.all())
    # Nobody real: every contact is on the demo domain.
    assert all(
        email.endswith("@demo.interstices.fr")
        for email in VacantBuilding.objects.values_list("contact_email", flat=True)
    )


@pytest.mark.django_db
def test_seed_demo_puts_each_site_on_its_path_and_tourcoing_mid_path_with_a_late_step():
    from sites.models import PathTemplate, Step
    from sites.path.services import missing_steps

    seed("--no-photos")
    today = timezone.localdate()
    for site in Site.objects.all():
        assert site.path.stages.exists(), site.slug
        # Each site has the steps its status requires done.
        assert missing_steps(site, site.status) == [], site.slug
    tourcoing = Site.objects.get(slug="poste-de-regulation-tourcoing")
    assert tourcoing.path.template.kind == PathTemplate.Kind.PUBLIC_SERVICE
    steps = Step.objects.filter(stage__path__site=tourcoing)
    assert steps.filter(done_date__isnull=False).exists()
    assert steps.filter(done_date__isnull=True, due_date__gt=today).exists()
    assert [s.title for s in steps.late(today)] == ["Diagnostic d'accessibilité"]
    assert tourcoing.reception_capacity == 60


@pytest.mark.django_db
def test_seed_demo_writes_the_shared_path_templates_again_on_a_flushed_database():
    from sites.models import PathTemplate

    PathTemplate.objects.all().delete()
    seed("--no-photos")
    assert PathTemplate.objects.filter(operator__isnull=True).count() == 2
    assert Site.objects.get(slug="filature-roubaix").path.stages.count() == 9
