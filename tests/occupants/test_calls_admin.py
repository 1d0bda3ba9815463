"""Managers' review in the admin: scoping, bulk decisions, exports, acceptance."""

import csv
import html
import io
import zipfile
from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from occupants.calls import services as calls_services
from occupants.models import (
    Application,
    Call,
    Lot,
    Occupancy,
    Structure,
    StructureMember,
)
from sites.models import Space
from tests.factories import SpaceFactory, UserFactory
from tests.occupants.calls_support import attach, make_application, make_call, submitted
from tests.occupants.factories import StructureFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def board(cast):
    """Calls on site A (mara) and site C (oscar), with submitted applications and a draft."""
    call_a = make_call(cast.site_a, title="Appel A", slug="appel-a")
    call_c = make_call(cast.site_c, title="Appel C", slug="appel-c")
    camille = UserFactory(email="camille@example.org")
    dora = UserFactory(email="dora@example.org")
    app_a = submitted(call_a, camille, structure_name="Atelier Vélo")
    attach(app_a, "statuts")
    app_a2 = submitted(call_a, dora, structure_name="=Formule dangereuse")
    draft_a = make_application(call_a, UserFactory(), structure_name="Brouillon secret")
    app_c = submitted(call_c, camille, structure_name="Collectif C")
    cast.__dict__.update(
        call_a=call_a,
        call_c=call_c,
        camille=camille,
        dora=dora,
        app_a=app_a,
        app_a2=app_a2,
        draft_a=draft_a,
        app_c=app_c,
    )
    return cast


# --- Scoping ----------------------------------------------------------------------------------


def test_manager_sees_only_their_sites_calls_and_submitted_applications(client, board):
    client.force_login(board.mara)
    calls = text(client.get(reverse("admin:occupants_call_changelist")))
    assert "Appel A" in calls and "Appel C" not in calls
    apps = text(client.get(reverse("admin:occupants_application_changelist")))
    assert "Atelier Vélo" in apps
    assert "Collectif C" not in apps
    assert "Brouillon secret" not in apps


def test_manager_of_other_site_cannot_open_or_export(client, board):
    client.force_login(board.oscar)
    change = reverse("admin:occupants_application_change", args=[board.app_a.pk])
    assert client.get(change).status_code == 302  # the admin's "does not exist" redirect
    for name, pk in [
        ("admin:occupants_application_accept", board.app_a.pk),
        ("admin:occupants_call_csv", board.call_a.pk),
        ("admin:occupants_call_zip", board.call_a.pk),
    ]:
        assert client.get(reverse(name, args=[pk])).status_code == 404
    doc = board.app_a.documents.get()
    url = reverse("admin:occupants_application_document", args=[board.app_a.pk, doc.pk])
    assert client.get(url).status_code == 404


def test_candidate_has_no_admin_access(client, board):
    client.force_login(board.camille)
    response = client.get(reverse("admin:occupants_application_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_lot_space_choices_are_limited_to_the_calls_site(client, board):
    SpaceFactory(site=board.site_a, name="Atelier du site A")
    SpaceFactory(site=board.site_b, name="Bureau du site B")
    client.force_login(board.olga)  # manages sites A and B
    page = text(client.get(reverse("admin:occupants_call_change", args=[board.call_a.pk])))
    assert "Atelier du site A" in page
    assert "Bureau du site B" not in page


def test_lot_of_another_site_is_refused_in_the_admin(client, board):
    foreign = SpaceFactory(site=board.site_b, name="Bureau B")
    client.force_login(board.olga)
    add = reverse("admin:occupants_call_add")
    data = {
        "site": board.site_a.pk,
        "title": "Nouvel appel",
        "slug": "nouvel-appel",
        "description": "",
        "opens_at_0": "2026-01-01",
        "opens_at_1": "09:00",
        "closes_at_0": "2026-02-01",
        "closes_at_1": "18:00",
        "status": "brouillon",
        "lots-TOTAL_FORMS": "1",
        "lots-INITIAL_FORMS": "0",
        "lots-0-name": "Lot B",
        "lots-0-space": foreign.pk,
        "lots-0-kind": "bureau",
        "lots-0-surface_min": "10",
        "lots-0-surface_max": "20",
        "lots-0-position": "0",
        "visits-TOTAL_FORMS": "0",
        "visits-INITIAL_FORMS": "0",
    }
    response = client.post(add, data)
    assert response.status_code == 200
    assert "Cet espace n'appartient pas au lieu de l'appel." in text(response)
    assert not Call.objects.filter(slug="nouvel-appel").exists()
    assert not Lot.objects.filter(name="Lot B").exists()


def test_an_application_opens_the_application_to_the_manager_not_the_structure(board):
    structure = StructureFactory(name="Candidate existante")
    board.app_a.structure = structure
    board.app_a.save()
    assert board.app_a in Application.objects.managed_by(board.mara)
    assert board.app_a not in Application.objects.managed_by(board.oscar)
    assert structure not in Structure.objects.visible_to_manager(board.mara)
    assert structure not in Structure.objects.administered_by(board.mara)


# --- Bulk decisions -------------------------------------------------------------------------


def test_bulk_refusal_emails_each_candidate_once_after_commit(
    client, board, django_capture_on_commit_callbacks
):
    client.force_login(board.mara)
    url = reverse("admin:occupants_application_changelist")
    ids = [board.app_a.pk, board.app_a2.pk, board.app_c.pk, board.draft_a.pk]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(url, {"action": "mark_refused", "_selected_action": ids, "post": "yes"})
    assert not mail.outbox
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mail.outbox) == ["camille@example.org", "dora@example.org"]
    assert all("Refusée" in m.subject for m in mail.outbox)
    statuses = dict(Application.objects.values_list("pk", "status"))
    assert statuses[board.app_a.pk] == statuses[board.app_a2.pk] == "refusee"
    assert statuses[board.app_c.pk] == "soumise"  # another site's, out of reach
    assert statuses[board.draft_a.pk] == "brouillon"
    # Same action again: nothing changes, nobody is e-mailed twice.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "mark_refused", "_selected_action": ids, "post": "yes"})
    assert len(mail.outbox) == 2


def test_bulk_refusal_first_shows_what_will_be_refused_and_changes_nothing(
    client, board, django_capture_on_commit_callbacks
):
    client.force_login(board.mara)
    url = reverse("admin:occupants_application_changelist")
    ids = [board.app_a.pk, board.app_c.pk, board.draft_a.pk]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "mark_refused", "_selected_action": ids})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Confirmer le refus" in page
    assert board.app_a.display_structure_name in page
    # The confirmation posts back the applications in reach only, with post=yes.
    assert f'name="_selected_action" value="{board.app_a.pk}"' in page
    assert f'value="{board.app_c.pk}"' not in page
    assert 'name="post" value="yes"' in page
    assert not mail.outbox
    statuses = dict(Application.objects.values_list("pk", "status"))
    assert statuses[board.app_a.pk] == "soumise"


def test_bulk_status_refuses_retenue(board):
    with pytest.raises(ValidationError):
        calls_services.applications_change_status(
            applications=Application.objects.all(), status=Application.Status.ACCEPTED
        )


# --- Exports --------------------------------------------------------------------------------


def test_csv_export_lists_the_calls_applications_safely(client, board):
    client.force_login(board.mara)
    response = client.get(reverse("admin:occupants_call_csv", args=[board.call_a.pk]))
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert rows[0][0] == "N°"
    names = {row[5] for row in rows[1:]}
    assert names == {"Atelier Vélo", "'=Formule dangereuse"}  # no formula, no draft


def test_csv_action_on_selected_rows(client, board):
    client.force_login(board.mara)
    response = client.post(
        reverse("admin:occupants_application_changelist"),
        {"action": "export_csv", "_selected_action": [board.app_a.pk]},
    )
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Atelier Vélo" in content and "Formule" not in content


def test_zip_holds_the_csv_and_each_applications_documents(client, board):
    client.force_login(board.mara)
    response = client.get(reverse("admin:occupants_call_zip", args=[board.call_a.pk]))
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    assert "candidatures.csv" in names
    folder = f"{board.app_a.pk:05d}-atelier-velo"
    assert f"{folder}/candidature.txt" in names
    sheet = archive.read(f"{folder}/candidature.txt").decode()
    assert "Structure : Atelier Vélo" in sheet and "Compte candidat : camille@example.org" in sheet
    assert f"{folder}/statuts-statuts.pdf" in names
    assert archive.read(f"{folder}/statuts-statuts.pdf").startswith(b"%PDF-")
    assert not any("brouillon" in n for n in names)


# --- Acceptance -----------------------------------------------------------------------------


def test_accepting_creates_structure_member_and_occupancy(
    board, django_capture_on_commit_callbacks
):
    space = board.call_a.lots.get().space
    with django_capture_on_commit_callbacks(execute=True):
        occupancy = calls_services.application_accept(
            application=board.app_a,
            spaces=[space],
            start=date(2026, 1, 1),
            end=date(2026, 12, 31),
            fee_amount="8.50",
        )
    board.app_a.refresh_from_db()
    structure = board.app_a.structure
    assert structure.name == "Atelier Vélo"
    assert board.app_a.status == Application.Status.ACCEPTED
    assert board.app_a.occupancy == occupancy
    assert occupancy.structure == structure and list(occupancy.spaces.all()) == [space]
    member = StructureMember.objects.get(structure=structure, user=board.camille)
    assert member.role == StructureMember.Role.LEAD
    assert [m.to for m in mail.outbox] == [["camille@example.org"]]


def test_accepting_over_an_occupied_space_saves_nothing(board):
    space = board.call_a.lots.get().space
    calls_services.application_accept(
        application=board.app_a, spaces=[space], start=date(2026, 1, 1), end=date(2026, 12, 31)
    )
    structures, occupancies = Structure.objects.count(), Occupancy.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        calls_services.application_accept(
            application=board.app_a2,
            spaces=[space],
            start=date(2026, 6, 1),
            end=date(2027, 1, 31),
        )
    assert "déjà attribué" in " ".join(excinfo.value.messages)
    assert Structure.objects.count() == structures
    assert Occupancy.objects.count() == occupancies
    board.app_a2.refresh_from_db()
    assert board.app_a2.status == Application.Status.SUBMITTED
    assert board.app_a2.structure is None
    assert not StructureMember.objects.filter(user=board.dora).exists()


def test_accept_in_admin_with_overlap_shows_a_message_and_saves_nothing(client, board):
    space = board.call_a.lots.get().space
    calls_services.application_accept(
        application=board.app_a, spaces=[space], start=date(2026, 1, 1), end=date(2026, 12, 31)
    )
    client.force_login(board.mara)
    url = reverse("admin:occupants_application_accept", args=[board.app_a2.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "spaces": [space.pk],
            "start": "2026-03-01",
            "end": "2026-09-30",
            "fee_basis": "m2_mois",
            "fee_amount": "8",
            "charges": "0",
            "occupancy_status": "projet",
        },
    )
    assert response.status_code == 200
    assert "déjà attribué" in text(response)
    assert Occupancy.objects.count() == 1
    board.app_a2.refresh_from_db()
    assert board.app_a2.status == Application.Status.SUBMITTED


def test_accept_in_admin_refuses_a_space_of_another_site(client, board):
    other = SpaceFactory(site=board.site_c, name="Bureau C")
    client.force_login(board.mara)
    url = reverse("admin:occupants_application_accept", args=[board.app_a.pk])
    response = client.post(
        url,
        {
            "spaces": [other.pk],
            "start": "2026-03-01",
            "end": "2026-09-30",
            "fee_basis": "m2_mois",
            "fee_amount": "8",
            "charges": "0",
            "occupancy_status": "projet",
        },
    )
    assert response.status_code == 200
    assert "Cet espace n'appartient pas au lieu de l'appel." in text(response)
    assert not Occupancy.objects.exists()


def test_accept_in_admin_links_an_existing_structure(client, board):
    existing = StructureFactory(name="Déjà là")
    board.app_a.structure = existing
    board.app_a.save()
    space = board.call_a.lots.get().space
    client.force_login(board.mara)
    response = client.post(
        reverse("admin:occupants_application_accept", args=[board.app_a.pk]),
        {
            "spaces": [space.pk],
            "start": "2026-03-01",
            "end": "2026-09-30",
            "fee_basis": "m2_mois",
            "fee_amount": "8",
            "charges": "0",
            "occupancy_status": "signee",
        },
    )
    assert response.status_code == 302
    assert Occupancy.objects.get().structure == existing
    assert Structure.objects.filter(name="Déjà là").count() == 1
    assert StructureMember.objects.get(user=board.camille).role == "responsable"
    assert Space.objects.filter(held_by__occupancy__structure=existing).exists()


def test_manager_scores_and_comments_an_application(client, board):
    client.force_login(board.mara)
    url = reverse("admin:occupants_application_change", args=[board.app_a.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "score": "15",
            "manager_comment": "Projet solide, à revoir en commission.",
            "documents-TOTAL_FORMS": "1",
            "documents-INITIAL_FORMS": "1",
            "documents-MIN_NUM_FORMS": "0",
            "documents-MAX_NUM_FORMS": "1000",
            "documents-0-id": board.app_a.documents.get().pk,
            "documents-0-application": board.app_a.pk,
        },
    )
    assert response.status_code == 302, text(response)[:2000]
    board.app_a.refresh_from_db()
    assert board.app_a.score == 15
    assert board.app_a.manager_comment == "Projet solide, à revoir en commission."
    assert board.app_a.status == Application.Status.SUBMITTED  # status only through actions


def test_score_above_twenty_is_refused(client, board):
    client.force_login(board.mara)
    url = reverse("admin:occupants_application_change", args=[board.app_a.pk])
    response = client.post(
        url,
        {
            "score": "25",
            "manager_comment": "",
            "documents-TOTAL_FORMS": "0",
            "documents-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    board.app_a.refresh_from_db()
    assert board.app_a.score is None


@pytest.mark.parametrize("name", ["application", "call"])
def test_admin_changelists_have_constant_query_counts(
    client, board, django_assert_max_num_queries, name
):
    client.force_login(board.mara)
    url = reverse(f"admin:occupants_{name}_changelist")
    with django_assert_max_num_queries(40) as small:
        client.get(url)
    for n in range(15):
        call = make_call(board.site_a, title=f"Appel {n}", slug=f"appel-{n}")
        submitted(call, UserFactory(), structure_name=f"Structure {n}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_an_application_in_the_admin_offers_no_view_on_site_link_to_a_candidates_page(
    client, board
):
    client.force_login(board.mara)
    url = reverse("admin:occupants_application_change", args=[board.app_a2.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert board.app_a2.get_absolute_url() not in text(response)
    assert "Voir sur le site" not in text(response)


def test_the_accept_page_loads_the_admin_form_styles(client, board):
    client.force_login(board.mara)
    response = client.get(reverse("admin:occupants_application_accept", args=[board.app_a2.pk]))
    assert "admin/css/forms.css" in text(response)
    assert 'class="flex-container"' in text(response)
