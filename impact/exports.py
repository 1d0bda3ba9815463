"""A report's downloads as tables: figures (computed, then declared apart), observations,
sectors, monthly occupancy, funding. CSV and XLSX write the same tables (occupants.exports'
conventions: semicolons and a BOM for a French spreadsheet, real numbers in XLSX, text cells
that a spreadsheet would run as a formula neutralised)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from core.exports import XLSX_TYPE, csv_response, neutralise, xlsx_number
from events.models.agenda import Public
from impact.models import ImpactReport, Observation, Occasion

Table = tuple[list[str], Iterable[list]]


# The computed figures, as (section, label, path in the figures, unit), labels in French.
FIGURE_ROWS: list[tuple[str, str, tuple[str, str], str]] = [
    (
        gettext_noop("Lieu"),
        gettext_noop("Durée de l'occupation"),
        ("site", "duration_months"),
        gettext_noop("mois"),
    ),
    (gettext_noop("Lieu"), gettext_noop("Surface totale"), ("site", "total_surface"), "m²"),
    (gettext_noop("Lieu"), gettext_noop("Surface occupée"), ("site", "occupied_surface"), "m²"),
    (
        gettext_noop("Lieu"),
        gettext_noop("Part de la surface occupée"),
        ("site", "occupied_share"),
        "%",
    ),
    (
        gettext_noop("Lieu"),
        gettext_noop("Redevance moyenne par m² et par mois"),
        ("site", "fee_per_m2_month"),
        "€",
    ),
    # Absent from the figures of a report published before it was computed: left empty.
    (
        gettext_noop("Lieu"),
        gettext_noop("Redevances de la période (hors charges)"),
        ("site", "fees_total"),
        "€",
    ),
    (gettext_noop("Salles partagées"), gettext_noop("Salles partagées"), ("rooms", "count"), ""),
    (
        gettext_noop("Salles partagées"),
        gettext_noop("Jours d'ouverture"),
        ("rooms", "open_days"),
        gettext_noop("jours"),
    ),
    (
        gettext_noop("Salles partagées"),
        gettext_noop("Jours réservés"),
        ("rooms", "booked_days"),
        gettext_noop("jours"),
    ),
    (
        gettext_noop("Salles partagées"),
        gettext_noop("Taux d'occupation en jours"),
        ("rooms", "days_rate"),
        "%",
    ),
    (
        gettext_noop("Salles partagées"),
        gettext_noop("Heures d'ouverture"),
        ("rooms", "open_hours"),
        gettext_noop("heures"),
    ),
    (
        gettext_noop("Salles partagées"),
        gettext_noop("Heures réservées"),
        ("rooms", "booked_hours"),
        gettext_noop("heures"),
    ),
    (
        gettext_noop("Salles partagées"),
        gettext_noop("Taux d'occupation en heures"),
        ("rooms", "hours_rate"),
        "%",
    ),
    (
        "Salles partagées",
        "Réservations d'organisations extérieures",
        ("rooms", "outside_bookings"),
        "",
    ),
    (
        "Salles partagées",
        "Organisations extérieures accueillies",
        ("rooms", "outside_organisations"),
        "",
    ),
    (
        gettext_noop("Structures"),
        gettext_noop("Structures accueillies"),
        ("structures", "count"),
        "",
    ),
    (
        gettext_noop("Structures"),
        gettext_noop("Structures de la même commune"),
        ("structures", "same_commune"),
        "",
    ),
    (
        gettext_noop("Structures"),
        gettext_noop("Part de la même commune"),
        ("structures", "same_commune_share"),
        "%",
    ),
    (
        gettext_noop("Structures"),
        gettext_noop("Structures du même département"),
        ("structures", "same_departement"),
        "",
    ),
    (
        gettext_noop("Structures"),
        gettext_noop("Part du même département"),
        ("structures", "same_departement_share"),
        "%",
    ),
    (
        gettext_noop("Structures"),
        gettext_noop("Emplois accueillis"),
        ("structures", "jobs"),
        gettext_noop("emplois"),
    ),
    (gettext_noop("Appels à candidatures"), gettext_noop("Appels"), ("calls", "count"), ""),
    (
        gettext_noop("Appels à candidatures"),
        gettext_noop("Candidatures reçues"),
        ("calls", "applications"),
        "",
    ),
    (
        gettext_noop("Appels à candidatures"),
        gettext_noop("Candidatures retenues"),
        ("calls", "selected"),
        "",
    ),
    (
        gettext_noop("Appels à candidatures"),
        gettext_noop("Taux de sélection"),
        ("calls", "selection_ratio"),
        "%",
    ),
    (gettext_noop("Événements"), gettext_noop("Événements publics"), ("events", "count"), ""),
    (gettext_noop("Événements"), gettext_noop("Dates"), ("events", "timings"), ""),
    (
        gettext_noop("Événements"),
        gettext_noop("Participant·e·s"),
        ("events", "attendance"),
        gettext_noop("personnes"),
    ),
    (gettext_noop("Événements"), gettext_noop("Inscriptions"), ("events", "registrations"), ""),
    (
        gettext_noop("Financements"),
        gettext_noop("Total des financements"),
        ("funding", "total"),
        "€",
    ),
]


def computed_figures(figures: dict) -> list[dict]:
    """The computed figures as rows, their labels translated for the reader."""
    rows = []
    for section, label, (group, key), unit in FIGURE_ROWS:
        rows.append(
            {
                "section": _(section),
                "label": _(label),
                "value": figures.get(group, {}).get(key),
                "unit": _(unit) if unit else "",
            }
        )
    return rows


def figures_table(figures: dict, report: ImpactReport) -> Table:
    header = [_("Nature"), _("Rubrique"), _("Intitulé"), _("Valeur"), _("Unité"), _("Source")]
    computed, declared = _("Calculé"), _("Déclaré")
    rows: list[list] = [
        [computed, row["section"], row["label"], row["value"], row["unit"], _("Interstices")]
        for row in computed_figures(figures)
    ]
    rows += [
        [declared, _("Chiffres déclarés"), f.label, f.value, f.unit, f.source]
        for f in report.declared_figures.all()
    ]
    return header, rows


def observations_table(observations: Iterable[Observation]) -> Table:
    header = [
        _("Niveau"),
        _("Indicateur"),
        _("Effet"),
        _("Intensité (1 à 5)"),
        _("Publics concernés"),
        _("Types d'effets"),
        _("Occasions"),
        _("Fréquence"),
        _("Récit"),
        _("Citation"),
        _("Rôle de la personne citée"),
        _("Preuve"),
        _("Début de la période"),
        _("Fin de la période"),
        _("Personnes concernées"),
        _("Actions menées"),
    ]

    def generate() -> Iterator[list]:
        for o in observations:
            yield [
                o.get_level_display(),
                o.get_indicator_display(),
                o.get_valence_display(),
                o.intensity,
                ", ".join(public_labels(o.publics)),
                ", ".join(o.effect_labels()),
                ", ".join(_occasion_labels(o.occasions)),
                o.get_frequency_display() if o.frequency else "",
                o.narrative,
                o.quote,
                o.quote_role,
                o.get_evidence_display(),
                o.period_start,
                o.period_end,
                o.people_count,
                o.actions_count,
            ]

    return header, generate()


def public_labels(values: list[str]) -> list[str]:
    labels = dict(Public.choices)
    return [str(labels.get(value, value)) for value in values]


def _occasion_labels(values: list[str]) -> list[str]:
    labels = dict(Occasion.choices)
    return [str(labels.get(value, value)) for value in values]


def sectors_table(figures: dict) -> Table:
    structures = figures["structures"]
    rows = [[_("Secteur"), _(r["label"]), r["count"]] for r in structures["by_sector"]]
    rows += [[_("Forme juridique"), _(r["label"]), r["count"]] for r in structures["by_legal_form"]]
    return [_("Classement"), _("Intitulé"), _("Structures")], rows


def occupancy_table(figures: dict) -> Table:
    header = [_("Mois"), _("Taux d'occupation en jours (%)"), _("Taux d'occupation en heures (%)")]
    return header, [
        [row["label"], row["days_rate"], row["hours_rate"]] for row in figures["rooms"]["monthly"]
    ]


def funding_table(figures: dict) -> Table:
    header = [
        _("Financeur"),
        _("Programme"),
        _("Origine"),
        _("Nature"),
        _("Année"),
        _("Montant (€)"),
        _("Coût du projet financé (€)"),
        _("Effet de levier (%)"),
    ]
    return header, [
        [
            item["funder"],
            item["programme"],
            _(item["source_label"]),
            _(item["nature_label"]),
            item["year"],
            item["amount"],
            item["project_cost"],
            item["leverage"],
        ]
        for item in figures["funding"]["items"]
    ]


def report_filename(report: ImpactReport, extension: str, what: str = "") -> str:
    name = f"impact-{report.site.slug}-{report.slug}"
    return f"{name}-{what}.{extension}" if what else f"{name}.{extension}"


def csv_download(table: Table, filename: str):
    header, rows = table
    return csv_response(header, rows, filename.removesuffix(".csv"))


def xlsx_download(sheets: list[tuple[str, Table]], filename: str) -> HttpResponse:
    """One workbook, one sheet per table, headers in bold."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, (header, rows) in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        cells = []
        for text in header:
            cell = WriteOnlyCell(sheet, value=text)
            cell.font = bold
            cells.append(cell)
        sheet.append(cells)
        for row in rows:
            sheet.append([_xlsx_cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _xlsx_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float) or hasattr(value, "as_tuple"):
        return xlsx_number(value)
    if hasattr(value, "isoformat"):
        return value
    return neutralise(str(value))
