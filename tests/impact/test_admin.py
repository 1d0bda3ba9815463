"""The impact admin: scoped to the manager's sites, the workflow through impact.services, the
frozen figures read only."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.files.base import ContentFile
from django.urls import reverse

from impact.models import DeclaredFigure, ImpactReport, QuestionnaireResponse, Status
from tests.impact.observation_support import PDF_BYTES, make_observation, open_questionnaire

pytestmark = pytest.mark.django_db

OBSERVATIONS = reverse("admin:impact_observation_changelist")
REPORTS = reverse("admin:impact_impactreport_changelist")


def make_report(site, **fields) -> ImpactReport:
    return ImpactReport.objects.create(
        site=site,
        slug=f"bilan-{site.slug}",
        title=f"Bilan {site.name}",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 6, 30),
        **fields,
    )


def test_a_manager_sees_only_the_observations_reports_and_answers_of_their_sites(client, cast):
    mine, theirs = make_observation(cast.site_a), make_observation(cast.site_b)
    report_a, report_b = make_report(cast.site_a), make_report(cast.site_b)
    answer_a = QuestionnaireResponse.objects.create(questionnaire=open_questionnaire(cast.site_a))
    QuestionnaireResponse.objects.create(questionnaire=open_questionnaire(cast.site_b))
    client.force_login(cast.mara)
    assert list(client.get(OBSERVATIONS).context["cl"].result_list) == [mine]
    assert list(client.get(REPORTS).context["cl"].result_list) == [report_a]
    answers = client.get(reverse("admin:impact_questionnaireresponse_changelist"))
    assert list(answers.context["cl"].result_list) == [answer_a]
    for url in (
        reverse("admin:impact_observation_change", args=[theirs.pk]),
        reverse("admin:impact_impactreport_change", args=[report_b.pk]),
    ):
        assert client.get(url).status_code == 302


def test_the_superuser_sees_every_site(client, cast):
    make_observation(cast.site_a), make_observation(cast.site_c)
    client.force_login(cast.alice)
    assert len(client.get(OBSERVATIONS).context["cl"].result_list) == 2


def test_site_choices_are_limited_to_the_managed_sites(client, cast):
    client.force_login(cast.mara)
    for name in ("observation", "impactreport", "questionnaire"):
        form = client.get(reverse(f"admin:impact_{name}_add")).context["adminform"].form
        assert list(form.fields["site"].queryset) == [cast.site_a]


def test_a_manager_validates_from_the_list_through_the_service(client, cast):
    mine, theirs = make_observation(cast.site_a), make_observation(cast.site_b)
    client.force_login(cast.mara)
    client.post(
        OBSERVATIONS, {"action": "validate_selected", ACTION_CHECKBOX_NAME: [mine.pk, theirs.pk]}
    )
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.status, theirs.status) == (Status.VALIDATED, Status.DRAFT)


def test_publishing_a_draft_from_the_list_is_refused(client, cast):
    draft = make_observation(cast.site_a)
    client.force_login(cast.mara)
    response = client.post(
        OBSERVATIONS, {"action": "publish_selected", ACTION_CHECKBOX_NAME: [draft.pk]}, follow=True
    )
    assert "Validez l" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_the_evidence_file_is_a_link_to_the_checked_view(client, cast):
    observation = make_observation(cast.site_a)
    observation.evidence_file.save("preuve.pdf", ContentFile(PDF_BYTES))
    client.force_login(cast.mara)
    page = client.get(reverse("admin:impact_observation_change", args=[observation.pk]))
    assert page.status_code == 200
    assert reverse("impact_manager:observation_evidence", args=[observation.pk]) in page.text
    assert "evidence_file" not in page.context["adminform"].form.fields


def test_report_figures_and_status_are_read_only_and_figures_declared_inline(client, cast):
    report = make_report(cast.site_a, status="publie", figures={"structures": 12})
    DeclaredFigure.objects.create(
        report=report, label="Mobilité douce", value=76, unit="%", source="Enquête"
    )
    client.force_login(cast.mara)
    page = client.get(reverse("admin:impact_impactreport_change", args=[report.pk]))
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert "figures" not in form.fields
    assert "status" not in form.fields
    assert "&quot;structures&quot;: 12" in page.text
    assert "Mobilité douce" in page.text


def test_questionnaire_answers_are_never_added_or_changed_in_the_admin(client, cast):
    answer = QuestionnaireResponse.objects.create(questionnaire=open_questionnaire(cast.site_a))
    client.force_login(cast.mara)
    assert client.get(reverse("admin:impact_questionnaireresponse_add")).status_code == 403
    change = reverse("admin:impact_questionnaireresponse_change", args=[answer.pk])
    page = client.get(change)
    assert page.status_code == 200
    assert not page.context["has_change_permission"]


def test_an_event_of_another_site_is_refused_in_the_admin(client, cast):
    from events.models import Event
    from tests.occupants.factories import StructureFactory

    observation = make_observation(cast.site_a)
    other = Event.objects.create(
        site=cast.site_b, structure=StructureFactory(), title="Fête B", slug="fete-b"
    )
    client.force_login(cast.olga)  # operator staff of sites A and B: both events are choices
    url = reverse("admin:impact_observation_change", args=[observation.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in ("events", "structures")
    }
    data |= {
        "site": cast.site_a.pk,
        "effects": ["petits_services"],
        "publics": ["occupants"],
        "events": [other.pk],
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Ces événements ne sont pas ceux de ce lieu." in response.content.decode()
    assert not observation.events.exists()
    mine = Event.objects.create(
        site=cast.site_a, structure=StructureFactory(), title="Fête A", slug="fete-a"
    )
    response = client.post(url, data | {"events": [mine.pk], "effects": ["biens"]})
    assert response.status_code == 302
    observation.refresh_from_db()
    assert list(observation.events.all()) == [mine]
    assert observation.effects == ["biens"]
