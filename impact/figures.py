"""PLACEHOLDER for the branch imp-reports only: the helper "impact-figures" writes the real
impact.figures; the lead replaces this file with theirs at merge. It returns the contract's
shape (/work/wt/_notes/figures_spec.md) with the structures hosted counted, nothing else."""

from __future__ import annotations

import copy
from datetime import date

from django.db.models import Count

from occupants.models import Occupancy, Structure

EMPTY: dict = {
    "version": 1,
    "period": {"start": "", "end": ""},
    "site": {
        "duration_months": None,
        "total_surface": None,
        "occupied_surface": 0.0,
        "occupied_share": None,
        "surface_by_kind": [],
        "fee_per_m2_month": None,
    },
    "rooms": {
        "count": 0,
        "open_days": 0,
        "booked_days": 0,
        "days_rate": None,
        "open_hours": 0.0,
        "booked_hours": 0.0,
        "hours_rate": None,
        "monthly": [],
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


def site_figures(site, start: date, end: date) -> dict:
    result = copy.deepcopy(EMPTY)
    result["period"] = {"start": start.isoformat(), "end": end.isoformat()}
    hosted = Occupancy.objects.during(start, end).filter(site=site).values("structure")
    rows = (
        Structure.objects.filter(pk__in=hosted)
        .values("legal_form")
        .annotate(n=Count("pk"))
        .order_by("legal_form")
    )
    labels = dict(Structure.LegalForm.choices)
    by_form = [
        {
            "key": row["legal_form"],
            "label": str(labels.get(row["legal_form"], "")),
            "count": row["n"],
        }
        for row in rows
    ]
    result["structures"]["by_legal_form"] = by_form
    result["structures"]["count"] = sum(row["count"] for row in by_form)
    return result


def report_figures(report) -> dict:
    return site_figures(report.site, report.period_start, report.period_end)
