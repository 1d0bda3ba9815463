"""What a report's page shows, built once for the public page and the managers' preview.

`report_page_context(report, figures)` takes the figures to show: a published report's frozen
ones (report.figures, never recomputed), or a draft's computed now (impact.reports.live_figures).
Its queries are constant in rows: the report's published observations of the period (one
query) and its declared figures (one query).

Labels in the figures are French msgids (impact.figures' contract): they are translated here,
where the charts are drawn.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import partial

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.cachekeys import digest
from core.charts import Chart, format_value, make_chart
from events.models.agenda import Public
from impact.models import ImpactReport, Observation, Valence, indicators_of

INTENSITY_MAX = 5


@dataclass
class Intensity:
    value: int | None

    @property
    def marks(self) -> list[bool]:
        """One flag per mark, filled up to the value (drawn aria-hidden: the text says it)."""
        return [index < (self.value or 0) for index in range(INTENSITY_MAX)]

    @property
    def text(self) -> str:
        if self.value is None:
            return _("intensité non évaluée")
        return _("intensité %(value)s sur %(max)s") % {"value": self.value, "max": INTENSITY_MAX}


@dataclass
class LevelBlock:
    key: str
    label: str
    intensity: Intensity
    observations: list[Observation] = field(default_factory=list)


@dataclass
class KeyFigure:
    label: str
    value: str
    detail: str = ""


def _public_labels() -> dict[str, str]:
    return {value: str(label) for value, label in Public.choices}


def level_blocks(report: ImpactReport, observations: list[Observation]) -> list[LevelBlock]:
    publics = _public_labels()
    blocks = []
    for key, label, value in report.level_intensities():
        order = {indicator: index for index, indicator in enumerate(indicators_of(key))}
        mine = sorted(
            (obs for obs in observations if obs.level == key),
            key=lambda obs: (order[obs.indicator], -obs.intensity, obs.pk),
        )
        for obs in mine:
            obs.intensity_info = Intensity(obs.intensity)
            obs.public_labels = [publics.get(value, value) for value in obs.publics]
            obs.is_negative = obs.valence in (Valence.NEGATIVE, Valence.MIXED)
        blocks.append(LevelBlock(key, str(label), Intensity(value), mine))
    return blocks


def _percent(value) -> str:
    return "—" if value is None else f"{format_value(value, decimals=1)}\xa0%"


def _number(value, decimals: int = 0) -> str:
    return "—" if value is None else format_value(value, decimals=decimals)


def key_figures(figures: dict) -> list[KeyFigure]:
    """The computed figures a reader looks for first, formatted."""
    site, rooms = figures.get("site", {}), figures.get("rooms", {})
    structures, events = figures.get("structures", {}), figures.get("events", {})
    funding, calls = figures.get("funding", {}), figures.get("calls", {})
    rows = [
        KeyFigure(_("Structures accueillies"), _number(structures.get("count"))),
        KeyFigure(_("Emplois accueillis"), _number(structures.get("jobs"))),
        KeyFigure(
            _("Ancrage local"),
            _percent(structures.get("same_commune_share")),
            _("des structures viennent de la commune"),
        ),
        KeyFigure(
            _("Surface occupée"),
            f"{_number(site.get('occupied_surface'), 1)}\xa0m²",
            _("%(share)s de la surface totale") % {"share": _percent(site.get("occupied_share"))},
        ),
        KeyFigure(
            _("Occupation des salles partagées"),
            _percent(rooms.get("days_rate")),
            _("%(booked)s jours réservés sur %(open)s jours d'ouverture")
            % {
                "booked": _number(rooms.get("booked_days")),
                "open": _number(rooms.get("open_days")),
            },
        ),
        KeyFigure(
            _("Événements publics"),
            _number(events.get("count")),
            _("%(attendance)s participations") % {"attendance": _number(events.get("attendance"))},
        ),
        KeyFigure(
            _("Candidatures reçues"),
            _number(calls.get("applications")),
            _("taux de sélection : %(ratio)s") % {"ratio": _percent(calls.get("selection_ratio"))},
        ),
        KeyFigure(_("Financements"), f"{_number(funding.get('total'))}\xa0€"),
    ]
    if site.get("duration_months") is not None:
        months = site["duration_months"]
        rows.append(
            KeyFigure(
                _("Durée de l'occupation"),
                ngettext("%(n)s mois", "%(n)s mois", months) % {"n": months},
            )
        )
    return rows


def _month_label(row: dict) -> str:
    try:
        year, month = (int(part) for part in str(row.get("month", "")).split("-"))
        return formats.date_format(date(year, month, 1), "F Y")
    except (TypeError, ValueError):
        return _(str(row.get("label", "")))


def charts(figures: dict) -> list[Chart]:
    """The report's charts, each with its data table (templates/includes/chart.html)."""
    structures, rooms = figures.get("structures", {}), figures.get("rooms", {})
    events, funding = figures.get("events", {}), figures.get("funding", {})
    return [
        make_chart(
            [(_(row["label"]), row["count"]) for row in structures.get("by_sector", [])],
            title=_("Structures accueillies par secteur"),
            label_header=_("Secteur"),
            value_header=_("Structures"),
            chart_id="chart-sectors",
        ),
        make_chart(
            [(_(row["label"]), row["count"]) for row in structures.get("by_legal_form", [])],
            title=_("Structures accueillies par forme juridique"),
            label_header=_("Forme juridique"),
            value_header=_("Structures"),
            chart_id="chart-legal-forms",
        ),
        make_chart(
            [(_month_label(row), row.get("days_rate") or 0) for row in rooms.get("monthly", [])],
            title=_("Occupation mensuelle des salles partagées (jours réservés)"),
            unit="%",
            label_header=_("Mois"),
            value_header=_("Taux d'occupation"),
            max_value=100,
            decimals=1,
            chart_id="chart-monthly-occupancy",
        ),
        make_chart(
            [(_(row["label"]), row["count"]) for row in events.get("by_public", [])],
            title=_("Participation aux événements publics par public"),
            label_header=_("Public"),
            value_header=_("Participations"),
            chart_id="chart-attendance",
        ),
        make_chart(
            [(_(row["label"]), row["amount"]) for row in funding.get("by_source", [])],
            title=_("Financements par source"),
            unit="€",
            label_header=_("Source"),
            value_header=_("Montant"),
            chart_id="chart-funding",
        ),
    ]


def report_page_context(report: ImpactReport, figures: dict) -> dict:
    observations = list(report.shown_observations())
    return {
        "report": report,
        "site": report.site,
        "figures": figures,
        "levels": level_blocks(report, observations),
        "observation_count": len(observations),
        "key_figures": key_figures(figures),
        "declared_figures": list(report.declared_figures.all()),
        # The charts' HTML follows from the figures alone: the template caches it under their
        # digest, and draws them (a fifth of the page's time) only when it is not there.
        "charts": partial(charts, figures),
        "figures_key": digest(figures),
        "funding_items": figures.get("funding", {}).get("items", []),
        "gender_balance": [
            (_("Équipe de gestion"), report.women_management),
            (_("Responsables des structures"), report.women_leaders),
            (_("Occupant·e·s"), report.women_occupants),
            (_("Publics"), report.women_publics),
        ],
    }
