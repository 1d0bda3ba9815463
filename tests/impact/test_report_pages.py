"""The public report pages and the managers' report pages."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from impact import reports
from impact.models import DeclaredFigure, ImpactReport, Observation, Status, Valence
from tests.factories import OrganisationFactory, UserFactory
from tests.impact.reports_support import (
    draft,
    host_structure,
    managed_site,
    observation,
)

pytestmark = pytest.mark.django_db


def published(site, manager, **fields) -> ImpactReport:
    return reports.report_publish(report=draft(site, manager, **fields), by=manager)


def count_of_structures(html: str) -> str:
    match = re.search(r"Structures accueillies</dt>\s*<dd[^>]*>([^<]+)</dd>", html)
    assert match, "no key figure for the structures hosted"
    return match[1].strip()


# --- The public report page -----------------------------------------------------------------


def test_a_published_report_shows_its_levels_with_marks_and_words(client):
    site, manager = managed_site()
    report = published(site, manager)
    html = client.get(report.get_absolute_url()).content.decode()
    assert "intensité 4 sur 5" in html
    assert "intensité 3 sur 5" in html
    assert "intensité non évaluée" in html  # the territorial level was left empty
    assert '<span class="intensity-marks" aria-hidden="true">●●●●○</span>' in html


def test_the_published_page_keeps_its_frozen_figures_when_occupancies_change(client):
    site, manager = managed_site()
    host_structure(site)
    report = published(site, manager)
    url = report.get_absolute_url()
    assert count_of_structures(client.get(url).content.decode()) == "1"
    host_structure(site)
    host_structure(site)
    assert count_of_structures(client.get(url).content.decode()) == "1"


def test_a_drafts_preview_computes_its_figures_now(client):
    site, manager = managed_site()
    host_structure(site)
    report = draft(site, manager)
    client.force_login(manager)
    url = reverse("impact_reports:preview", args=[report.pk])
    assert count_of_structures(client.get(url).content.decode()) == "1"
    host_structure(site)
    html = client.get(url).content.decode()
    assert count_of_structures(html) == "2"
    assert "Aperçu d'un brouillon" in html


def test_a_draft_answers_404_to_everyone_but_the_sites_managers(client):
    site, manager = managed_site()
    report = draft(site, manager)
    url = reverse("impact:report", args=[site.slug, report.slug])
    assert client.get(url).status_code == 404
    client.force_login(managed_site()[1])
    assert client.get(url).status_code == 404
    client.force_login(manager)
    assert client.get(url).status_code == 200


def test_a_report_of_an_unpublished_site_answers_404_to_the_public(client):
    site, manager = managed_site()
    report = published(site, manager)
    site.published = False
    site.save()
    assert client.get(report.get_absolute_url()).status_code == 404
    assert client.get(reverse("impact:list", args=[site.slug])).status_code == 404
    client.force_login(manager)
    assert client.get(report.get_absolute_url()).status_code == 200


def test_a_report_under_another_sites_address_answers_404(client):
    site, manager = managed_site()
    other, _ = managed_site()
    report = published(site, manager)
    assert client.get(reverse("impact:report", args=[other.slug, report.slug])).status_code == 404


def test_observations_are_grouped_by_level_with_negative_effects_shown(client):
    site, manager = managed_site()
    observation(site)
    observation(
        site,
        indicator="cadre_vie",
        valence=Valence.NEGATIVE,
        effects=["nuisances"],
        intensity=2,
        narrative="Le bruit des soirées gêne des voisins.",
        quote="",
        quote_role="",
    )
    observation(site, indicator="solidarite", effects=["biens"], status=Status.DRAFT)
    observation(site, period_start=date(2025, 1, 1), period_end=date(2025, 6, 30))
    report = published(site, manager)
    html = client.get(report.get_absolute_url()).content.decode()
    individual = html.index('id="level-individuel"')
    territorial = html.index('id="level-territorial"')
    assert html.count("panel observation-card") == 2  # the draft and the older one are left out
    assert individual < html.index("Rencontres entre publics différents") < territorial
    assert html.index("Nuisances") > territorial
    assert "Effet négatif" in html and "observation-negative" in html
    assert "« On se connaît tous maintenant. »" in html and "— occupante" in html
    assert "<details" in html and "Le bruit des soirées gêne des voisins." in html
    assert "Habitant·e·s du quartier" in html


def test_a_changed_observation_or_draft_figure_shows_at_once_though_cards_are_cached(client):
    """The observation cards and the charts are cached under every value they show (and the
    figures' digest): a change made behind their back (QuerySet.update, no signal) shows on
    the next page, in each language."""
    site, manager = managed_site()
    host_structure(site)
    first = observation(site)
    report = draft(site, manager)
    client.force_login(manager)
    url = reverse("impact_reports:preview", args=[report.pk])
    html = client.get(url).content.decode()
    assert "Nouveau récit" not in html and "intensité 4 sur 5" in html
    Observation.objects.filter(pk=first.pk).update(narrative="Nouveau récit", intensity=2)
    html = client.get(url).content.decode()
    assert "Nouveau récit" in html and "intensité 2 sur 5" in html
    charts_before = re.findall(r"<svg.*?</svg>", html, re.S)
    host_structure(site)  # the draft's live figures, hence its charts' digest, change
    charts_after = re.findall(r"<svg.*?</svg>", client.get(url).content.decode(), re.S)
    assert charts_before and charts_after != charts_before
    with translation.override("en"):
        client.cookies["django_language"] = "en"
        html = client.get(url).content.decode()
    assert "intensity 2 out of 5" in html


def test_declared_figures_are_shown_apart_with_their_source(client):
    site, manager = managed_site()
    report = draft(site, manager)
    reports.declared_figure_add(
        report, by=manager, label="Venues à pied ou à vélo", value=76, unit="%", source="Enquête"
    )
    report = reports.report_publish(report=report, by=manager)
    html = client.get(report.get_absolute_url()).content.decode()
    declared = html[html.index('id="declared-title"') :]
    assert "Venues à pied ou à vélo" in declared and "Enquête" in declared
    assert "76&nbsp;%" in declared


def test_every_chart_has_its_data_table(client):
    site, manager = managed_site()
    host_structure(site)
    report = published(site, manager)
    html = client.get(report.get_absolute_url()).content.decode()
    charts = re.findall(r'<svg [^>]*id="(chart-[\w-]+)"', html)
    assert set(charts) == {
        "chart-sectors",
        "chart-legal-forms",
        "chart-monthly-occupancy",
        "chart-attendance",
        "chart-funding",
    }
    for chart in charts:
        assert f'data-chart="{chart}"' in html


def test_the_report_page_has_open_graph_tags_and_a_place_for_downloads(client):
    site, manager = managed_site()
    report = published(site, manager, summary="Un lieu qui relie.")
    html = client.get(report.get_absolute_url()).content.decode()
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:title" content="Rapport du premier semestre · ' in html
    assert '<meta property="og:description" content="Un lieu qui relie.">' in html


def test_the_report_page_makes_as_many_queries_with_1_or_many_observations(
    client, django_assert_num_queries
):
    site, manager = managed_site()
    observation(site)
    report = published(site, manager)
    DeclaredFigure.objects.create(report=report, label="a", value=1, source="s")
    url = report.get_absolute_url()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for index in range(8):
        observation(
            site, indicator=["sante", "reseaux", "innovation", "egalite"][index % 4], effects=[]
        )
        DeclaredFigure.objects.create(report=report, label=f"b{index}", value=index, source="s")
    with django_assert_num_queries(len(one)):
        assert client.get(url).status_code == 200


@override_settings(PUBLIC_PAGE_CACHE_SECONDS=60)
def test_the_report_page_is_served_from_the_cache_to_visitors(client, django_assert_num_queries):
    site, manager = managed_site()
    report = published(site, manager)
    url = report.get_absolute_url()
    first = client.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        assert client.get(url).content == first.content


# --- The site's reports, the site page, the sitemap, the portfolio --------------------------


def test_the_list_shows_only_the_published_reports_to_visitors(client):
    site, manager = managed_site()
    published(site, manager)
    draft(
        site,
        manager,
        title="Brouillon du second semestre",
        period_start=date(2026, 7, 1),
        period_end=date(2026, 12, 31),
    )
    html = client.get(reverse("impact:list", args=[site.slug])).content.decode()
    assert "Rapport du premier semestre" in html
    assert "Brouillon du second semestre" not in html


def test_a_site_without_a_published_report_has_no_report_list(client):
    site, manager = managed_site()
    draft(site, manager)
    assert client.get(reverse("impact:list", args=[site.slug])).status_code == 404


def test_the_site_page_links_to_its_reports_once_one_is_published(client):
    site, manager = managed_site()
    report = draft(site, manager)
    url = reverse("sites:detail", args=[site.slug])
    assert reverse("impact:list", args=[site.slug]) not in client.get(url).content.decode()
    reports.report_publish(report=report, by=manager)
    html = client.get(url).content.decode()
    assert reverse("impact:list", args=[site.slug]) in html
    assert report.get_absolute_url() in html


def test_the_sitemap_lists_published_reports_only(client):
    site, manager = managed_site()
    report = published(site, manager)
    other = draft(
        site,
        manager,
        title="Brouillon",
        period_start=date(2026, 7, 1),
        period_end=date(2026, 12, 31),
    )
    xml = client.get(reverse("sitemap")).content.decode()
    assert report.get_absolute_url() in xml
    assert f"/impact/{other.slug}/" not in xml


def test_the_portfolio_adds_up_the_latest_report_of_each_site(client):
    operator = OrganisationFactory(name="Plateau Commun")
    site_a, manager_a = managed_site(operator=operator)
    site_b, manager_b = managed_site(operator=operator)
    host_structure(site_a)
    published(
        site_a,
        manager_a,
        title="Ancien",
        period_start=date(2025, 1, 1),
        period_end=date(2025, 6, 30),
    )  # no structure then: 0
    host_structure(site_a)
    published(site_a, manager_a)  # 2 structures
    host_structure(site_b)
    published(site_b, manager_b)  # 1 structure
    html = client.get(reverse("impact:portfolio", args=[operator.slug])).content.decode()
    match = re.search(r"Structures accueillies</dt>\s*<dd[^>]*>([^<]+)</dd>", html)
    assert match[1].strip() == "3"
    assert "Ancien" not in html


def test_an_operator_without_published_reports_has_no_portfolio(client):
    site, manager = managed_site()
    draft(site, manager)
    url = reverse("impact:portfolio", args=[site.operator.slug])
    assert client.get(url).status_code == 404


# --- The managers' pages --------------------------------------------------------------------


def test_a_manager_creates_a_report_through_the_form(client):
    site, manager = managed_site()
    client.force_login(manager)
    response = client.post(
        reverse("impact_reports:create"),
        {
            "site": site.pk,
            "title": "Bilan 2026",
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
            "intensity_individual": "4",
        },
    )
    report = ImpactReport.objects.get()
    assert response.status_code == 302
    assert (report.site, report.title, report.intensity_individual) == (site, "Bilan 2026", 4)


def test_the_form_offers_only_the_sites_one_manages(client):
    _site, manager = managed_site()
    other, _ = managed_site()
    client.force_login(manager)
    response = client.post(
        reverse("impact_reports:create"),
        {"site": other.pk, "title": "x", "period_start": "2026-01-01", "period_end": "2026-12-31"},
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not ImpactReport.objects.exists()


def test_a_period_in_the_wrong_order_is_refused_by_the_form(client):
    site, manager = managed_site()
    client.force_login(manager)
    response = client.post(
        reverse("impact_reports:create"),
        {"site": site.pk, "title": "x", "period_start": "2026-12-31", "period_end": "2026-01-01"},
    )
    assert "La période finit après son début." in response.content.decode()
    assert not ImpactReport.objects.exists()


def test_the_declared_figures_formset_adds_and_deletes(client):
    site, manager = managed_site()
    report = draft(site, manager)
    kept = DeclaredFigure.objects.create(report=report, label="Bénévoles", value=12, source="x")
    gone = DeclaredFigure.objects.create(report=report, label="Erreur", value=1, source="x")
    client.force_login(manager)
    data = {
        "chiffres-TOTAL_FORMS": "3",
        "chiffres-INITIAL_FORMS": "2",
        "chiffres-MIN_NUM_FORMS": "0",
        "chiffres-MAX_NUM_FORMS": "50",
        "chiffres-0-id": kept.pk, "chiffres-0-label": "Bénévoles", "chiffres-0-value": "14",
        "chiffres-0-source": "Comptage", "chiffres-0-position": "0",
        "chiffres-1-id": gone.pk, "chiffres-1-label": "Erreur", "chiffres-1-value": "1",
        "chiffres-1-source": "x", "chiffres-1-position": "0", "chiffres-1-DELETE": "on",
        "chiffres-2-label": "Venues à vélo", "chiffres-2-value": "76", "chiffres-2-unit": "%",
        "chiffres-2-source": "Enquête", "chiffres-2-position": "1",
    }  # fmt: skip
    response = client.post(reverse("impact_reports:figures", args=[report.pk]), data)
    assert response.status_code == 302
    assert sorted(report.declared_figures.values_list("label", "value")) == [
        ("Bénévoles", 14),
        ("Venues à vélo", 76),
    ]


def test_a_tampered_figure_id_is_refused_without_change(client):
    site, manager = managed_site()
    report = draft(site, manager)
    other_site, other_manager = managed_site()
    theirs = DeclaredFigure.objects.create(
        report=draft(other_site, other_manager), label="Leur chiffre", value=5, source="x"
    )
    client.force_login(manager)
    data = {
        "chiffres-TOTAL_FORMS": "1", "chiffres-INITIAL_FORMS": "1",
        "chiffres-MIN_NUM_FORMS": "0", "chiffres-MAX_NUM_FORMS": "50",
        "chiffres-0-id": theirs.pk, "chiffres-0-label": "Piraté", "chiffres-0-value": "9",
        "chiffres-0-source": "x", "chiffres-0-position": "0",
    }  # fmt: skip
    response = client.post(reverse("impact_reports:figures", args=[report.pk]), data)
    assert response.status_code < 500
    theirs.refresh_from_db()
    assert (theirs.label, theirs.value, theirs.report.site) == ("Leur chiffre", 5, other_site)
    assert DeclaredFigure.objects.filter(report__site=other_site).count() == 1


def test_publishing_asks_first_then_publishes_on_post(client):
    site, manager = managed_site()
    report = draft(site, manager)
    client.force_login(manager)
    url = reverse("impact_reports:publish", args=[report.pk])
    assert "Confirmer la publication" in client.get(url).content.decode()
    report.refresh_from_db()
    assert not report.is_published
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    report.refresh_from_db()
    assert report.is_published


def test_editing_a_published_report_is_refused_with_a_message(client):
    site, manager = managed_site()
    report = published(site, manager)
    client.force_login(manager)
    for name in ("edit", "figures", "publish"):
        response = client.post(
            reverse(f"impact_reports:{name}", args=[report.pk]), {"title": "Changé"}, follow=True
        )
        assert "il ne change plus" in response.content.decode()
    report.refresh_from_db()
    assert report.title == "Rapport du premier semestre"


def test_another_sites_report_answers_404_on_every_manager_page(client):
    site, manager = managed_site()
    report = draft(site, manager)
    client.force_login(managed_site()[1])
    for name in ("edit", "figures", "preview", "publish"):
        assert client.get(reverse(f"impact_reports:{name}", args=[report.pk])).status_code == 404


def test_someone_who_manages_no_site_gets_404_on_the_list(client):
    client.force_login(UserFactory())
    assert client.get(reverse("impact_reports:list")).status_code == 404
    assert client.get(reverse("impact_reports:create")).status_code == 404


def test_the_managers_list_makes_as_many_queries_with_1_or_many_reports(
    client, django_assert_num_queries
):
    site, manager = managed_site()
    draft(site, manager)
    client.force_login(manager)
    url = reverse("impact_reports:list")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for year in range(2015, 2022):
        draft(
            site,
            manager,
            title=f"Bilan {year}",
            period_start=date(year, 1, 1),
            period_end=date(year, 12, 31),
        )
    with django_assert_num_queries(len(one)):
        client.get(url)


def queries_of(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_sites_report_list_makes_as_many_queries_with_1_or_many_reports(client):
    site, manager = managed_site()
    published(site, manager)
    url = reverse("impact:list", args=[site.slug])
    one = queries_of(client, url)
    for year in range(2018, 2024):
        published(
            site,
            manager,
            title=f"Bilan {year}",
            period_start=date(year, 1, 1),
            period_end=date(year, 12, 31),
        )
    assert queries_of(client, url) == one


def test_the_portfolio_makes_as_many_queries_with_1_or_many_sites(client):
    operator = OrganisationFactory(name="Réseau des Communs")
    site, manager = managed_site(operator=operator)
    published(site, manager)
    url = reverse("impact:portfolio", args=[operator.slug])
    one = queries_of(client, url)
    for _n in range(5):
        other, other_manager = managed_site(operator=operator)
        published(other, other_manager)
    assert queries_of(client, url) == one
    assert client.get(url).content.decode().count('<th scope="row"><a href="/lieux/') == 6


def test_the_managers_dashboard_links_to_their_reports(client):
    _site, manager = managed_site()
    client.force_login(manager)
    html = client.get(reverse("accounts:dashboard")).content.decode()
    assert reverse("impact_reports:list") in html


def test_the_report_page_reads_in_english(client, settings):
    site, manager = managed_site()
    host_structure(site)
    report = published(site, manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    try:
        html = client.get(report.get_absolute_url()).content.decode()
    finally:
        translation.activate(settings.LANGUAGE_CODE)  # the middleware left English active
    assert "intensity 4 out of 5" in html
    assert "Structures hosted by legal form" in html
    assert "Declared figures" in html and "Method and sources" in html


def test_a_drafts_preview_makes_as_many_queries_with_1_or_many_structures(client):
    site, manager = managed_site()
    host_structure(site)
    report = draft(site, manager)
    client.force_login(manager)
    url = reverse("impact_reports:preview", args=[report.pk])
    one = queries_of(client, url)
    for _n in range(6):
        host_structure(site)
    assert queries_of(client, url) == one


def test_the_report_page_links_its_downloads_and_invites_to_the_open_questionnaire(client):
    from impact.models import Questionnaire

    site, manager = managed_site()
    report = published(site, manager)
    html = client.get(report.get_absolute_url()).content.decode()
    for name in ("pdf", "csv", "xlsx", "json"):
        assert reverse(f"impact_downloads:{name}", args=[site.slug, report.slug]) in html
    questionnaire_url = reverse("impact_questionnaire:answer", args=[site.slug])
    assert questionnaire_url not in html  # no questionnaire yet

    Questionnaire.objects.create(site=site, is_open=True)
    with override_settings(PUBLIC_PAGE_CACHE_SECONDS=0):
        assert questionnaire_url in client.get(report.get_absolute_url()).content.decode()
        list_html = client.get(reverse("impact:list", args=[site.slug])).content.decode()
    assert questionnaire_url in list_html
