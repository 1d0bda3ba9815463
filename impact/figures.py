"""MINIMAL stand-in for impact.figures (owned by the impact-figures helper; the lead replaces
it at merge). Returns the contract's shape (/work/wt/_notes/figures_spec.md) with empty values
so that the downloads can be built and tested against it."""

from __future__ import annotations

import copy
from datetime import date

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
    figures = copy.deepcopy(EMPTY)
    figures["period"] = {"start": start.isoformat(), "end": end.isoformat()}
    if site.total_surface is not None:
        figures["site"]["total_surface"] = float(site.total_surface)
    return figures


def report_figures(report) -> dict:
    """A published report's frozen figures; a draft's, live."""
    if report.is_published and report.figures:
        return report.figures
    return site_figures(report.site, report.period_start, report.period_end)
