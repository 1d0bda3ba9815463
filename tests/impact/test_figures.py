"""impact.figures: a site's figures for a period, as the contract (figures_spec.md) shapes them."""

import json
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from events.models import Attendance, AttendanceCount, Booking, ClosedPeriod, Event, Registration
from events.rules import set_opening_hours
from impact import figures
from impact.figures import EMPTY, fee_months, report_figures, site_figures
from impact.models import ImpactReport
from occupants.models import Application, Call, Occupancy, OccupancySpace, Structure
from sites.models import Funding, Space
from tests.events.factories import (
    BookingFactory,
    EventFactory,
    EventTimingFactory,
    RoomFactory,
)
from tests.factories import (
    FundingFactory,
    OrganisationFactory,
    SiteFactory,
    SpaceFactory,
    UserFactory,
)
from tests.occupants.factories import OccupancyFactory, SectorFactory, StructureFactory, hold

PARIS = ZoneInfo("Europe/Paris")
YEAR_2024 = (date(2024, 1, 1), date(2024, 12, 31))


def at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=PARIS)


def book(room, day: date, start: int = 10, end: int = 12, **extra) -> Booking:
    return BookingFactory(space=room, start=at(day, start), end=at(day, end), **extra)


def weekdays(first: date, last: date):
    day = first
    while day <= last:
        if day.weekday() < 5:
            yield day
        day += timedelta(days=1)


@pytest.fixture
def site(db):
    return SiteFactory(
        name="Tiers-lieu des Tests",
        commune="Asnières-sur-Seine",
        departement="92",
        occupancy_start=date(2023, 7, 1),
        occupancy_end=date(2026, 6, 30),
        total_surface=Decimal("1000"),
    )


def keys(value):
    """The shape of a figures dict: its keys, recursively (a list by its first row)."""
    if isinstance(value, dict):
        return {key: keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [keys(value[0])] if value else []
    return None


def same_shape(left, right) -> bool:
    """Same keys wherever both have rows (an empty list matches any list)."""
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(same_shape(left[k], right[k]) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        return not left or not right or same_shape(left[0], right[0])
    return not isinstance(left, dict | list) and not isinstance(right, dict | list)


# --- Rooms ---------------------------------------------------------------------------------


def test_a_room_booked_87_days_out_of_164_open_days_is_53_percent(site):
    """The sector's example: confirmed bookings only, open days only (weekdays here, less a
    week closed for works)."""
    room = RoomFactory(site=site, name="Salle de réunion")
    set_opening_hours(site, range(5), time(9), time(17))
    ClosedPeriod.objects.create(
        site=site, start=at(date(2024, 4, 15), 0), end=at(date(2024, 4, 20), 0), reason="Travaux"
    )
    start, end = date(2024, 1, 1), date(2024, 8, 22)
    open_days = [d for d in weekdays(start, end) if not date(2024, 4, 15) <= d <= date(2024, 4, 19)]
    assert len(open_days) == 164
    for day in open_days[:87]:
        book(room, day)
    others = open_days[87:]
    book(room, others[0], status=Booking.Status.PENDING)
    book(room, others[1], status=Booking.Status.CANCELLED)
    book(room, others[2], status=Booking.Status.REFUSED)
    book(room, date(2024, 4, 16))  # closed for works: no open day to book
    book(room, date(2024, 3, 2))  # a Saturday: closed

    rooms = site_figures(site, start, end)["rooms"]

    assert rooms["count"] == 1
    assert rooms["open_days"] == 164
    assert rooms["booked_days"] == 87
    assert rooms["days_rate"] == 53.0  # 87 / 164 = 53.05 %
    assert rooms["open_hours"] == 164 * 8.0
    assert rooms["booked_hours"] == 87 * 2.0
    assert rooms["hours_rate"] == 13.3  # 174 h / 1312 h


def test_monthly_occupancy_lists_every_month_of_the_period_none_when_closed(site):
    room = RoomFactory(site=site)
    set_opening_hours(site, range(5), time(9), time(17))
    ClosedPeriod.objects.create(
        site=site, start=at(date(2024, 8, 1), 0), end=at(date(2024, 9, 1), 0), reason="Été"
    )
    book(room, date(2024, 1, 8), 9, 17)  # January 2024: 23 weekdays

    monthly = site_figures(site, *YEAR_2024)["rooms"]["monthly"]

    assert [m["month"] for m in monthly] == [f"2024-{n:02d}" for n in range(1, 13)]
    assert monthly[0] == {
        "month": "2024-01",
        "label": "janvier 2024",
        "days_rate": 4.3,  # 1 / 23
        "hours_rate": 4.3,
    }
    assert monthly[1]["days_rate"] == 0.0
    assert monthly[7]["days_rate"] is None and monthly[7]["hours_rate"] is None  # closed


def test_the_rates_are_the_site_pages_own(site):
    """One rule: impact's occupancy is events.stats's site rate."""
    from events.stats import site_rate

    room = RoomFactory(site=site)
    other = RoomFactory(site=site)
    book(room, date(2024, 3, 4), 9, 12)
    book(other, date(2024, 3, 4), 14, 20)
    book(other, date(2024, 3, 5), 19, 22)  # after closing (20:00 by default): partly counted
    rooms = site_figures(site, *YEAR_2024)["rooms"]
    rate = site_rate(site, *YEAR_2024)
    assert rooms["booked_days"] == rate.booked_days == 2
    assert rooms["open_days"] == rate.open_days == 366
    assert rooms["hours_rate"] == float(rate.hours_rate)
    assert rooms["booked_hours"] == 10.0


def test_rooms_lent_to_outside_organisations_count_confirmed_bookings_of_partners(site):
    room = RoomFactory(site=site)
    partner = OrganisationFactory(name="Maison de quartier", kind="public_body")
    occupant = StructureFactory()
    day = date(2024, 5, 6)
    book(room, day, 9, 10, structure=None, organisation=partner)
    book(room, day, 10, 11, structure=None, organisation=partner)
    book(room, day, 11, 12, structure=None, outside_name="Compagnie du Soir")
    book(room, day, 12, 13, structure=None, outside_name="compagnie du soir")
    book(room, day, 13, 14, structure=None, outside_name="Lycée Voltaire")
    book(room, day, 14, 15, structure=occupant)  # an occupant: not lent
    book(room, day, 15, 16, structure=None, outside_name="Refusé", status="refusee")
    # The site team's own event books under the site's name: not lent to anyone.
    team = book(room, day, 16, 18, structure=None, outside_name=site.name)
    event = EventFactory(site=site, organiser_kind=Event.OrganiserKind.SITE)
    EventTimingFactory(event=event, start=team.start, end=team.end, room=room, booking=team)
    book(room, date(2025, 1, 6), structure=None, outside_name="Hors période")

    rooms = site_figures(site, *YEAR_2024)["rooms"]

    assert rooms["outside_bookings"] == 5
    assert rooms["outside_organisations"] == 3  # the house, the company, the lycée


def test_a_site_without_bookable_rooms_has_no_rate(site):
    SpaceFactory(site=site, kind=Space.Kind.OFFICE)
    rooms = site_figures(site, *YEAR_2024)["rooms"]
    assert rooms["count"] == 0
    assert rooms["days_rate"] is None and rooms["hours_rate"] is None
    assert rooms["open_days"] == 0 and rooms["open_hours"] == 0.0
    assert all(m["days_rate"] is None for m in rooms["monthly"])


# --- Site, structures and local anchoring --------------------------------------------------


def test_surfaces_by_kind_occupied_surface_and_fee_per_square_metre(site):
    offices = [
        SpaceFactory(site=site, kind=Space.Kind.OFFICE, surface=Decimal("20")),
        SpaceFactory(site=site, kind=Space.Kind.OFFICE, surface=Decimal("30")),
    ]
    workshop = SpaceFactory(site=site, kind=Space.Kind.WORKSHOP, surface=Decimal("100"))
    coworking = SpaceFactory(site=site, kind=Space.Kind.COWORKING, surface=Decimal("50"))
    RoomFactory(site=site, surface=Decimal("40"))
    period = {"start": date(2024, 1, 1), "end": date(2024, 12, 31)}
    # 10 €/m² on 20 m², 600 € a month for 100 m², and two sharing the coworking free of charge.
    hold(OccupancyFactory(site=site, fee_amount=Decimal("10"), **period), offices[0])
    monthly = OccupancyFactory(
        site=site, fee_basis=Occupancy.FeeBasis.MONTHLY, fee_amount=Decimal("600"), **period
    )
    hold(monthly, workshop)
    for _n in range(2):
        shared = OccupancyFactory(site=site, fee_amount=Decimal("0"), **period)
        OccupancySpace.objects.create(occupancy=shared, space=coworking, exclusive=False, **period)
    cancelled = OccupancyFactory(site=site, status=Occupancy.Status.CANCELLED, **period)
    OccupancySpace.objects.create(occupancy=cancelled, space=offices[1], active=False, **period)
    earlier = OccupancyFactory(site=site, start=date(2023, 7, 1), end=date(2023, 12, 31))
    hold(earlier, offices[1])

    data = site_figures(site, *YEAR_2024)["site"]

    assert data["total_surface"] == 1000.0
    assert data["occupied_surface"] == 170.0  # 20 + 100 + 50 (the coworking once)
    assert data["occupied_share"] == 17.0
    assert data["surface_by_kind"] == [
        {"key": "atelier", "label": "Atelier", "surface": 100.0},
        {"key": "bureau", "label": "Bureau", "surface": 50.0},
        {"key": "coworking", "label": "Espace de coworking", "surface": 50.0},
        {"key": "salle_reunion", "label": "Salle de réunion", "surface": 40.0},
    ]
    # (200 + 600 + 0 + 0) € a month over (20 + 100 + 50 + 50) m² held.
    assert data["fee_per_m2_month"] == 3.6
    assert data["duration_months"] == 36  # July 2023 → June 2026


# --- The fees over the period -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("occupancy", "period", "months"),
    [
        # A whole year, a whole month, February of a leap year and of another.
        ((date(2024, 1, 1), date(2024, 12, 31)), YEAR_2024, Fraction(12)),
        ((date(2024, 4, 1), date(2024, 4, 30)), YEAR_2024, Fraction(1)),
        ((date(2024, 2, 1), date(2024, 2, 29)), YEAR_2024, Fraction(1)),
        ((date(2023, 2, 1), date(2023, 2, 28)), (date(2023, 1, 1), date(2023, 12, 31)), 1),
        # Partial months count their share of days: half of April, 15 of February's 29.
        ((date(2024, 4, 1), date(2024, 4, 15)), YEAR_2024, Fraction(1, 2)),
        ((date(2024, 2, 15), date(2024, 2, 29)), YEAR_2024, Fraction(15, 29)),
        ((date(2024, 1, 31), date(2024, 1, 31)), YEAR_2024, Fraction(1, 31)),
        # 17 days of January, February, 14 days of March: two months, exactly.
        ((date(2024, 1, 15), date(2024, 3, 14)), YEAR_2024, Fraction(2)),
        # Across the new year: 17 days of December 2023, 15 of January 2024.
        (
            (date(2023, 12, 15), date(2024, 1, 15)),
            (date(2023, 1, 1), date(2024, 12, 31)),
            Fraction(32, 31),
        ),
        # An occupancy longer than the period counts the period only, at either end.
        ((date(2023, 7, 1), date(2026, 6, 30)), YEAR_2024, Fraction(12)),
        ((date(2023, 7, 1), date(2024, 3, 10)), YEAR_2024, 2 + Fraction(10, 31)),
        ((date(2024, 11, 16), date(2027, 3, 31)), YEAR_2024, 1 + Fraction(15, 30)),
        # The period may be shorter than a month: an owner's page on 7 January.
        (
            (date(2023, 7, 1), date(2026, 6, 30)),
            (date(2024, 1, 1), date(2024, 1, 7)),
            Fraction(7, 31),
        ),
        # Nothing outside the period: over before it, starting after it, touching it by a day.
        ((date(2023, 1, 1), date(2023, 12, 31)), YEAR_2024, Fraction(0)),
        ((date(2025, 1, 1), date(2025, 6, 30)), YEAR_2024, Fraction(0)),
        ((date(2023, 1, 1), date(2024, 1, 1)), YEAR_2024, Fraction(1, 31)),
        ((date(2024, 12, 31), date(2025, 6, 30)), YEAR_2024, Fraction(1, 31)),
    ],
)
def test_fee_months_count_each_calendar_month_for_the_share_of_its_days_in_both(
    occupancy, period, months
):
    assert fee_months(*occupancy, *period) == months


def test_sixty_partial_months_add_up_without_drift():
    """Five years from the 15th: the first and last months' parts make one month."""
    assert (
        fee_months(date(2020, 1, 15), date(2025, 1, 14), date(2019, 1, 1), date(2026, 1, 1)) == 60
    )


def test_fees_of_the_period_add_each_occupancys_monthly_fee_times_its_months_in_it(site):
    office = SpaceFactory(site=site, surface=Decimal("20"))
    workshop = SpaceFactory(site=site, surface=Decimal("100"))
    desk = SpaceFactory(site=site, surface=Decimal("12.5"))
    year = {"start": date(2024, 1, 1), "end": date(2024, 12, 31)}
    # 10 €/m² on 20 m², the whole year, charges apart: 200 € × 12.
    hold(
        OccupancyFactory(site=site, fee_amount=Decimal("10"), charges=Decimal("90"), **year), office
    )
    # 600 € a month from 15 April: 16/30 of April, then 8 months.
    late = OccupancyFactory(
        site=site,
        fee_basis=Occupancy.FeeBasis.MONTHLY,
        fee_amount=Decimal("600"),
        start=date(2024, 4, 15),
        end=date(2024, 12, 31),
    )
    hold(late, workshop)
    # 300 € a month, with no space recorded, from July and running on to 2027: 6 months here.
    OccupancyFactory(
        site=site,
        fee_basis=Occupancy.FeeBasis.MONTHLY,
        fee_amount=Decimal("300"),
        start=date(2024, 7, 1),
        end=date(2027, 6, 30),
    )
    # 8.50 €/m² on 12.5 m² (106.25 € a month) from 10 January: 22/31, then 11 months.
    hold(
        OccupancyFactory(
            site=site, fee_amount=Decimal("8.5"), start=date(2024, 1, 10), end=year["end"]
        ),
        desk,
    )
    # Free of charge; per m² without any space; cancelled; over before the period: nothing.
    hold(OccupancyFactory(site=site, fee_amount=Decimal("0"), **year), SpaceFactory(site=site))
    OccupancyFactory(site=site, fee_amount=Decimal("10"), **year)
    OccupancyFactory(
        site=site,
        status=Occupancy.Status.CANCELLED,
        fee_basis=Occupancy.FeeBasis.MONTHLY,
        fee_amount=Decimal("5000"),
        **year,
    )
    OccupancyFactory(
        site=site,
        fee_basis=Occupancy.FeeBasis.MONTHLY,
        fee_amount=Decimal("5000"),
        start=date(2023, 1, 1),
        end=date(2023, 12, 31),
    )

    fees = site_figures(site, *YEAR_2024)["site"]["fees_total"]

    expected = (
        Decimal(200 * 12)
        + Decimal(600) * (Decimal(16) / 30 + 8)
        + Decimal(300 * 6)
        + Decimal("106.25") * (Decimal(22) / 31 + 11)
    )
    assert expected.quantize(Decimal("0.1")) == Decimal("10564.2")
    assert fees == 10564.2


def test_a_site_without_occupancies_has_0_of_fees_and_no_average(site):
    data = site_figures(site, *YEAR_2024)["site"]
    assert data["fees_total"] == 0.0 and data["fee_per_m2_month"] is None


def test_structures_by_legal_form_and_sector_with_local_anchoring_and_jobs(site):
    culture = SectorFactory(name="Culture", name_en="Culture")
    repair = SectorFactory(name="Réemploi", name_en="Reuse")
    hosted = [
        StructureFactory(commune="Asnières-sur-Seine", postal_code="92600", people_count=3),
        StructureFactory(commune="asnières-sur-seine", postal_code="92600", people_count=2),
        StructureFactory(
            commune="Nanterre",
            postal_code="92000",
            legal_form=Structure.LegalForm.COMPANY,
            people_count=5,
        ),
        StructureFactory(
            commune="Lyon",
            postal_code="69007",
            legal_form=Structure.LegalForm.COMPANY,
            people_count=1,
        ),
        StructureFactory(
            commune="", postal_code="", legal_form=Structure.LegalForm.ARTIST, people_count=1
        ),
    ]
    hosted[0].sectors.set([culture, repair])
    hosted[1].sectors.set([culture])
    hosted[2].sectors.set([repair])
    hosted[3].sectors.set([culture])
    for structure in hosted:
        OccupancyFactory(site=site, structure=structure, start=date(2024, 3, 1))
    OccupancyFactory(site=site, structure=hosted[0], start=date(2024, 1, 1), end=date(2024, 2, 1))
    gone = StructureFactory(people_count=9)
    OccupancyFactory(site=site, structure=gone, status=Occupancy.Status.CANCELLED)
    later = StructureFactory(people_count=9)
    OccupancyFactory(site=site, structure=later, start=date(2025, 2, 1))
    elsewhere = StructureFactory(people_count=9)
    OccupancyFactory(structure=elsewhere, start=date(2024, 3, 1))

    data = site_figures(site, *YEAR_2024)["structures"]

    assert data["count"] == 5
    assert data["by_legal_form"] == [
        {"key": "association", "label": "Association", "count": 2},
        {"key": "entreprise", "label": "Entreprise", "count": 2},
        {"key": "artiste", "label": "Artiste-auteur ou micro-entreprise", "count": 1},
    ]
    assert data["by_sector"] == [
        {"key": culture.slug, "label": "Culture", "label_en": "Culture", "count": 3},
        {"key": repair.slug, "label": "Réemploi", "label_en": "Reuse", "count": 2},
    ]
    assert data["same_commune"] == 2
    assert data["same_commune_share"] == 40.0
    assert data["same_departement"] == 3
    assert data["same_departement_share"] == 60.0
    assert data["jobs"] == 12


def test_labels_are_stored_in_french_whatever_the_active_language(site):
    SpaceFactory(site=site, kind=Space.Kind.OFFICE)
    with translation.override("en"):
        data = site_figures(site, *YEAR_2024)
    assert data["site"]["surface_by_kind"][0]["label"] == "Bureau"
    assert data["rooms"]["monthly"][1]["label"] == "février 2024"


# --- Calls, events, funding ----------------------------------------------------------------


def make_call(site, opens: date, closes: date, **fields) -> Call:
    return Call.objects.create(
        site=site,
        title="Appel",
        slug=f"appel-{Call.objects.count() + 1}",
        opens_at=at(opens, 9),
        closes_at=at(closes, 18),
        status=fields.pop("status", Call.Status.PUBLISHED),
        **fields,
    )


def apply(call: Call, status: str) -> Application:
    submitted = None if status == Application.Status.DRAFT else timezone.now()
    return Application.objects.create(
        call=call, applicant=UserFactory(), status=status, submitted_at=submitted
    )


def test_calls_count_applications_received_and_selected(site):
    call = make_call(site, date(2024, 2, 1), date(2024, 3, 1))
    for status in ("soumise", "en_etude", "retenue", "refusee", "desistee", "brouillon"):
        apply(call, status)
    rolling = make_call(site, date(2023, 1, 1), date(2023, 2, 1), rolling=True)
    apply(rolling, "retenue")
    make_call(site, date(2024, 5, 1), date(2024, 6, 1), status=Call.Status.DRAFT)
    apply(make_call(site, date(2023, 1, 1), date(2023, 2, 1)), "retenue")  # closed before

    calls = site_figures(site, *YEAR_2024)["calls"]

    assert calls == {"count": 2, "applications": 6, "selected": 2, "selection_ratio": 33.3}


def test_events_held_with_their_attendance_by_public_and_registrations(site):
    held = EventFactory(site=site, publics=["familles"])
    EventTimingFactory(event=held, start=at(date(2024, 6, 1), 14), end=at(date(2024, 6, 1), 16))
    EventTimingFactory(event=held, start=at(date(2024, 6, 8), 14), end=at(date(2024, 6, 8), 16))
    attendance = Attendance.objects.create(event=held, total=80, recorded_at=timezone.now())
    AttendanceCount.objects.create(attendance=attendance, public="familles", count=50)
    AttendanceCount.objects.create(attendance=attendance, public="habitants", count=20)
    Registration.objects.create(event=held, name="A", email="a@example.org", places=3)
    Registration.objects.create(
        event=held, name="B", email="b@example.org", places=2, status="annulee"
    )
    market = EventFactory(site=site, kind=Event.Kind.MARKET)
    EventTimingFactory(event=market, start=at(date(2024, 9, 7), 9), end=at(date(2024, 9, 7), 13))
    other = Attendance.objects.create(event=market, total=120, recorded_at=timezone.now())
    AttendanceCount.objects.create(attendance=other, public="habitants", count=100)
    not_counted = [
        EventFactory(site=site, state=Event.State.CANCELLED),
        EventFactory(site=site, visibility=Event.Visibility.INTERNAL),
        EventFactory(site=site, moderation=Event.Moderation.PENDING),
    ]
    for event in not_counted:
        EventTimingFactory(
            event=event, start=at(date(2024, 6, 1), 10), end=at(date(2024, 6, 1), 12)
        )
        Attendance.objects.create(event=event, total=999, recorded_at=timezone.now())
    outside = EventFactory(site=site)
    EventTimingFactory(event=outside, start=at(date(2025, 6, 1), 10), end=at(date(2025, 6, 1), 12))

    events = site_figures(site, *YEAR_2024)["events"]

    assert events == {
        "count": 2,
        "timings": 3,
        "attendance": 200,
        "registrations": 3,
        "by_public": [
            {"key": "habitants", "label": "Habitant·e·s du quartier", "count": 120},
            {"key": "familles", "label": "Familles", "count": 50},
        ],
    }


def test_events_to_come_are_not_held_yet(site):
    tomorrow = EventTimingFactory(event=EventFactory(site=site), days_ahead=1)
    today = timezone.localdate()
    data = site_figures(site, today - timedelta(days=10), today + timedelta(days=10))
    assert tomorrow.start > timezone.now()
    assert data["events"]["count"] == 0


def test_leverage_of_9900_euros_of_leader_on_a_19200_euro_project_is_51_6_percent(site):
    leader = FundingFactory(
        site=site,
        programme="LEADER",
        amount=Decimal("9900"),
        project_cost=Decimal("19200"),
        year=2024,
        source=Funding.Source.PUBLIC,
        nature=Funding.Nature.INVESTMENT,
    )
    assert leader.leverage == Decimal("51.6")
    FundingFactory(
        site=site,
        programme="Campagne",
        amount=Decimal("3000.50"),
        year=2024,
        source=Funding.Source.CROWDFUNDING,
    )
    FundingFactory(site=site, amount=Decimal("5000"), year=2024, source=Funding.Source.PUBLIC)
    FundingFactory(site=site, amount=Decimal("7777"), year=2025)  # after the period

    funding = site_figures(site, *YEAR_2024)["funding"]

    assert funding["items"][0] == {
        "funder": leader.funder.name,
        "programme": "LEADER",
        "source": "public",
        "source_label": "Public",
        "nature": "investissement",
        "nature_label": "Investissement",
        "year": 2024,
        "amount": 9900.0,
        "project_cost": 19200.0,
        "leverage": 51.6,
    }
    assert funding["items"][1]["leverage"] is None and funding["items"][1]["project_cost"] is None
    assert funding["total"] == 17900.5
    assert funding["by_source"] == [
        {"key": "public", "label": "Public", "amount": 14900.0},
        {"key": "participatif", "label": "Financement participatif", "amount": 3000.5},
    ]
    assert funding["by_nature"] == [
        {"key": "investissement", "label": "Investissement", "amount": 9900.0},
        {"key": "fonctionnement", "label": "Fonctionnement", "amount": 8000.5},
    ]


def test_fundings_raised_before_the_period_count_in_its_figures(site):
    """A site's works are funded before the years it reports on: a 2021 grant is in 2024's."""
    FundingFactory(site=site, programme="LEADER", amount=Decimal("9900"), year=2021)

    funding = site_figures(site, *YEAR_2024)["funding"]

    assert [item["programme"] for item in funding["items"]] == ["LEADER"]
    assert funding["total"] == 9900.0


# --- The contract --------------------------------------------------------------------------


def populate(site, n: int) -> None:
    """n of everything the figures count: structures with sectors and occupancies, confirmed
    and outside bookings, events with dates, attendance and registrations, fundings, calls and
    applications."""
    room = RoomFactory(site=site)
    sector = SectorFactory(name="Culture")
    call = make_call(site, date(2024, 2, 1), date(2024, 3, 1))
    for i in range(n):
        structure = StructureFactory(legal_form=Structure.LegalForm.choices[i % 5][0])
        structure.sectors.add(sector, SectorFactory(name=f"Secteur {i}"))
        occupancy = OccupancyFactory(site=site, structure=structure, start=date(2024, 1, 1))
        hold(occupancy, SpaceFactory(site=site, kind=Space.Kind.WORKSHOP))
        day = date(2024, 3, 4) + timedelta(days=i)
        book(room, day, 9, 10, structure=structure)
        book(room, day, 10, 11, structure=None, outside_name=f"Partenaire {i}")
        event = EventFactory(site=site)
        EventTimingFactory(event=event, start=at(day, 18), end=at(day, 20))
        attendance = Attendance.objects.create(event=event, total=10, recorded_at=timezone.now())
        AttendanceCount.objects.create(attendance=attendance, public="habitants", count=4)
        Registration.objects.create(event=event, name="X", email=f"x{i}@example.org")
        FundingFactory(site=site, year=2024, project_cost=Decimal("20000"))
        apply(call, "retenue" if i % 2 else "soumise")


# opening hours, closed periods and bookings (events.stats); the spaces by kind, the fees
# per m², the fees of the period,
# the rooms, the outside bookings; structures by legal form, sectors; calls; event dates,
# attendance, registrations, attendance by public; fundings.
QUERIES = 16


def test_query_count_is_the_same_for_one_row_and_many(db, django_assert_num_queries):
    one, many = SiteFactory(name="Un"), SiteFactory(name="Beaucoup")
    populate(one, 1)
    populate(many, 12)
    with django_assert_num_queries(QUERIES):
        small = site_figures(one, *YEAR_2024)
    with django_assert_num_queries(QUERIES):
        large = site_figures(many, *YEAR_2024)
    assert small["structures"]["count"] == 1 and large["structures"]["count"] == 12
    assert large["rooms"]["outside_bookings"] == 12 and large["events"]["count"] == 12
    assert len(large["funding"]["items"]) == 12 and large["calls"]["applications"] == 12
    # Twelve occupancies of 8 €/m² on 25 m² over 2024: 200 € × 12 months each.
    assert small["site"]["fees_total"] == 2400.0 and large["site"]["fees_total"] == 28800.0


def test_figures_are_json_in_the_shape_of_the_contract(db):
    site = SiteFactory()
    populate(site, 2)
    data = site_figures(site, *YEAR_2024)
    assert json.loads(json.dumps(data)) == data
    assert same_shape(data, EMPTY)
    assert keys(data).keys() == keys(EMPTY).keys()
    assert data["period"] == {"start": "2024-01-01", "end": "2024-12-31"}


def test_an_empty_site_gives_the_empty_sample_but_its_own_surface_and_duration(db):
    site = SiteFactory(total_surface=None, occupancy_start=None, occupancy_end=None)
    assert site_figures(site, *YEAR_2024) == EMPTY


def test_a_period_ending_before_it_starts_is_refused(site):
    with pytest.raises(ValueError):
        site_figures(site, date(2024, 2, 1), date(2024, 1, 31))


def test_a_published_report_reads_its_frozen_figures_and_a_draft_computes_them(site):
    FundingFactory(site=site, amount=Decimal("1000"), year=2024)
    draft = ImpactReport.objects.create(
        site=site, slug="2024", title="2024", period_start=YEAR_2024[0], period_end=YEAR_2024[1]
    )
    assert report_figures(draft)["funding"]["total"] == 1000.0
    draft.figures = site_figures(site, *YEAR_2024)
    draft.status = ImpactReport.Status.PUBLISHED
    draft.save()
    FundingFactory(site=site, amount=Decimal("500"), year=2024)
    published = ImpactReport.objects.get(pk=draft.pk)
    assert report_figures(published)["funding"]["total"] == 1000.0
    published.status = ImpactReport.Status.DRAFT
    assert report_figures(published)["funding"]["total"] == 1500.0


def test_the_module_has_the_contract_version():
    assert figures.VERSION == EMPTY["version"] == 2
