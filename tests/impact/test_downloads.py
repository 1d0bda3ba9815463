"""A report's downloads (impact_downloads): who may have them, and what they hold."""

from __future__ import annotations

import copy
import csv
import io
import json
import shutil
import subprocess
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from impact.download_views import pdf_context
from impact.figures import EMPTY
from impact.models import DeclaredFigure, ImpactReport, Indicator, Observation, Status
from tests.factories import OrganisationFactory, SiteFactory, UserFactory

pytestmark = pytest.mark.django_db

FORMATS = ("pdf", "csv", "xlsx", "json")


def frozen_figures() -> dict:
    figures = copy.deepcopy(EMPTY)
    figures["period"] = {"start": "2024-01-01", "end": "2024-12-31"}
    figures["structures"].update(
        count=42,
        by_sector=[{"key": "artisanat", "label": "Artisanat", "count": 30}],
        by_legal_form=[{"key": "association", "label": "Association", "count": 42}],
    )
    figures["rooms"].update(
        open_days=164,
        booked_days=87,
        days_rate=53.0,
        monthly=[
            {"month": "2024-01", "label": "janvier 2024", "days_rate": 50.0, "hours_rate": 31.5}
        ],
    )
    figures["funding"] = {
        "total": 9900.0,
        "items": [
            {
                "funder": "GAL du Pays",
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
        ],
        "by_source": [{"key": "public", "label": "Public", "amount": 9900.0}],
        "by_nature": [{"key": "investissement", "label": "Investissement", "amount": 9900.0}],
    }
    return figures


@pytest.fixture
def site():
    return SiteFactory(name="Tiers-lieu des Essais", operator=OrganisationFactory(kind="operator"))


@pytest.fixture
def manager(site):
    user = UserFactory(email="responsable@example.org", is_staff=True)
    site.managers.add(user)
    return user


def make_report(site, *, published=True, slug="rapport-2024") -> ImpactReport:
    report = ImpactReport.objects.create(
        site=site,
        slug=slug,
        title="Rapport d'impact 2024",
        summary="Une année de rencontres.",
        period_start=date(2024, 1, 1),
        period_end=date(2024, 12, 31),
        intensity_individual=4,
        intensity_collective=3,
        women_occupants=55,
        methods="Entretiens et comptages.",
        status=ImpactReport.Status.PUBLISHED if published else ImpactReport.Status.DRAFT,
        figures=frozen_figures() if published else None,
    )
    DeclaredFigure.objects.create(
        report=report,
        label="Venues à pied ou à vélo",
        value=76,
        unit="%",
        source="Enquête auprès des publics, juin 2024",
    )
    return report


def observe(site, narrative="Des repas partagés chaque semaine.", **fields) -> Observation:
    values = {
        "indicator": Indicator.SOCIAL_TIES,
        "intensity": 4,
        "publics": ["occupants", "habitants"],
        "effects": ["rencontres"],
        "occasions": ["vie_projet"],
        "frequency": "hebdomadaire",
        "narrative": narrative,
        "quote": "On se connaît tous maintenant.",
        "quote_role": "occupante",
        "period_start": date(2024, 3, 1),
        "period_end": date(2024, 6, 30),
        "people_count": 350,
        "status": Status.PUBLISHED,
    } | fields
    return Observation.objects.create(site=site, **values)


def url(report, fmt: str, query: str = "") -> str:
    return reverse(f"impact_downloads:{fmt}", args=[report.site.slug, report.slug]) + query


# --- Access ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_anyone_downloads_a_published_report(client, site, fmt):
    report = make_report(site)
    response = client.get(url(report, fmt))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_draft_answers_404_to_a_visitor_and_to_another_sites_manager(client, site, fmt):
    report = make_report(site, published=False)
    other = UserFactory(is_staff=True)
    SiteFactory().managers.add(other)

    assert client.get(url(report, fmt)).status_code == 404
    client.force_login(other)
    assert client.get(url(report, fmt)).status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_the_sites_manager_downloads_a_draft(client, site, manager, fmt):
    report = make_report(site, published=False)
    client.force_login(manager)
    assert client.get(url(report, fmt)).status_code == 200


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_report_asked_through_another_site_answers_404(client, site, fmt):
    report = make_report(site)
    other_site = SiteFactory()
    response = client.get(reverse(f"impact_downloads:{fmt}", args=[other_site.slug, report.slug]))
    assert response.status_code == 404


def test_a_published_report_of_an_unpublished_site_answers_404(client, site):
    report = make_report(site)
    site.published = False
    site.save(update_fields=["published"])
    assert client.get(url(report, "csv")).status_code == 404


# --- CSV ------------------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


def test_the_figures_csv_holds_the_frozen_figures_and_the_declared_ones_apart(client, site):
    report = make_report(site)

    rows = read_csv(client.get(url(report, "csv")))

    assert rows[0] == ["Nature", "Rubrique", "Intitulé", "Valeur", "Unité", "Source"]
    by_label = {row[2]: row for row in rows[1:]}
    # Frozen at publication: 42 structures, though the site has none today.
    assert by_label["Structures accueillies"][:4] == [
        "Calculé",
        "Structures",
        "Structures accueillies",
        "42",
    ]
    assert by_label["Taux d'occupation en jours"][3] == "53,0"
    declared = by_label["Venues à pied ou à vélo"]
    assert declared[0] == "Déclaré"
    assert declared[3:] == ["76,00", "%", "Enquête auprès des publics, juin 2024"]


def test_the_observations_csv_lists_the_published_observations_of_the_period(client, site):
    report = make_report(site)
    observe(site)
    observe(site, narrative="Brouillon caché.", status=Status.DRAFT)
    observe(
        site, narrative="Hors période.", period_start=date(2023, 1, 1), period_end=date(2023, 6, 30)
    )
    observe(
        site, narrative='=HYPERLINK("http://example.org")', indicator=Indicator.HEALTH, effects=[]
    )

    rows = read_csv(client.get(url(report, "csv", "?tableau=observations")))

    narratives = [row[8] for row in rows[1:]]
    assert "Des repas partagés chaque semaine." in narratives
    assert "Brouillon caché." not in narratives and "Hors période." not in narratives
    # A cell a spreadsheet would run as a formula is written as text.
    assert '\'=HYPERLINK("http://example.org")' in narratives
    social = next(row for row in rows[1:] if row[1] == "Lien social")
    assert social[0] == "Effets individuels"
    assert social[3] == "4"
    assert social[4] == "Occupant·e·s, Habitant·e·s du quartier"


def test_the_observations_csv_takes_as_many_queries_for_one_row_as_for_many(
    client, site, django_assert_num_queries
):
    report = make_report(site)
    observe(site)
    with django_assert_num_queries(2) as first:
        b"".join(client.get(url(report, "csv", "?tableau=observations")).streaming_content)
    for index in range(5):
        observe(site, narrative=f"Observation {index}")
    with django_assert_num_queries(len(first.captured_queries)):
        b"".join(client.get(url(report, "csv", "?tableau=observations")).streaming_content)


@pytest.mark.parametrize("query", ["?tableau=inconnu", "?tableau=" + "x" * 5000])
def test_an_unknown_table_is_a_clear_bad_request(client, site, query):
    report = make_report(site)
    response = client.get(url(report, "csv", query))
    assert response.status_code == 400
    assert "chiffres" in response.content.decode()


@pytest.mark.parametrize("fmt", FORMATS)
def test_junk_parameters_never_answer_a_server_error(client, site, fmt):
    report = make_report(site)
    response = client.get(url(report, fmt, "?page=%ff%fe&tableau=1e400&x=%00"))
    assert response.status_code < 500


# --- XLSX -----------------------------------------------------------------------------------


def test_the_workbook_has_one_sheet_per_table(client, site):
    report = make_report(site)
    observe(site)

    response = client.get(url(report, "xlsx"))
    workbook = load_workbook(io.BytesIO(response.content))

    assert workbook.sheetnames == [
        "Chiffres",
        "Observations",
        "Secteurs",
        "Occupation",
        "Financements",
    ]
    figures = {row[2]: row for row in workbook["Chiffres"].iter_rows(values_only=True)}
    assert figures["Structures accueillies"][3] == 42
    assert figures["Venues à pied ou à vélo"][3] == 76  # a number, not text
    assert list(workbook["Secteurs"].iter_rows(values_only=True))[1] == (
        "Secteur",
        "Artisanat",
        30,
    )
    assert list(workbook["Occupation"].iter_rows(values_only=True))[1] == (
        "janvier 2024",
        50,
        31.5,
    )
    funding = list(workbook["Financements"].iter_rows(values_only=True))[1]
    assert funding[:2] == ("GAL du Pays", "LEADER") and funding[-1] == 51.6
    assert workbook["Observations"].max_row == 2


# --- JSON (Commune Mesure) ------------------------------------------------------------------


def test_the_json_is_a_commune_mesure_place_record(client, site):
    report = make_report(site)
    observe(site)

    record = json.loads(client.get(url(report, "json")).content)

    assert record["name"] == site.name
    assert record["address"]["postalcode"] == site.postal_code
    social = record["blocs"]["impact_social"]["donnees"]
    assert social["lien_social"] == "Des repas partagés chaque semaine."
    assert social["intensite_effets_individuels"] == 4
    assert social["impact_social_public"] == ["Occupant·e·s", "Habitant·e·s du quartier"]
    assert record["blocs"]["presentation"]["donnees"]["nombre_occupants"] == 42
    assert record["blocs"]["composition"]["donnees"]["type"]["Associations"] == 42
    assert record["blocs"]["moyens"]["donnees"]["investissement"]["Fonds publics"] == 9900
    assert record["interstices"]["chiffres_declares"][0]["valeur"] == 76


def test_the_json_export_reads_back_through_the_import(client, site, tmp_path):
    report = make_report(site, published=False)
    observe(site)
    observe(
        site,
        narrative="Des outils prêtés.",
        indicator=Indicator.SOLIDARITY,
        effects=["biens"],
        valence="mitige",
        quote="",
        quote_role="",
        status=Status.VALIDATED,
    )
    site.managers.add(manager := UserFactory(is_staff=True))
    client.force_login(manager)
    exported = tmp_path / "lieu.json"
    exported.write_bytes(client.get(url(report, "json")).content)

    # Into the same site: nothing changes, nothing is left unplaced.
    out = StringIO()
    call_command("import_commune_mesure", str(exported), stdout=out)
    assert "Aucun changement" in out.getvalue()
    assert "Tous les champs de la fiche ont été placés." in out.getvalue()

    # Into an empty site: the same report, figures and observations come back.
    before = {
        "report": ImpactReport.objects.values(
            "slug",
            "title",
            "summary",
            "period_start",
            "period_end",
            "intensity_individual",
            "intensity_collective",
            "women_occupants",
            "methods",
        ).get(),
        "figures": list(DeclaredFigure.objects.values("label", "value", "unit", "source")),
        "observations": sorted(
            Observation.objects.values_list(
                "indicator",
                "narrative",
                "valence",
                "intensity",
                "publics",
                "effects",
                "quote",
                "people_count",
            )
        ),
    }
    ImpactReport.objects.all().delete()
    Observation.objects.all().delete()
    call_command("import_commune_mesure", str(exported), stdout=StringIO())
    after = {
        "report": ImpactReport.objects.values(*before["report"]).get(),
        "figures": list(DeclaredFigure.objects.values("label", "value", "unit", "source")),
        "observations": sorted(
            Observation.objects.values_list(
                "indicator",
                "narrative",
                "valence",
                "intensity",
                "publics",
                "effects",
                "quote",
                "people_count",
            )
        ),
    }
    assert after == before
    assert ImpactReport.objects.get().site == site


# --- PDF ------------------------------------------------------------------------------------


def weasyprint_or_skip():
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as error:
        pytest.skip(f"WeasyPrint or Pango is missing here ({error}): the PDF cannot be made")


def poppler_or_skip():
    if not (shutil.which("pdftotext") and shutil.which("pdftoppm")):
        pytest.skip("poppler-utils (pdftotext, pdftoppm) is not installed: the PDF cannot be read")


def test_the_pdf_shows_the_levels_figures_declared_figures_and_observations(client, site, tmp_path):
    weasyprint_or_skip()
    poppler_or_skip()
    report = make_report(site)
    observe(site)

    response = client.get(url(report, "pdf"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "rapport.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for expected in (
        "Rapport d'impact 2024",
        "Effets individuels",
        "intensité 4 sur 5",
        "Chiffres clés",
        "Structures accueillies",
        "Chiffres déclarés",
        "Venues à pied ou à vélo",
        "Enquête auprès des publics",
        "Secteurs d'activité des structures",
        "Des repas partagés chaque semaine.",
        "Méthode et sources",
        "1/",  # the page numbers of the print stylesheet: it was fetched and applied
    ):
        assert expected in text, expected
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    page = next(tmp_path.glob("page*.png"))
    assert page.stat().st_size > 5_000  # a page with something drawn on it


def test_the_pdf_fetcher_reaches_static_files_and_nothing_else():
    weasyprint_or_skip()
    import weasyprint
    from weasyprint.urls import URLFetchingError

    from impact.pdf import BASE_URL, _fetcher_class

    fetcher = _fetcher_class(weasyprint)()
    assert fetcher.fetch(BASE_URL + "static/css/report_pdf.css").status == 200
    for refused in (
        "https://example.org/logo.png",
        "file:///etc/passwd",
        BASE_URL + "media/impact/preuve.pdf",
        BASE_URL + "static/../config/settings/base.py",
    ):
        with pytest.raises(URLFetchingError):
            fetcher.fetch(refused)


def test_the_pdf_without_weasyprint_answers_a_clear_message(client, site, monkeypatch):
    from impact import pdf

    def missing(html):
        raise pdf.PdfUnavailable("no module named weasyprint")

    monkeypatch.setattr("impact.download_views.render_pdf", missing)
    report = make_report(site)

    response = client.get(url(report, "pdf"))

    assert response.status_code == 503
    assert "Le PDF ne peut pas être produit ici" in response.content.decode()


def test_an_english_reader_gets_the_tables_in_english(client, site):
    report = make_report(site)
    client.cookies["django_language"] = "en"

    with translation.override("fr"):  # the request leaves English active in this thread
        rows = read_csv(client.get(url(report, "csv"), HTTP_ACCEPT_LANGUAGE="en"))

    assert rows[0] == ["Kind", "Section", "Label", "Value", "Unit", "Source"]
    assert ["Computed", "Structures", "Structures hosted", "42"] in [row[:4] for row in rows]


def test_the_json_export_for_an_english_reader_still_reads_back(client, site, tmp_path):
    report = make_report(site, published=False)
    observe(site, status=Status.VALIDATED)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    client.cookies["django_language"] = "en"
    exported = tmp_path / "lieu.json"
    with translation.override("en"):
        exported.write_bytes(client.get(url(report, "json")).content)
        record = json.loads(exported.read_bytes())
        assert record["blocs"]["impact_social"]["donnees"]["impact_social_public"][0] == (
            "Occupant·e·s"
        )
        Observation.objects.all().delete()
        call_command("import_commune_mesure", str(exported), stdout=StringIO())
    assert Observation.objects.get().publics == ["occupants", "habitants"]


@pytest.mark.parametrize("fmt", ["xlsx", "json"])
def test_a_download_takes_as_many_queries_for_one_observation_as_for_many(
    client, site, fmt, django_assert_num_queries
):
    report = make_report(site)
    observe(site)
    with django_assert_num_queries(3) as first:
        client.get(url(report, fmt))
    for index in range(5):
        observe(site, narrative=f"Observation {index}", indicator=Indicator.SOLIDARITY)
        DeclaredFigure.objects.create(
            report=report, label=f"Chiffre {index}", value=index, source="Comptage"
        )
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(url(report, fmt))


# --- The fees of the period, and reports frozen before they were computed --------------------


def frozen_before_the_fees(report) -> ImpactReport:
    """The report as one published with version 1 of the figures, which had no fees_total."""
    figures = frozen_figures()
    figures["version"] = 1
    del figures["site"]["fees_total"]
    ImpactReport.objects.filter(pk=report.pk).update(figures=figures)
    report.refresh_from_db()
    return report


FEES_LABEL = "Redevances de la période (hors charges)"


def test_the_tables_give_the_frozen_fees_of_the_period(client, site):
    report = make_report(site)
    figures = frozen_figures()
    figures["site"]["fees_total"] = 12345.6
    ImpactReport.objects.filter(pk=report.pk).update(figures=figures)

    rows = {row[2]: row for row in read_csv(client.get(url(report, "csv")))}
    workbook = load_workbook(io.BytesIO(client.get(url(report, "xlsx")).content))
    cells = {row[2]: row for row in workbook["Chiffres"].iter_rows(values_only=True)}

    assert rows[FEES_LABEL][1:5] == ["Lieu", FEES_LABEL, "12345,6", "€"]
    assert cells[FEES_LABEL][3] == 12345.6


def test_a_report_frozen_without_the_fees_leaves_them_empty_not_0(client, site):
    report = frozen_before_the_fees(make_report(site))
    observe(site)

    rows = {row[2]: row for row in read_csv(client.get(url(report, "csv")))}
    workbook = load_workbook(io.BytesIO(client.get(url(report, "xlsx")).content))
    cells = {row[2]: row for row in workbook["Chiffres"].iter_rows(values_only=True)}

    assert rows[FEES_LABEL][3] == ""
    assert cells[FEES_LABEL][3] in (None, "")
    assert client.get(url(report, "json")).status_code == 200
    assert client.get(report.get_absolute_url()).status_code == 200
    # The PDF leaves out the figures it does not know, this one as the others.
    computed = pdf_context(report, report.figures)["computed"]
    assert next(row for row in computed if row["label"] == FEES_LABEL)["value"] is None


def test_the_fees_in_english(client, site):
    report = make_report(site)
    client.cookies["django_language"] = "en"
    with translation.override("fr"):
        rows = read_csv(client.get(url(report, "csv"), HTTP_ACCEPT_LANGUAGE="en"))
    assert ["Computed", "Site", "Fees for the period (excluding charges)", "0,0", "€"] in [
        row[:5] for row in rows
    ]
