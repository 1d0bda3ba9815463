"""The managers' observation pages: access, the form, the workflow, the evidence file."""

from __future__ import annotations

import html

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import Event
from impact import services
from impact.models import Observation, Status
from occupants import services as occupants_services
from tests.factories import SiteFactory, SpaceFactory
from tests.impact.observation_support import PDF_BYTES, make_observation
from tests.occupants.factories import StructureFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def form_data(**overrides) -> dict:
    return {
        "indicator": "solidarite",
        "valence": "positif",
        "intensity": "4",
        "effects": ["petits_services", "competences"],
        "publics": ["occupants", "habitants"],
        "occasions": ["vie_projet"],
        "frequency": "hebdomadaire",
        "narrative": "Les ateliers se prêtent leurs machines et montrent leurs gestes.",
        "keywords": "transmission des savoirs, entraide",
        "quote": "On ne se connaissait pas avant.",
        "quote_role": "occupante",
        "period_start": "2026-01-01",
        "period_end": "2026-06-30",
        "people_count": "30",
        "actions_count": "",
        "evidence": "entretien",
        "evidence_url": "",
    } | overrides


# --- Access ---------------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_the_login(client, cast):
    response = client.get(reverse("impact_manager:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_someone_who_manages_no_site_gets_404_on_the_index(client, cast):
    client.force_login(cast.uma)
    assert client.get(reverse("impact_manager:index")).status_code == 404


def test_index_lists_only_the_managed_sites_with_their_counts(client, cast):
    make_observation(cast.site_a)
    make_observation(cast.site_a, status=Status.PUBLISHED)
    make_observation(cast.site_b)
    client.force_login(cast.mara)
    response = client.get(reverse("impact_manager:index"))
    assert response.status_code == 200
    assert [site.name for site in response.context["sites"]] == ["Site A"]
    assert response.context["sites"][0].status_counts == [
        ("Brouillon", 1),
        ("Validée", 0),
        ("Publiée", 1),
    ]


def test_manager_of_other_site_gets_404_on_its_list_and_its_observation(client, cast):
    observation = make_observation(cast.site_b)
    client.force_login(cast.mara)
    assert client.get(reverse("impact_manager:observations", args=["site-b"])).status_code == 404
    edit = reverse("impact_manager:observation_edit", args=[observation.pk])
    assert client.get(edit).status_code == 404
    validate = reverse("impact_manager:observation_validate", args=[observation.pk])
    assert client.post(validate).status_code == 404
    observation.refresh_from_db()
    assert observation.status == Status.DRAFT


def test_operator_staff_manage_every_site_of_their_operator(client, cast):
    client.force_login(cast.olga)
    names = [s.name for s in client.get(reverse("impact_manager:index")).context["sites"]]
    assert names == ["Site A", "Site B"]


# --- The list -------------------------------------------------------------------------------


def test_list_groups_observations_by_level_in_the_frameworks_order(client, cast):
    make_observation(cast.site_a, indicator="cadre_vie", effects=["animation"])
    make_observation(cast.site_a, indicator="lien_social", effects=["rencontres"])
    make_observation(cast.site_a)
    client.force_login(cast.mara)
    response = client.get(reverse("impact_manager:observations", args=["site-a"]))
    assert [group["level"] for group in response.context["groups"]] == [
        "individuel",
        "collectif",
        "territorial",
    ]


def test_list_filters_by_status_and_level(client, cast):
    make_observation(cast.site_a, indicator="lien_social", effects=["rencontres"])
    published = make_observation(cast.site_a, status=Status.PUBLISHED)
    client.force_login(cast.mara)
    url = reverse("impact_manager:observations", args=["site-a"])
    response = client.get(url, {"statut": "publie", "niveau": "collectif"})
    rows = [o for group in response.context["groups"] for o in group["observations"]]
    assert rows == [published]


def test_junk_filter_is_ignored_with_a_french_message(client, cast):
    make_observation(cast.site_a)
    client.force_login(cast.mara)
    url = reverse("impact_manager:observations", args=["site-a"])
    response = client.get(url, {"statut": "n'importe quoi", "indicateur": "\u00b2"})
    assert response.status_code == 200
    assert "Certains filtres n'ont pas été compris" in text(response)
    assert sum(len(g["observations"]) for g in response.context["groups"]) == 1


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_list_and_index_query_counts_do_not_grow_with_the_rows(client, cast):
    client.force_login(cast.mara)
    make_observation(cast.site_a)
    list_url = reverse("impact_manager:observations", args=["site-a"])
    index_url = reverse("impact_manager:index")
    one = (_count_queries(client, list_url), _count_queries(client, index_url))
    for indicator, effect in (("lien_social", "rencontres"), ("cadre_vie", "animation")):
        for _ in range(5):
            make_observation(cast.site_a, indicator=indicator, effects=[effect])
    assert (_count_queries(client, list_url), _count_queries(client, index_url)) == one


# --- The form -------------------------------------------------------------------------------


def test_manager_records_a_draft_with_its_events_and_structures(client, cast):
    structure = StructureFactory(name="Atelier Bois")
    occupants_services.create_occupancy(
        structure=structure,
        site=cast.site_a,
        spaces=[SpaceFactory(site=cast.site_a)],
        start=cast.site_a.occupancy_start,
        end=cast.site_a.occupancy_end,
        status="signee",
    )
    event = Event.objects.create(
        site=cast.site_a, structure=structure, title="Repair café", slug="repair-cafe"
    )
    client.force_login(cast.mara)
    url = reverse("impact_manager:observation_create", args=["site-a"])
    response = client.post(
        url, form_data(events=[event.pk], structures=[structure.pk]), follow=False
    )
    assert response.status_code == 302, response.context["form"].errors
    observation = Observation.objects.get()
    assert observation.site == cast.site_a
    assert observation.status == Status.DRAFT
    assert observation.author == cast.mara
    assert observation.effects == ["petits_services", "competences"]
    assert list(observation.events.all()) == [event]
    assert list(observation.structures.all()) == [structure]


def test_form_offers_every_indicators_effects_grouped(client, cast):
    client.force_login(cast.mara)
    response = client.get(reverse("impact_manager:observation_create", args=["site-a"]))
    groups = response.context["form"].effect_groups()
    assert len(groups) == 12
    assert "<legend>Solidarité</legend>" in text(response)


def test_effects_of_another_indicator_are_refused_in_french(client, cast):
    client.force_login(cast.mara)
    url = reverse("impact_manager:observation_create", args=["site-a"])
    response = client.post(url, form_data(effects=["rencontres"]))
    assert response.status_code == 400
    assert "Ces types d'effets ne sont pas ceux de l'indicateur." in text(response)
    assert 'href="#id_effects_rencontres"' in text(response)
    assert 'id="id_effects_rencontres"' in text(response)
    assert not Observation.objects.exists()


def test_an_event_of_another_site_is_not_a_choice(client, cast):
    Event.objects.create(
        site=cast.site_a, structure=StructureFactory(), title="Fête A", slug="fete-a"
    )
    other = Event.objects.create(
        site=cast.site_b, structure=StructureFactory(), title="Fête B", slug="fete-b"
    )
    client.force_login(cast.mara)
    url = reverse("impact_manager:observation_create", args=["site-a"])
    response = client.post(url, form_data(events=[other.pk]))
    assert response.status_code == 400
    assert not Observation.objects.exists()


def test_period_ending_before_it_starts_is_refused(client, cast):
    client.force_login(cast.mara)
    url = reverse("impact_manager:observation_create", args=["site-a"])
    response = client.post(url, form_data(period_end="2025-01-01"))
    assert response.status_code == 400
    assert "La période finit après son début." in text(response)


def test_evidence_file_is_stored_privately_and_served_only_to_managers(client, cast, settings):
    client.force_login(cast.mara)
    url = reverse("impact_manager:observation_create", args=["site-a"])
    upload = SimpleUploadedFile("compte-rendu.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(url, form_data(evidence_file=upload))
    assert response.status_code == 302
    observation = Observation.objects.get()
    assert observation.evidence_file.name.startswith("impact/")
    assert "compte-rendu" not in observation.evidence_file.name
    evidence = reverse("impact_manager:observation_evidence", args=[observation.pk])
    download = client.get(evidence)
    assert download.status_code == 200
    assert download["Cache-Control"] == "private, no-store"
    assert b"".join(download.streaming_content) == PDF_BYTES
    edit = client.get(reverse("impact_manager:observation_edit", args=[observation.pk]))
    assert edit.status_code == 200
    assert edit.text.count(f'href="{evidence}"') == 2  # the facts and the file field
    client.force_login(cast.mike)
    assert client.get(evidence).status_code == 404


def test_evidence_file_of_another_type_is_refused(client, cast):
    client.force_login(cast.mara)
    url = reverse("impact_manager:observation_create", args=["site-a"])
    upload = SimpleUploadedFile("page.pdf", b"<html>not a pdf</html>", content_type="text/html")
    response = client.post(url, form_data(evidence_file=upload))
    assert response.status_code == 400
    assert "Format refusé" in text(response)
    assert not Observation.objects.exists()


def test_editing_keeps_the_observation_on_its_site_and_its_author(client, cast):
    observation = make_observation(cast.site_a, author=cast.olga)
    client.force_login(cast.mara)
    url = reverse("impact_manager:observation_edit", args=[observation.pk])
    response = client.post(url, form_data(narrative="Corrigé.", site=cast.site_b.pk))
    assert response.status_code == 302
    observation.refresh_from_db()
    assert observation.narrative == "Corrigé."
    assert observation.site == cast.site_a
    assert observation.author == cast.olga


# --- The workflow ---------------------------------------------------------------------------


def test_draft_is_validated_then_published_then_unpublished(client, cast):
    observation = make_observation(cast.site_a)
    client.force_login(cast.mara)
    for name, status in (
        ("observation_validate", Status.VALIDATED),
        ("observation_publish", Status.PUBLISHED),
        ("observation_unpublish", Status.VALIDATED),
    ):
        response = client.post(reverse(f"impact_manager:{name}", args=[observation.pk]))
        assert response.status_code == 302
        observation.refresh_from_db()
        assert observation.status == status


def test_a_draft_cannot_be_published_before_it_is_validated(client, cast):
    observation = make_observation(cast.site_a)
    client.force_login(cast.mara)
    response = client.post(
        reverse("impact_manager:observation_publish", args=[observation.pk]), follow=True
    )
    assert "Validez l'observation avant de la publier." in text(response)
    observation.refresh_from_db()
    assert observation.status == Status.DRAFT


def test_workflow_actions_refuse_a_get(client, cast):
    observation = make_observation(cast.site_a)
    client.force_login(cast.mara)
    url = reverse("impact_manager:observation_validate", args=[observation.pk])
    assert client.get(url).status_code == 405


def test_services_check_access_themselves(cast):
    observation = make_observation(cast.site_b)
    with pytest.raises(PermissionDenied):
        services.observation_validate(observation=observation, by=cast.mara)
    with pytest.raises(PermissionDenied):
        services.observation_delete(observation=observation, by=cast.uma)
    observation.refresh_from_db()
    assert observation.status == Status.DRAFT


def test_only_a_draft_is_deleted(client, cast):
    draft = make_observation(cast.site_a)
    validated = make_observation(cast.site_a, status=Status.VALIDATED)
    client.force_login(cast.mara)
    confirm = client.get(reverse("impact_manager:observation_delete", args=[draft.pk]))
    assert confirm.status_code == 200
    assert Observation.objects.filter(pk=draft.pk).exists()
    client.post(reverse("impact_manager:observation_delete", args=[draft.pk]))
    assert not Observation.objects.filter(pk=draft.pk).exists()
    with pytest.raises(ValidationError):
        services.observation_delete(observation=validated, by=cast.mara)
    response = client.post(
        reverse("impact_manager:observation_delete", args=[validated.pk]), follow=True
    )
    assert "Seule une observation en brouillon peut être supprimée." in text(response)
    assert Observation.objects.filter(pk=validated.pk).exists()


def test_published_observations_of_an_unpublished_site_stay_private(cast):
    hidden = SiteFactory(name="Site caché", published=False)
    make_observation(hidden, status=Status.PUBLISHED)
    shown = make_observation(cast.site_a, status=Status.PUBLISHED)
    assert list(Observation.objects.published()) == [shown]


def test_evidence_file_over_10_mb_is_refused(client, cast):
    client.force_login(cast.mara)
    url = reverse("impact_manager:observation_create", args=["site-a"])
    big = PDF_BYTES + b"0" * (10 * 1024 * 1024)
    upload = SimpleUploadedFile("gros.pdf", big, content_type="application/pdf")
    response = client.post(url, form_data(evidence_file=upload))
    assert response.status_code == 400
    assert "Le fichier dépasse 10 Mo." in text(response)
    assert not Observation.objects.exists()


def test_deleting_a_draft_removes_its_evidence_file(
    client, cast, django_capture_on_commit_callbacks
):
    observation = make_observation(cast.site_a)
    observation.evidence_file.save("preuve.pdf", ContentFile(PDF_BYTES))
    storage, name = observation.evidence_file.storage, observation.evidence_file.name
    assert storage.exists(name)
    client.force_login(cast.mara)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("impact_manager:observation_delete", args=[observation.pk]))
    assert not storage.exists(name)
