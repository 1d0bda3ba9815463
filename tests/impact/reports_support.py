"""Rows for the report tests: a managed site with a structure hosted, a report, observations."""

from __future__ import annotations

from datetime import date

from impact import reports
from impact.models import ImpactReport, Observation, Status
from occupants import services as occupant_services
from occupants.models import Occupancy
from tests.factories import SiteFactory, SpaceFactory, UserFactory
from tests.occupants.factories import StructureFactory

PERIOD = (date(2026, 1, 1), date(2026, 6, 30))


def managed_site(**kwargs):
    site = SiteFactory(**kwargs)
    manager = UserFactory()
    site.managers.add(manager)
    return site, manager


def host_structure(site, *, start=date(2026, 1, 1), end=date(2026, 12, 31), **kwargs):
    structure = StructureFactory(**kwargs)
    occupant_services.create_occupancy(
        structure=structure,
        site=site,
        spaces=[SpaceFactory(site=site)],
        start=start,
        end=end,
        fee_basis=Occupancy.FeeBasis.PER_SQM,
        fee_amount=8,
        status=Occupancy.Status.SIGNED,
    )
    return structure


def draft(site, manager, **fields) -> ImpactReport:
    values = {
        "title": "Rapport du premier semestre",
        "period_start": PERIOD[0],
        "period_end": PERIOD[1],
        "summary": "Ce que le lieu a changé.",
        "intensity_individual": 4,
        "intensity_collective": 3,
        "methods": "Entretiens et comptages.",
    } | fields
    return reports.report_create(site=site, by=manager, **values)


def observation(site, **fields) -> Observation:
    values = {
        "site": site,
        "indicator": "lien_social",
        "intensity": 4,
        "publics": ["occupants", "habitants"],
        "effects": ["rencontres"],
        "narrative": "Des voisins viennent chaque semaine aux repas partagés.",
        "quote": "On se connaît tous maintenant.",
        "quote_role": "occupante",
        "period_start": date(2026, 2, 1),
        "period_end": date(2026, 3, 31),
        "status": Status.PUBLISHED,
    } | fields
    return Observation.objects.create(**values)
