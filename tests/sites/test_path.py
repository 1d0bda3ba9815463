"""The project path: templates copied into a site's path, the status check, the pages and who
may open them, private documents, the history and the admin.

The cast (tests/conftest.py): olga is staff of Coop A, which runs sites A and B; mara manages
site A only, mike site B only; oscar is staff of Coop B (site C); uma has no role.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sites.models import PathChange, PathTemplate, Site, Stage, Step
from sites.path import services
from tests.factories import SiteFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
OPEN_REQUIRED = {
    "Diagnostic de sécurité : catégorie ERP et effectif admissible",
    "Diagnostic d'accessibilité",
    "Signer la convention d'occupation temporaire",
    "Souscrire l'assurance",
    "Recevoir les clés et faire l'état des lieux d'entrée",
}


def default_template() -> PathTemplate:
    return PathTemplate.objects.get(kind=PathTemplate.Kind.DEFAULT, operator__isnull=True)


def preparing(cast) -> Site:
    """Site A in preparation, its path from the default template, identification done."""
    site = cast.site_a
    Site.objects.filter(pk=site.pk).update(status=Site.Status.PREPARATION)
    site.refresh_from_db()
    services.path_apply_template(site=site, template=default_template(), by=cast.olga)
    Step.objects.filter(stage__path__site=site, required_for=Site.Status.PREPARATION).update(
        done_date=timezone.localdate()
    )
    return site


def step_named(site: Site, title: str) -> Step:
    return Step.objects.get(stage__path__site=site, title=title)


# --- Templates and the status check -----------------------------------------------------------


def test_the_two_shared_templates_hold_the_stages_of_the_issue():
    default = default_template()
    public = PathTemplate.objects.get(kind=PathTemplate.Kind.PUBLIC_SERVICE)
    assert list(default.stages.values_list("title", flat=True)) == [
        "Identification",
        "Visite",
        "Diagnostics",
        "Convention",
        "Clés et aménagement",
        "Appel à candidatures",
        "Ouverture",
        "Évaluation",
        "Fermeture",
    ]
    assert public.stages.filter(title="Prototype").exists()


def test_applying_a_template_copies_its_stages_and_steps_and_is_logged(cast):
    site = preparing(cast)
    assert Stage.objects.filter(path__site=site).count() == 9
    template_steps = default_template().stages.values_list("steps__title", flat=True)
    assert set(Step.objects.filter(stage__path__site=site).values_list("title", flat=True)) == set(
        template_steps
    )
    assert site.path.changes.filter(action=PathChange.Action.TEMPLATE_APPLIED).exists()


def test_a_template_is_not_applied_over_an_existing_path(cast):
    site = preparing(cast)
    with pytest.raises(ValidationError):
        services.path_apply_template(site=site, template=default_template(), by=cast.olga)
    assert Stage.objects.filter(path__site=site).count() == 9


def test_opening_is_refused_with_the_missing_steps_listed_in_french(cast):
    site = preparing(cast)
    with pytest.raises(ValidationError) as refusal:
        services.site_change_status(site=site, status=Site.Status.OPEN, by=cast.mara)
    message = refusal.value.message_dict["status"][0]
    assert message.startswith("Le lieu ne peut pas passer au statut « Ouvert » : il reste à faire")
    for title in OPEN_REQUIRED:
        assert title in message
    site.refresh_from_db()
    assert site.status == Site.Status.PREPARATION
    assert not site.path.changes.filter(action=PathChange.Action.STATUS_CHANGED).exists()


def test_opening_is_accepted_once_the_required_steps_are_done_and_is_logged(cast):
    site = preparing(cast)
    Step.objects.filter(stage__path__site=site, title__in=OPEN_REQUIRED).update(
        done_date=timezone.localdate()
    )
    services.site_change_status(site=site, status=Site.Status.OPEN, by=cast.mara)
    site.refresh_from_db()
    assert site.status == Site.Status.OPEN
    change = site.path.changes.get(action=PathChange.Action.STATUS_CHANGED)
    assert (change.by, change.before, change.after) == (cast.mara, "preparation", "ouvert")


def test_a_step_added_by_hand_can_be_required_too(cast):
    site = preparing(cast)
    Step.objects.filter(stage__path__site=site, title__in=OPEN_REQUIRED).update(
        done_date=timezone.localdate()
    )
    stage = Stage.objects.get(path__site=site, title="Ouverture")
    services.step_create(
        stage=stage,
        by=cast.mara,
        title="Visite de la commission de sécurité",
        required_for="ouvert",
    )
    with pytest.raises(ValidationError, match="commission de sécurité"):
        services.site_change_status(site=site, status=Site.Status.OPEN, by=cast.mara)


def test_a_manager_of_another_site_may_not_change_the_status(cast):
    site = preparing(cast)
    with pytest.raises(PermissionDenied):
        services.site_change_status(site=site, status=Site.Status.SCOUTING, by=cast.mike)


def test_the_responsible_must_be_on_the_sites_team(cast):
    site = preparing(cast)
    step = step_named(site, "Souscrire l'assurance")
    with pytest.raises(ValidationError):
        services.step_update(step=step, by=cast.mara, responsible=cast.oscar)
    services.step_update(step=step, by=cast.mara, responsible=cast.olga)
    step.refresh_from_db()
    assert step.responsible == cast.olga


# --- The admin goes through the same check ---------------------------------------------------


def admin_site_data(site: Site, **changes) -> dict:
    data = {
        "name": site.name,
        "slug": site.slug,
        "status": site.status,
        "published": "on",
        "owner": site.owner_id,
        "operator": site.operator_id,
        "address": site.address,
        "postal_code": site.postal_code,
        "commune": site.commune,
        "departement": site.departement,
        "latitude": str(site.latitude),
        "longitude": str(site.longitude),
        "total_surface": str(site.total_surface),
    }
    for prefix in ("fundings", "photos"):
        data |= {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    return data | changes


def test_the_admin_refuses_opening_with_what_is_missing(client, cast):
    site = preparing(cast)
    client.force_login(cast.olga)
    url = reverse("admin:sites_site_change", args=[site.pk])
    response = client.post(url, admin_site_data(site, status="ouvert"))
    assert response.status_code == 200
    assert "Souscrire l&#x27;assurance" in response.content.decode()
    site.refresh_from_db()
    assert site.status == Site.Status.PREPARATION


def test_the_admin_change_of_status_is_logged_in_the_path_history(client, cast):
    site = preparing(cast)
    Step.objects.filter(stage__path__site=site, title__in=OPEN_REQUIRED).update(
        done_date=timezone.localdate()
    )
    client.force_login(cast.olga)
    url = reverse("admin:sites_site_change", args=[site.pk])
    response = client.post(url, admin_site_data(site, status="ouvert"))
    assert response.status_code == 302
    site.refresh_from_db()
    assert site.status == Site.Status.OPEN
    assert site.path.changes.filter(by=cast.olga, after="ouvert").exists()


# --- Pages ------------------------------------------------------------------------------------


def test_the_timeline_shows_done_late_and_next_steps(client, cast):
    site = preparing(cast)
    late = step_named(site, "Visiter le bâtiment avec le propriétaire")
    late.due_date = timezone.localdate() - timedelta(days=3)
    late.save()
    client.force_login(cast.mara)
    page = client.get(reverse("path:timeline", args=[site.slug])).content.decode()
    assert "Fait" in page and "En retard" in page and "Prochaine étape" in page
    assert "Avant de passer au statut « Ouvert », il reste à faire" in page


@pytest.mark.parametrize("user", ["mike", "oscar", "uma"])
def test_another_tenants_site_stage_and_step_answer_404(client, cast, user):
    site = preparing(cast)
    step = Step.objects.filter(stage__path__site=site).first()
    client.force_login(getattr(cast, user))
    for url in (
        reverse("path:timeline", args=[site.slug]),
        reverse("path:history", args=[site.slug]),
        reverse("path:status", args=[site.slug]),
        reverse("path:stage_edit", args=[step.stage_id]),
        reverse("path:step_edit", args=[step.pk]),
        reverse("path:step_document", args=[step.pk]),
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(reverse("path:step_delete", args=[step.pk]))
    assert response.status_code == 404
    assert Step.objects.filter(pk=step.pk).exists()


def test_the_status_page_refuses_with_the_missing_steps(client, cast):
    site = preparing(cast)
    client.force_login(cast.mara)
    response = client.post(reverse("path:status", args=[site.slug]), {"status": "ouvert"})
    assert response.status_code == 200
    assert "Souscrire l&#x27;assurance" in response.content.decode()
    site.refresh_from_db()
    assert site.status == Site.Status.PREPARATION


def test_a_step_is_edited_with_a_private_document_served_only_to_the_team(client, cast):
    site = preparing(cast)
    step = step_named(site, "Souscrire l'assurance")
    client.force_login(cast.mara)
    response = client.post(
        reverse("path:step_edit", args=[step.pk]),
        {
            "title": step.title,
            "responsible": cast.mara.pk,
            "due_date": "",
            "done_date": timezone.localdate().isoformat(),
            "required_for": "ouvert",
            "notes": "Attestation reçue.",
            "document": SimpleUploadedFile("attestation.pdf", PDF, "application/pdf"),
        },
    )
    assert response.status_code == 302
    step.refresh_from_db()
    assert step.done_date == timezone.localdate()
    assert step.document_name == "attestation.pdf"
    assert step.document.name.startswith("path/") and "attestation" not in step.document.name
    with pytest.raises(ValueError):
        step.document.url  # noqa: B018  (a private file has no public URL)
    download = client.get(reverse("path:step_document", args=[step.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Cache-Control"] == "private, no-store"
    change = site.path.changes.get(action=PathChange.Action.STEP_CHANGED)
    assert set(change.fields) == {"responsible", "done_date", "notes", "document"}
    client.force_login(cast.mike)
    assert client.get(reverse("path:step_document", args=[step.pk])).status_code == 404


def test_a_document_that_is_not_a_pdf_or_an_image_is_refused(client, cast):
    site = preparing(cast)
    step = step_named(site, "Souscrire l'assurance")
    client.force_login(cast.mara)
    response = client.post(
        reverse("path:step_edit", args=[step.pk]),
        {
            "title": step.title,
            "required_for": "ouvert",
            "document": SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"),
        },
    )
    assert response.status_code == 200
    assert "Format refusé" in response.content.decode()
    step.refresh_from_db()
    assert not step.document


def test_steps_and_stages_are_added_moved_and_removed(client, cast):
    site = preparing(cast)
    client.force_login(cast.olga)
    stage = Stage.objects.get(path__site=site, title="Visite")
    client.post(reverse("path:step_add", args=[stage.pk]), {"title": "Photographier"})
    titles = list(stage.steps.values_list("title", flat=True))
    assert titles[-1] == "Photographier"
    added = stage.steps.get(title="Photographier")
    client.post(reverse("path:step_move", args=[added.pk]), {"direction": "up"})
    assert list(stage.steps.values_list("title", flat=True))[-2] == "Photographier"
    client.post(reverse("path:stage_move", args=[stage.pk]), {"direction": "up"})
    assert list(Stage.objects.filter(path__site=site).values_list("title", flat=True))[:2] == [
        "Visite",
        "Identification",
    ]
    client.post(reverse("path:step_delete", args=[added.pk]))
    assert not stage.steps.filter(title="Photographier").exists()
    client.post(reverse("path:stage_delete", args=[stage.pk]))
    assert not Stage.objects.filter(pk=stage.pk).exists()
    actions = set(site.path.changes.values_list("action", flat=True))
    assert {"etape_ajout", "etape_ordre", "phase_ordre", "etape_suppr", "phase_suppr"} <= actions
    page = client.get(reverse("path:history", args=[site.slug])).content.decode()
    assert "Étape supprimée" in page and "Photographier" in page


def test_a_bad_direction_changes_nothing(client, cast):
    site = preparing(cast)
    stage = Stage.objects.get(path__site=site, title="Visite")
    client.force_login(cast.olga)
    response = client.post(reverse("path:stage_move", args=[stage.pk]), {"direction": "sideways"})
    assert response.status_code == 302
    assert Stage.objects.get(pk=stage.pk).position == stage.position


# --- Query counts ------------------------------------------------------------------------------


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_portfolio_costs_the_same_queries_for_one_site_or_many(client, cast):
    client.force_login(cast.oscar)
    one = queries(client, reverse("path:portfolio"))
    for n in range(5):
        site = SiteFactory(name=f"Autre {n}", operator=cast.coop_b)
        services.path_apply_template(site=site, template=default_template(), by=cast.oscar)
    assert queries(client, reverse("path:portfolio")) == one


def test_the_timeline_costs_the_same_queries_for_few_or_many_steps(client, cast):
    site = preparing(cast)
    client.force_login(cast.mara)
    url = reverse("path:timeline", args=[site.slug])
    before = queries(client, url)
    stage = Stage.objects.get(path__site=site, title="Visite")
    for n in range(5):
        services.step_create(stage=stage, by=cast.mara, title=f"Étape {n}", responsible=cast.mara)
    assert queries(client, url) == before


def test_the_portfolio_counts_late_steps_and_names_the_current_stage(client, cast):
    site = preparing(cast)
    Step.objects.filter(stage__path__site=site, stage__title="Visite").update(
        due_date=timezone.localdate() - timedelta(days=1)
    )
    client.force_login(cast.olga)
    response = client.get(reverse("path:portfolio"))
    row = next(s for s in response.context["sites"] if s.pk == site.pk)
    assert row.late_count == 2
    assert row.current_stage == "Identification"


def test_the_portfolio_is_404_for_someone_who_manages_no_site(client, cast):
    client.force_login(cast.uma)
    assert client.get(reverse("path:portfolio")).status_code == 404


# --- Bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("responsible", "oscar", "Sélectionnez un choix valide"),
        ("responsible", "99999999999999999999", "Sélectionnez un choix valide"),
        ("done_date", "tomorrow", "Une étape ne peut pas être faite à une date future."),
        ("due_date", "31/02/2026", "Saisissez une date valide."),
        ("required_for", "ouvre-toi", "Sélectionnez un choix valide"),
    ],
)
def test_a_tampered_step_form_is_refused_in_french_and_changes_nothing(
    client, cast, field, value, error
):
    site = preparing(cast)
    step = step_named(site, "Souscrire l'assurance")
    if value == "oscar":
        value = cast.oscar.pk
    elif value == "tomorrow":
        value = (timezone.localdate() + timedelta(days=1)).isoformat()
    client.force_login(cast.mara)
    data = {"title": "Changé", "required_for": "ouvert", field: value}
    response = client.post(reverse("path:step_edit", args=[step.pk]), data)
    assert response.status_code == 200
    assert error in response.content.decode()
    step.refresh_from_db()
    assert step.title == "Souscrire l'assurance"
    assert not site.path.changes.filter(action=PathChange.Action.STEP_CHANGED).exists()


def test_a_template_of_another_operator_cannot_be_applied(client, cast):
    other = PathTemplate.objects.create(operator=cast.coop_b, name="Modèle de Coop B")
    client.force_login(cast.mara)
    response = client.post(
        reverse("path:apply_template", args=[cast.site_a.slug]), {"template": other.pk}
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not Stage.objects.filter(path__site=cast.site_a).exists()


def test_a_status_outside_the_list_is_refused(client, cast):
    site = preparing(cast)
    client.force_login(cast.mara)
    response = client.post(reverse("path:status", args=[site.slug]), {"status": "ouvert!"})
    assert response.status_code == 200
    site.refresh_from_db()
    assert site.status == Site.Status.PREPARATION


def test_a_step_with_a_document_keeps_it_when_edited_and_loses_it_when_asked(client, cast):
    site = preparing(cast)
    step = step_named(site, "Souscrire l'assurance")
    services.step_update(
        step=step,
        by=cast.mara,
        document=SimpleUploadedFile("attestation.pdf", PDF, "application/pdf"),
    )
    stored = step.document.name
    client.force_login(cast.mara)
    url = reverse("path:step_edit", args=[step.pk])
    response = client.post(url, {"title": step.title, "required_for": "ouvert", "notes": "Vu."})
    assert response.status_code == 302
    step.refresh_from_db()
    assert (step.notes, step.document.name) == ("Vu.", stored)
    response = client.post(
        url,
        {"title": step.title, "required_for": "ouvert", "notes": "Vu.", "remove_document": "on"},
    )
    assert response.status_code == 302
    step.refresh_from_db()
    assert not step.document and step.document_name == ""


def test_a_step_whose_stored_document_is_gone_can_still_be_edited(client, cast):
    site = preparing(cast)
    step = step_named(site, "Souscrire l'assurance")
    services.step_update(
        step=step,
        by=cast.mara,
        document=SimpleUploadedFile("attestation.pdf", PDF, "application/pdf"),
    )
    step.document.storage.delete(step.document.name)
    client.force_login(cast.mara)
    response = client.post(
        reverse("path:step_edit", args=[step.pk]),
        {"title": step.title, "required_for": "ouvert", "notes": "Refaite."},
    )
    assert response.status_code == 302
    assert client.get(reverse("path:step_document", args=[step.pk])).status_code == 404
