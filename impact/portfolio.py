"""An operator's portfolio: the sum of its sites' latest published reports' figures.

Each report's frozen figures are added up as they were published (never recomputed); shares are
not added (a sum of rates means nothing): the sites' own pages give them.
"""

from __future__ import annotations

from dataclasses import dataclass

from impact.models import ImpactReport


@dataclass(frozen=True)
class Totals:
    sites: int
    structures: int
    jobs: int
    occupied_surface: float
    booked_days: int
    events: int
    attendance: int
    applications: int
    funding: float


def portfolio_totals(reports: list[ImpactReport]) -> Totals:
    def total(section: str, key: str) -> float:
        return sum((report.figures or {}).get(section, {}).get(key) or 0 for report in reports)

    return Totals(
        sites=len({report.site_id for report in reports}),
        structures=int(total("structures", "count")),
        jobs=int(total("structures", "jobs")),
        occupied_surface=round(total("site", "occupied_surface"), 1),
        booked_days=int(total("rooms", "booked_days")),
        events=int(total("events", "count")),
        attendance=int(total("events", "attendance")),
        applications=int(total("calls", "applications")),
        funding=round(total("funding", "total"), 2),
    )
