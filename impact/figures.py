"""A site's figures for a period, derived from what the platform already holds: never typed twice.

site_figures(site, start, end) follows the contract the report pages and the exports are built
against (version 2, the shape of EMPTY below): a JSON-serialisable dict (ints, floats rounded to one
decimal, strings, lists, dicts), stored frozen in ImpactReport.figures when a report is
published. Labels are the French msgids, which templates translate; shares and rates are
percentages, or None when their denominator is zero or unknown. Version 2 added
site.fees_total; a report frozen at version 1 has no such key, and its readers show that figure
as unknown (dict.get), never as 0.

It reads a constant number of queries whatever the number of structures, bookings, events or
fundings (the database counts and sums). The rooms' occupancy is events.stats's, the rule of the
site page and of the managers' statistics: confirmed bookings only, inside the opening hours,
on open days only (closed periods deducted), within the site's occupancy.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import Case, Count, F, Q, Sum, When
from django.db.models.functions import Lower
from django.utils import formats, timezone, translation

from events.models import Attendance, AttendanceCount, Booking, Event, EventTiming, Public
from events.models import Registration as EventRegistration
from events.rules import at
from events.stats import MIDNIGHT, rooms_together
from occupants.models import Application, Call, Occupancy, OccupancySpace, Structure
from sites.models import Funding, Site, Space, months_between

VERSION = 2


def _number(value) -> float:
    """A float rounded to one decimal (Decimal, int or float in; JSON out)."""
    return float(Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _share(part, whole) -> float | None:
    """part / whole in %, one decimal; None when whole is zero or unknown."""
    if not whole:
        return None
    return _number(Decimal(100) * Decimal(part) / Decimal(whole))


def _percent(value: Decimal | None) -> float | None:
    return None if value is None else _number(value)


def _label(choices, value: str) -> str:
    """The French label (the msgid) of a choice; the value itself if it is no longer listed."""
    labels = dict(choices)
    return str(labels[value]) if value in labels else value


def _months(start: date, end: date) -> list[date]:
    """The first day of each month of [start, end]."""
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + timedelta(days=31)).replace(day=1)
    return months


def site_figures(site: Site, start: date, end: date) -> dict:
    """The figures of `site` over [start, end] (both days included)."""
    if end < start:
        raise ValueError("The period ends before it starts.")
    # Labels are stored in French, the msgids: the catalogue gives them back in English.
    with translation.override("fr"):
        return {
            "version": VERSION,
            "period": {"start": start.isoformat(), "end": end.isoformat()},
            "site": _site(site, start, end),
            "rooms": _rooms(site, start, end),
            "structures": _structures(site, start, end),
            "calls": _calls(site, start, end),
            "events": _events(site, start, end),
            "funding": _funding(site, start, end),
        }


def report_figures(report) -> dict:
    """What a report shows: the figures frozen at its publication, or, for a draft, computed now
    over its period (a published report never changes under its readers)."""
    if report.is_published:
        return report.figures
    return site_figures(report.site, report.period_start, report.period_end)


def _occupancies(site: Site, start: date, end: date):
    """The occupancies (not cancelled) of the site running on a day of the period."""
    return Occupancy.objects.during(start, end).filter(site_id=site.pk)


def _site(site: Site, start: date, end: date) -> dict:
    held = OccupancySpace.objects.filter(
        occupancy__in=_occupancies(site, start, end), active=True
    ).values("space_id")
    # A space held by several occupancies (a shared coworking, two successive occupants)
    # counts once.
    kinds = (
        Space.objects.filter(site_id=site.pk)
        .values("kind")
        .annotate(whole=Sum("surface"), occupied=Sum("surface", filter=Q(pk__in=held)))
        .order_by()
    )
    by_kind = sorted(
        (
            {
                "key": row["kind"],
                "label": _label(Space.Kind.choices, row["kind"]),
                "surface": _number(row["whole"]),
            }
            for row in kinds
            if row["whole"]
        ),
        key=lambda row: (-row["surface"], row["label"]),
    )
    occupied = sum((row["occupied"] or Decimal(0) for row in kinds), Decimal(0))
    total = site.total_surface
    if site.occupancy_start is None:
        duration = None
    else:
        duration = months_between(site.occupancy_start, site.occupancy_end or end)
    return {
        "duration_months": duration,
        "total_surface": _number(total) if total else None,
        "occupied_surface": _number(occupied),
        "occupied_share": _share(occupied, total),
        "surface_by_kind": by_kind,
        "fee_per_m2_month": _fee_per_m2_month(site, start, end),
        "fees_total": _fees_total(site, start, end),
    }


def _with_monthly_fee(site: Site, start: date, end: date):
    """The occupancies of the period with the surface their spaces add up to (`held`, None
    without a space) and their monthly fee (`monthly`): the fee per m² times that surface, or
    the fee per month as it is; charges apart."""
    return (
        _occupancies(site, start, end)
        .annotate(held=Sum("held_spaces__space__surface"))
        .annotate(
            monthly=Case(
                When(fee_basis=Occupancy.FeeBasis.PER_SQM, then=F("fee_amount") * F("held")),
                default=F("fee_amount"),
            )
        )
    )


def _fee_per_m2_month(site: Site, start: date, end: date) -> float | None:
    """The occupancies' monthly fees over the surface they hold (the average € per m² and
    month, weighted by surface); None when no occupancy holds a space. A free occupancy
    counts, at 0 €."""
    totals = (
        _with_monthly_fee(site, start, end)
        .filter(held__gt=0)
        .aggregate(fees=Sum("monthly"), surface=Sum("held"))
    )
    if not totals["surface"]:
        return None
    return _number(Decimal(totals["fees"] or 0) / Decimal(totals["surface"]))


def fee_months(start: date, end: date, first_day: date, last_day: date) -> Fraction:
    """The months of fee an occupancy from `start` to `end` owes within the period
    [first_day, last_day] (every date included): each calendar month counts for the share of
    its days that both cover, so 1st-15th April is 1/2, 15th-29th February 2024 15/29, a whole
    month 1, and nothing outside the occupancy or the period. Exact (a Fraction): sixty partial
    months add up without drift."""
    begin, stop = max(start, first_day), min(end, last_day)
    months = Fraction(0)
    if begin > stop:
        return months
    month = begin.replace(day=1)
    while month <= stop:
        length = calendar.monthrange(month.year, month.month)[1]
        month_end = month.replace(day=length)
        covered = (min(stop, month_end) - max(begin, month)).days + 1
        months += Fraction(covered, length)
        month = month_end + timedelta(days=1)
    return months


def _fees_total(site: Site, start: date, end: date) -> float:
    """What the occupancies' fees come to over the period, charges apart: each one's monthly
    fee (rounded to the cent, as Occupancy.monthly_fee) times its months in the period
    (fee_months). A free occupancy adds 0, as does one per m² that holds no space."""
    total = Fraction(0)
    rows = _with_monthly_fee(site, start, end).values_list("monthly", "start", "end")
    for monthly, occupancy_start, occupancy_end in rows:
        if not monthly:
            continue
        # SQLite computes the product as a float: back to the cent the agreement states.
        fee = Decimal(monthly).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        total += Fraction(fee) * fee_months(occupancy_start, occupancy_end, start, end)
    return _number(Decimal(total.numerator) / Decimal(total.denominator))


def _rooms(site: Site, start: date, end: date) -> dict:
    rooms = list(Space.objects.filter(site_id=site.pk, is_bookable=True).order_by("pk"))
    for room in rooms:
        room.site = site  # the occupancy dates the rates follow, without a query
    usage = rooms_together(rooms, start, end) if rooms else None
    total = usage.total if usage else None
    monthly = []
    for month in _months(start, end):
        rate = usage.months.get(month) if usage else None
        monthly.append(
            {
                "month": f"{month:%Y-%m}",
                "label": formats.date_format(month, "F Y"),
                "days_rate": _percent(rate.days_rate) if rate else None,
                "hours_rate": _percent(rate.hours_rate) if rate else None,
            }
        )
    outside = _outside_bookings(site, start, end)
    return {
        "count": len(rooms),
        "open_days": total.open_days if total else 0,
        "booked_days": total.booked_days if total else 0,
        "days_rate": _percent(total.days_rate) if total else None,
        "open_hours": _number(total.open_hours) if total else 0.0,
        "booked_hours": _number(total.booked_hours) if total else 0.0,
        "hours_rate": _percent(total.hours_rate) if total else None,
        "monthly": monthly,
        "outside_bookings": outside["count"],
        "outside_organisations": (outside["organisations"] or 0) + (outside["names"] or 0),
    }


def _outside_bookings(site: Site, start: date, end: date) -> dict:
    """Confirmed bookings of the period made for an outside organisation (registered, or
    named only): the rooms lent to partners. The site team's own events book under the site's
    name without a structure; they are not lent to anyone."""
    return (
        Booking.objects.filter(
            site_id=site.pk,
            status=Booking.Status.CONFIRMED,
            structure__isnull=True,
            start__lt=at(end + timedelta(days=1), MIDNIGHT),
            end__gt=at(start, MIDNIGHT),
        )
        .exclude(event_timing__event__organiser_kind=Event.OrganiserKind.SITE)
        .aggregate(
            count=Count("pk"),
            organisations=Count("organisation", distinct=True),
            names=Count(
                Lower("outside_name"),
                distinct=True,
                filter=Q(organisation__isnull=True) & ~Q(outside_name=""),
            ),
        )
    )


def _structures(site: Site, start: date, end: date) -> dict:
    hosted = _occupancies(site, start, end).values("structure_id")
    forms = list(
        Structure.objects.filter(pk__in=hosted)
        .values("legal_form")
        .annotate(
            count=Count("pk"),
            same_commune=Count("pk", filter=Q(commune__iexact=site.commune.strip())),
            same_departement=Count("pk", filter=Q(departement=site.departement)),
            jobs=Sum("people_count"),
        )
        .order_by()
    )
    sectors = (
        Structure.sectors.through.objects.filter(structure_id__in=hosted)
        .values("sector__slug", "sector__name", "sector__name_en")
        .annotate(count=Count("structure_id", distinct=True))
        .order_by("-count", "sector__name")
    )
    count = sum(row["count"] for row in forms)
    same_commune = sum(row["same_commune"] for row in forms)
    same_departement = sum(row["same_departement"] for row in forms)
    return {
        "count": count,
        "by_legal_form": sorted(
            (
                {
                    "key": row["legal_form"],
                    "label": _label(Structure.LegalForm.choices, row["legal_form"]),
                    "count": row["count"],
                }
                for row in forms
            ),
            key=lambda row: (-row["count"], row["label"]),
        ),
        "by_sector": [
            {
                "key": row["sector__slug"],
                "label": row["sector__name"],
                # Sectors are data rows translated by a field, not by the catalogue.
                "label_en": row["sector__name_en"] or row["sector__name"],
                "count": row["count"],
            }
            for row in sectors
        ],
        "same_commune": same_commune,
        "same_commune_share": _share(same_commune, count),
        "same_departement": same_departement,
        "same_departement_share": _share(same_departement, count),
        "jobs": sum(row["jobs"] or 0 for row in forms),
    }


def _calls(site: Site, start: date, end: date) -> dict:
    """The calls taking applications during the period (published or archived), the
    applications they received (submitted, whatever became of them) and those retained."""
    period_start, period_end = at(start, MIDNIGHT), at(end + timedelta(days=1), MIDNIGHT)
    received = ~Q(applications__status=Application.Status.DRAFT)
    totals = (
        Call.objects.filter(site_id=site.pk, opens_at__lt=period_end)
        .exclude(status=Call.Status.DRAFT)
        .filter(Q(closes_at__gt=period_start) | Q(rolling=True))
        .aggregate(
            calls=Count("pk", distinct=True),
            received=Count("applications", filter=received, distinct=True),
            retained=Count(
                "applications",
                filter=Q(applications__status=Application.Status.ACCEPTED),
                distinct=True,
            ),
        )
    )
    return {
        "count": totals["calls"],
        "applications": totals["received"],
        "selected": totals["retained"],
        "selection_ratio": _share(totals["retained"], totals["received"]),
    }


def _events(site: Site, start: date, end: date) -> dict:
    """The public events held during the period (published, not cancelled, with a date that
    started in it, and not later than now), their dates, attendance and registrations."""
    period_start = at(start, MIDNIGHT)
    period_end = min(at(end + timedelta(days=1), MIDNIGHT), timezone.now())
    held = (
        Event.objects.filter(
            site_id=site.pk,
            moderation=Event.Moderation.PUBLISHED,
            visibility=Event.Visibility.PUBLIC,
        )
        .exclude(state=Event.State.CANCELLED)
        .values("pk")
    )
    timings = EventTiming.objects.filter(
        event_id__in=held, start__gte=period_start, start__lt=period_end
    )
    dates = timings.aggregate(count=Count("event_id", distinct=True), timings=Count("pk"))
    events = timings.values("event_id")
    attendance = Attendance.objects.filter(event_id__in=events).aggregate(total=Sum("total"))
    registrations = (
        EventRegistration.objects.confirmed()
        .filter(event_id__in=events)
        .aggregate(places=Sum("places"))
    )
    by_public = (
        AttendanceCount.objects.filter(attendance__event_id__in=events)
        .values("public")
        .annotate(count=Sum("count"))
        .order_by()
    )
    return {
        "count": dates["count"],
        "timings": dates["timings"],
        "attendance": attendance["total"] or 0,
        "registrations": registrations["places"] or 0,
        "by_public": sorted(
            (
                {
                    "key": row["public"],
                    "label": _label(Public.choices, row["public"]),
                    "count": row["count"],
                }
                for row in by_public
                if row["count"]
            ),
            key=lambda row: (-row["count"], row["label"]),
        ),
    }


def _funding(site: Site, start: date, end: date) -> dict:
    """The fundings raised by the end of the period (a site's works are funded before the
    years it reports on), each with its leverage (the share of its project's cost it covers),
    and their totals by source and by nature."""
    fundings = (
        Funding.objects.filter(site_id=site.pk, year__lte=end.year)
        .select_related("funder")
        .order_by("year", "pk")
    )
    items = []
    by_source: dict[str, Decimal] = {}
    by_nature: dict[str, Decimal] = {}
    for funding in fundings:
        leverage = funding.leverage
        items.append(
            {
                "funder": funding.funder.name,
                "programme": funding.programme,
                "source": funding.source,
                "source_label": _label(Funding.Source.choices, funding.source),
                "nature": funding.nature,
                "nature_label": _label(Funding.Nature.choices, funding.nature),
                "year": funding.year,
                "amount": _number(funding.amount),
                "project_cost": _number(funding.project_cost) if funding.project_cost else None,
                "leverage": _percent(leverage),
            }
        )
        by_source[funding.source] = by_source.get(funding.source, Decimal(0)) + funding.amount
        by_nature[funding.nature] = by_nature.get(funding.nature, Decimal(0)) + funding.amount
    return {
        "total": _number(sum(by_source.values(), Decimal(0))),
        "items": items,
        "by_source": _totals(by_source, Funding.Source.choices),
        "by_nature": _totals(by_nature, Funding.Nature.choices),
    }


def _totals(amounts: dict[str, Decimal], choices) -> list[dict]:
    """Rows in the order of the choices (then any value no longer listed)."""
    order = [value for value, _label_ in choices]
    keys = sorted(amounts, key=lambda key: order.index(key) if key in order else len(order))
    return [
        {"key": key, "label": _label(choices, key), "amount": _number(amounts[key])} for key in keys
    ]


# A site with nothing to count, over 2024: a sample of the contract's shape for the tests of
# the pages and exports.
EMPTY: dict = {
    "version": VERSION,
    "period": {"start": "2024-01-01", "end": "2024-12-31"},
    "site": {
        "duration_months": None,
        "total_surface": None,
        "occupied_surface": 0.0,
        "occupied_share": None,
        "surface_by_kind": [],
        "fee_per_m2_month": None,
        "fees_total": 0.0,
    },
    "rooms": {
        "count": 0,
        "open_days": 0,
        "booked_days": 0,
        "days_rate": None,
        "open_hours": 0.0,
        "booked_hours": 0.0,
        "hours_rate": None,
        "monthly": [
            {"month": f"2024-{month:02d}", "label": label, "days_rate": None, "hours_rate": None}
            for month, label in enumerate(
                (
                    "janvier 2024",
                    "février 2024",
                    "mars 2024",
                    "avril 2024",
                    "mai 2024",
                    "juin 2024",
                    "juillet 2024",
                    "août 2024",
                    "septembre 2024",
                    "octobre 2024",
                    "novembre 2024",
                    "décembre 2024",
                ),
                start=1,
            )
        ],
        "outside_bookings": 0,
        "outside_organisations": 0,
    },
    "structures": {
        "count": 0,
        "by_legal_form": [],
        "by_sector": [],
        "same_commune": 0,
        "same_commune_share": None,
        "same_departement": 0,
        "same_departement_share": None,
        "jobs": 0,
    },
    "calls": {"count": 0, "applications": 0, "selected": 0, "selection_ratio": None},
    "events": {"count": 0, "timings": 0, "attendance": 0, "registrations": 0, "by_public": []},
    "funding": {"total": 0.0, "items": [], "by_source": [], "by_nature": []},
}
