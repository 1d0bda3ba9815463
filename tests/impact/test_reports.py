"""Report services: who may write and publish, and what publishing freezes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from impact import reports
from impact.figures import site_figures
from impact.models import DeclaredFigure, ImpactReport
from tests.factories import UserFactory
from tests.impact.reports_support import PERIOD, draft, host_structure, managed_site

pytestmark = pytest.mark.django_db


def test_a_manager_creates_a_draft_with_a_slug_from_its_title():
    site, manager = managed_site()
    report = draft(site, manager)
    assert report.status == ImpactReport.Status.DRAFT
    assert report.slug == "rapport-du-premier-semestre"
    assert report.figures is None and report.published_at is None


def test_someone_who_does_not_manage_the_site_may_not_create_a_report():
    site, _manager = managed_site()
    _other_site, other_manager = managed_site()
    with pytest.raises(PermissionDenied):
        draft(site, other_manager)
    assert not ImpactReport.objects.exists()


def test_a_second_report_for_the_same_period_is_refused_with_a_french_message():
    site, manager = managed_site()
    draft(site, manager)
    with pytest.raises(ValidationError, match="déjà un rapport pour cette période"):
        draft(site, manager, title="Autre titre")


def test_a_period_ending_before_it_starts_is_refused():
    site, manager = managed_site()
    with pytest.raises(ValidationError):
        draft(site, manager, period_start=date(2026, 6, 1), period_end=date(2026, 1, 1))
    assert not ImpactReport.objects.exists()


def test_an_intensity_out_of_1_to_5_is_refused():
    site, manager = managed_site()
    with pytest.raises(ValidationError):
        draft(site, manager, intensity_territorial=6)


def test_publishing_freezes_the_figures_computed_for_the_period():
    site, manager = managed_site()
    host_structure(site)
    report = reports.report_publish(report=draft(site, manager), by=manager)
    report.refresh_from_db()
    assert report.status == ImpactReport.Status.PUBLISHED
    assert report.published_at is not None
    assert report.figures == site_figures(site, *PERIOD)
    assert report.figures["structures"]["count"] == 1


def test_the_frozen_figures_do_not_follow_later_changes():
    site, manager = managed_site()
    host_structure(site)
    report = reports.report_publish(report=draft(site, manager), by=manager)
    host_structure(site)
    report.refresh_from_db()
    assert report.figures["structures"]["count"] == 1
    assert site_figures(site, *PERIOD)["structures"]["count"] == 2


def test_publishing_freezes_the_fees_of_the_period_which_later_occupancies_leave_alone():
    site, manager = managed_site()
    host_structure(site)  # 8 €/m² on 25 m² over 2026: 200 € a month
    report = reports.report_publish(report=draft(site, manager), by=manager)
    host_structure(site)
    report.refresh_from_db()
    assert report.figures["version"] == 2
    assert report.figures["site"]["fees_total"] == 1200.0  # January to June
    assert site_figures(site, *PERIOD)["site"]["fees_total"] == 2400.0


def test_a_published_report_is_never_edited():
    site, manager = managed_site()
    report = reports.report_publish(report=draft(site, manager), by=manager)
    with pytest.raises(ValidationError, match="il ne change plus"):
        reports.report_update(report, by=manager, title="Nouveau titre")
    with pytest.raises(ValidationError, match="il ne change plus"):
        reports.report_publish(report=report, by=manager)
    with pytest.raises(ValidationError, match="il ne change plus"):
        reports.declared_figure_add(report, by=manager, label="x", value=1, source="y")
    report.refresh_from_db()
    assert report.title == "Rapport du premier semestre"


def test_only_the_sites_managers_publish():
    site, manager = managed_site()
    report = draft(site, manager)
    for outsider in (UserFactory(), managed_site()[1]):
        with pytest.raises(PermissionDenied):
            reports.report_publish(report=report, by=outsider)
    report.refresh_from_db()
    assert report.status == ImpactReport.Status.DRAFT and report.figures is None


def test_operator_staff_publish_the_reports_of_their_sites():
    site, manager = managed_site()
    staff = UserFactory()
    site.operator.staff.add(staff)
    report = reports.report_publish(report=draft(site, manager), by=staff)
    assert report.is_published


def test_declared_figures_are_added_edited_and_deleted_on_a_draft():
    site, manager = managed_site()
    report = draft(site, manager)
    figure = reports.declared_figure_add(
        report, by=manager, label="Venues à pied ou à vélo", value=76, unit="%", source="Enquête"
    )
    reports.declared_figure_edit(figure, by=manager, value=Decimal("77.5"))
    figure.refresh_from_db()
    assert figure.value == Decimal("77.5")
    reports.declared_figure_delete(figure, by=manager)
    assert not DeclaredFigure.objects.exists()


def test_a_declared_figure_needs_its_source():
    site, manager = managed_site()
    with pytest.raises(ValidationError):
        reports.declared_figure_add(draft(site, manager), by=manager, label="Bénévoles", value=12)
    assert not DeclaredFigure.objects.exists()


def test_another_sites_manager_may_not_touch_its_declared_figures():
    site, manager = managed_site()
    figure = reports.declared_figure_add(
        draft(site, manager), by=manager, label="Bénévoles", value=12, source="Comptage"
    )
    outsider = managed_site()[1]
    with pytest.raises(PermissionDenied):
        reports.declared_figure_edit(figure, by=outsider, value=1)
    with pytest.raises(PermissionDenied):
        reports.declared_figure_delete(figure, by=outsider)
    assert DeclaredFigure.objects.get().value == 12


def test_the_frozen_labels_are_french_whatever_the_publishers_language():
    from django.utils import translation

    site, manager = managed_site()
    host_structure(site, legal_form="cooperative")
    with translation.override("en"):
        report = reports.report_publish(report=draft(site, manager), by=manager)
    labels = [row["label"] for row in report.figures["structures"]["by_legal_form"]]
    assert labels == ["Coopérative (SCIC, SCOP)"]
