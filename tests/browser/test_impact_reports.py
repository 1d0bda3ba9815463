"""A published impact report and its site's list of reports, in Chromium, checked by axe-core."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import expect

from impact import reports
from impact.models import Valence
from tests.browser.a11y import assert_no_axe_violations
from tests.browser.test_booking_manager import log_in
from tests.impact.reports_support import draft, host_structure, managed_site, observation


def published_report():
    site, manager = managed_site(name="Halle aux Cuirs")
    host_structure(site)
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
    report = draft(site, manager, period_start=date(2026, 1, 1), period_end=date(2026, 6, 30))
    reports.declared_figure_add(
        report, by=manager, label="Venues à pied ou à vélo", value=76, unit="%", source="Enquête"
    )
    return reports.report_publish(report=report, by=manager)


def test_the_report_page_reads_without_javascript_and_passes_axe(page):
    report = published_report()
    page.goto(report.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapport du premier semestre")
    expect(page.get_by_text("intensité 4 sur 5").first).to_be_visible()
    narrative = page.get_by_text("Le bruit des soirées gêne des voisins.")
    expect(narrative).to_be_hidden()
    page.get_by_text("Lire le récit : Cadre de vie").click()
    expect(narrative).to_be_visible()
    expect(page.locator("table[data-chart]")).to_have_count(5)
    assert_no_axe_violations(page)


def test_the_sites_report_list_passes_axe(page):
    report = published_report()
    page.goto(f"/lieux/{report.site.slug}/impact/")
    page.get_by_role("link", name="Rapport du premier semestre").click()
    expect(page).to_have_url(f"{page.url.split('/lieux/')[0]}{report.get_absolute_url()}")
    page.go_back()
    assert_no_axe_violations(page)


def test_a_manager_writes_previews_and_publishes_a_report(page, live_server):
    _site, manager = managed_site(name="Caserne Nord")
    log_in(page, live_server, manager)
    page.goto("/impact/gestion/rapports/nouveau/")
    assert_no_axe_violations(page)
    page.get_by_label("Titre").fill("Bilan 2026")
    page.get_by_label("Début de la période").fill("2026-01-01")
    page.get_by_label("Fin de la période").fill("2026-12-31")
    page.get_by_label("Intensité des effets individuels").fill("4")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Chiffres déclarés de « Bilan 2026 »")
    assert_no_axe_violations(page)
    page.goto("/impact/gestion/rapports/")
    page.get_by_role("link", name="Publier « Bilan 2026 »").click()
    page.wait_for_url("**/publier/")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Confirmer la publication").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bilan 2026")
    expect(page.get_by_text("Le rapport est publié ; ses chiffres sont figés.")).to_be_visible()
