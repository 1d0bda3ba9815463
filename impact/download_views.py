"""A report's downloads: PDF, CSV, XLSX and JSON (Commune Mesure's place format).

Who may download is ImpactReport.objects.visible_to (a draft answers 404 to all but its
site's managers); the figures are the report's frozen ones once published, live in a draft
(impact.figures.report_figures)."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from core.charts import make_chart
from impact import exports
from impact.commune_mesure import place_record, record_json
from impact.figures import report_figures
from impact.models import ImpactReport, Level
from impact.pdf import PdfUnavailable, render_pdf


def _report(request: HttpRequest, site_slug: str, report_slug: str) -> ImpactReport:
    return get_object_or_404(
        ImpactReport.objects.visible_to(request.user).select_related("site"),
        site__slug=site_slug,
        slug=report_slug,
    )


class CsvForm(forms.Form):
    tableau = forms.ChoiceField(
        choices=[
            ("chiffres", gettext_lazy("Chiffres")),
            ("observations", gettext_lazy("Observations")),
        ],
        required=False,
    )


@require_safe
def csv_file(request: HttpRequest, site_slug: str, report_slug: str) -> HttpResponse:
    report = _report(request, site_slug, report_slug)
    form = CsvForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(
            _("Tableau inconnu : choisissez « chiffres » ou « observations »."),
            content_type="text/plain; charset=utf-8",
        )
    if form.cleaned_data["tableau"] == "observations":
        table = exports.observations_table(report.shown_observations())
        return exports.csv_download(table, exports.report_filename(report, "csv", "observations"))
    table = exports.figures_table(report_figures(report), report)
    return exports.csv_download(table, exports.report_filename(report, "csv", "chiffres"))


@require_safe
def xlsx_file(request: HttpRequest, site_slug: str, report_slug: str) -> HttpResponse:
    report = _report(request, site_slug, report_slug)
    figures = report_figures(report)
    sheets = [
        (_("Chiffres"), exports.figures_table(figures, report)),
        (_("Observations"), exports.observations_table(report.shown_observations())),
        (_("Secteurs"), exports.sectors_table(figures)),
        (_("Occupation"), exports.occupancy_table(figures)),
        (_("Financements"), exports.funding_table(figures)),
    ]
    return exports.xlsx_download(sheets, exports.report_filename(report, "xlsx"))


@require_safe
def json_file(request: HttpRequest, site_slug: str, report_slug: str) -> HttpResponse:
    report = _report(request, site_slug, report_slug)
    record = place_record(report, report_figures(report), list(report.shown_observations()))
    response = HttpResponse(record_json(record), content_type="application/json; charset=utf-8")
    filename = exports.report_filename(report, "json", "commune-mesure")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def pdf_context(report: ImpactReport, figures: dict) -> dict:
    observations = list(report.shown_observations())
    for observation in observations:
        observation.public_labels = exports.public_labels(observation.publics)
    by_level = [
        (label, [o for o in observations if o.level == level]) for level, label in Level.choices
    ]
    structures, rooms = figures["structures"], figures["rooms"]
    charts = [
        (
            _("Secteurs d'activité des structures"),
            _("Secteur"),
            structures["by_sector"],
            "count",
            "",
            None,
        ),
        (
            _("Formes juridiques des structures"),
            _("Forme juridique"),
            structures["by_legal_form"],
            "count",
            "",
            None,
        ),
        (
            _("Occupation mensuelle des salles partagées (jours)"),
            _("Mois"),
            rooms["monthly"],
            "days_rate",
            "%",
            100,
        ),
        (
            _("Participation aux événements par public"),
            _("Public"),
            figures["events"]["by_public"],
            "count",
            "",
            None,
        ),
        (
            _("Financements par origine"),
            _("Origine"),
            figures["funding"]["by_source"],
            "amount",
            "€",
            None,
        ),
    ]
    return {
        "report": report,
        "site": report.site,
        "levels": [
            (label, intensity, range(1, 6))
            for _level, label, intensity in report.level_intensities()
        ],
        "computed": exports.computed_figures(figures),
        "declared": list(report.declared_figures.all()),
        "charts": [
            make_chart(
                [(_(row["label"]), row[key] or 0) for row in rows],
                title=title,
                unit=unit,
                label_header=header,
                **({"max_value": top} if top else {}),
            )
            for title, header, rows, key, unit, top in charts
            if rows
        ],
        "observations_by_level": [(label, found) for label, found in by_level if found],
        "figures": figures,
    }


@require_safe
def pdf_file(request: HttpRequest, site_slug: str, report_slug: str) -> HttpResponse:
    report = _report(request, site_slug, report_slug)
    html = render_to_string(
        "impact/report_pdf.html", pdf_context(report, report_figures(report)), request=request
    )
    try:
        pdf = render_pdf(html)
    except PdfUnavailable:
        return render(
            request,
            "impact/pdf_unavailable.html",
            {"report": report},
            status=503,
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = exports.report_filename(report, "pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
