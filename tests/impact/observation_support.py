"""Observations and questionnaires for the impact tests."""

from __future__ import annotations

from datetime import date

from impact.models import Observation, Questionnaire, Status


def make_observation(site, **fields) -> Observation:
    values = {
        "indicator": "solidarite",
        "valence": "positif",
        "intensity": 4,
        "publics": ["occupants"],
        "effects": ["petits_services"],
        "narrative": "Des occupant·e·s se prêtent des outils chaque semaine.",
        "period_start": date(2026, 1, 1),
        "period_end": date(2026, 6, 30),
        "status": Status.DRAFT,
    } | fields
    observation = Observation(site=site, **values)
    observation.full_clean()
    observation.save()
    return observation


def open_questionnaire(site, **fields) -> Questionnaire:
    return Questionnaire.objects.create(site=site, is_open=True, **fields)


# The smallest PDF the attachment check accepts (it reads the magic bytes).
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
