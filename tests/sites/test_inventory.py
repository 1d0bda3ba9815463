"""The vacant-space inventory: who sees what, the private files, the filters, the exports,
and a building becoming a site.

The cast: alice is staff of the owner "Bailleur Nord", bob is staff of the operator "Coop
Transition", carol manages a site of Coop Transition, dave is staff of another owner, eve has
an account and nothing else, root is a platform admin."""

from __future__ import annotations

import csv
import html
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from PIL import Image

from accounts.models import Organisation
from sites.inventory import services
from sites.inventory.models import (
    Scenario,
    VacantBuilding,
    VacantBuildingChange,
    VacantBuildingDocument,
    VacantBuildingPhoto,
    VacantBuildingScenario,
)
from sites.models import Site
from tests.factories import (
    OrganisationFactory,
    SiteFactory,
    UserFactory,
    VacantBuildingFactory,
)

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 40)).save(out, "PNG")
    return out.getvalue()


class Cast:
    def __init__(self) -> None:
        self.owner = OrganisationFactory(name="Bailleur Nord", kind=Organisation.Kind.OWNER)
        self.operator = OrganisationFactory(name="Coop Transition", kind=Organisation.Kind.OPERATOR)
        self.other_owner = OrganisationFactory(name="Ville Sud", kind=Organisation.Kind.PUBLIC_BODY)
        self.alice = UserFactory(email="alice@example.org", full_name="Alice Bailleur")
        self.owner.staff.add(self.alice)
        self.bob = UserFactory(email="bob@example.org")
        self.operator.staff.add(self.bob)
        self.carol = UserFactory(email="carol@example.org")
        SiteFactory(name="Site de Carol", operator=self.operator).managers.add(self.carol)
        self.dave = UserFactory(email="dave@example.org")
        self.other_owner.staff.add(self.dave)
        self.eve = UserFactory(email="eve@example.org")
        self.root = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
        self.building = VacantBuildingFactory(
            name="Salle des feux",
            owner=self.owner,
            operator=self.operator,
            contact_user=self.alice,
        )
        VacantBuildingScenario.objects.create(
            building=self.building, scenario=Scenario.PUBLIC_SERVICE
        )
        self.foreign = VacantBuildingFactory(
            name="École Jaurès", owner=self.other_owner, operator=None
        )


@pytest.fixture
def cast() -> Cast:
    return Cast()


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


# -- Access -----------------------------------------------------------------------------------


def test_owner_staff_operator_staff_site_manager_and_admin_see_the_building(cast):
    for user in (cast.alice, cast.bob, cast.carol, cast.root):
        assert VacantBuilding.objects.manageable_by(user).filter(pk=cast.building.pk).exists()
        response = client_for(user).get(cast.building.get_absolute_url())
        assert response.status_code == 200, user
        assert "Salle des feux" in response.content.decode()


def test_owner_staff_of_another_owner_gets_404(cast):
    client = client_for(cast.dave)
    assert client.get(cast.building.get_absolute_url()).status_code == 404
    assert client.get(reverse("inventory:edit", args=[cast.building.pk])).status_code == 404
    # Their own building is theirs.
    assert client.get(cast.foreign.get_absolute_url()).status_code == 200


def test_user_without_a_role_gets_404_on_every_page(cast):
    client = client_for(cast.eve)
    for url in (
        reverse("inventory:list"),
        reverse("inventory:geojson"),
        reverse("inventory:export", args=["csv"]),
        reverse("inventory:create"),
        cast.building.get_absolute_url(),
    ):
        assert client.get(url).status_code == 404, url


def test_visitor_is_sent_to_the_login(cast):
    response = Client().get(reverse("inventory:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_list_shows_only_the_buildings_one_may_see(cast):
    page = client_for(cast.bob).get(reverse("inventory:list")).content.decode()
    assert "Salle des feux" in page
    assert "École Jaurès" not in page


def test_geojson_holds_only_the_buildings_one_may_see(cast):
    data = client_for(cast.dave).get(reverse("inventory:geojson")).json()
    assert [f["properties"]["name"] for f in data["features"]] == ["École Jaurès"]
    assert data["features"][0]["properties"]["url"] == cast.foreign.get_absolute_url()


def test_geojson_with_a_bad_box_is_a_400_in_french(cast):
    response = client_for(cast.bob).get(reverse("inventory:geojson"), {"bbox": "nord"})
    assert response.status_code == 400
    assert "ouest,sud,est,nord" in response.json()["error"]


def test_inventory_is_on_no_public_page_nor_the_sitemap(cast):
    client = Client()
    for url in ("/", reverse("sites:directory"), reverse("sitemap"), reverse("sites:geojson")):
        assert "Salle des feux" not in client.get(url).content.decode(), url


# -- Private files ----------------------------------------------------------------------------


def add_document(cast) -> VacantBuildingDocument:
    upload = SimpleUploadedFile("diagnostic.pdf", PDF_BYTES, content_type="application/pdf")
    return services.vacant_building_document_add(
        building=cast.building, upload=upload, title="Diagnostic amiante", by=cast.bob
    )


def test_document_is_served_to_the_buildings_people_only(cast):
    document = add_document(cast)
    url = reverse("inventory:document", args=[document.pk])
    response = client_for(cast.alice).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Cache-Control"] == "private, no-store"
    assert "attachment" in response["Content-Disposition"]
    for user in (cast.dave, cast.eve):
        assert client_for(user).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302
    with pytest.raises(ValueError):
        document.file.url  # noqa: B018 — no public address


def test_document_upload_refuses_a_file_that_is_no_pdf_or_image(cast):
    client = client_for(cast.bob)
    url = reverse("inventory:document_add", args=[cast.building.pk])
    fake = SimpleUploadedFile("plan.pdf", b"<html>not a pdf</html>")
    response = client.post(url, {"title": "Plan", "file": fake})
    assert response.status_code == 200
    assert "Format refusé" in response.content.decode()
    assert not VacantBuildingDocument.objects.exists()


def test_photo_upload_is_reencoded_private_and_served_to_the_buildings_people(cast):
    client = client_for(cast.alice)
    url = reverse("inventory:photo_add", args=[cast.building.pk])
    image = SimpleUploadedFile("facade.png", png_bytes(), content_type="image/png")
    response = client.post(url, {"image": image, "alt_text": "La façade sur rue"})
    assert response.status_code == 302
    photo = VacantBuildingPhoto.objects.get()
    assert photo.thumbnail
    for name in ("inventory:photo", "inventory:photo_thumbnail"):
        photo_url = reverse(name, args=[photo.pk])
        assert client.get(photo_url).status_code == 200
        assert client_for(cast.dave).get(photo_url).status_code == 404
    assert VacantBuildingChange.objects.filter(
        building=cast.building, action=VacantBuildingChange.Action.PHOTO_ADDED, by=cast.alice
    ).exists()


# -- Create, edit, history ---------------------------------------------------------------------


def form_data(cast, **overrides) -> dict:
    data = {
        "name": "Ancienne poste",
        "owner": cast.owner.pk,
        "operator": cast.operator.pk,
        "address": "1 place de la Poste",
        "postal_code": "59200",
        "commune": "Tourcoing",
        "departement": "59",
        "latitude": "50.72",
        "longitude": "3.16",
        "surface": "420",
        "floors": "3",
        "water": "en_etat",
        "heating": "partiel",
        "electricity": "en_etat",
        "accessibility": "inconnu",
        "available_from": "2026-03-01",
        "available_until": "2027-06-30",
        "scenarios": [Scenario.CULTURE, Scenario.INCUBATION],
    }
    return data | overrides


def test_owner_staff_records_a_building_with_its_scenarios_and_history(cast):
    response = client_for(cast.alice).post(reverse("inventory:create"), form_data(cast))
    building = VacantBuilding.objects.get(name="Ancienne poste")
    assert response["Location"] == building.get_absolute_url()
    assert sorted(building.scenario_values) == sorted([Scenario.CULTURE, Scenario.INCUBATION])
    change = building.changes.get()
    assert (change.action, change.by) == (VacantBuildingChange.Action.CREATED, cast.alice)


def test_edit_records_which_fields_changed(cast):
    client = client_for(cast.bob)
    url = reverse("inventory:edit", args=[cast.building.pk])
    data = form_data(cast, name="Salle des feux", surface="900", scenarios=[Scenario.OTHER])
    assert client.post(url, data).status_code == 302
    change = cast.building.changes.get(action=VacantBuildingChange.Action.UPDATED)
    assert "surface" in change.summary
    assert change.by == cast.bob
    assert cast.building.scenario_values == [Scenario.OTHER]


def test_nobody_records_a_building_for_organisations_they_are_not_part_of(cast):
    data = form_data(cast, owner=cast.other_owner.pk, operator="")
    response = client_for(cast.bob).post(reverse("inventory:create"), data)
    assert response.status_code == 200
    assert "dont vous êtes membre" in response.content.decode()
    assert not VacantBuilding.objects.filter(name="Ancienne poste").exists()


def test_window_ending_before_it_starts_is_refused_in_french(cast):
    data = form_data(cast, available_from="2027-01-01", available_until="2026-01-01")
    response = client_for(cast.alice).post(reverse("inventory:create"), data)
    assert "La fin de la disponibilité doit suivre son début." in response.content.decode()
    assert not VacantBuilding.objects.filter(name="Ancienne poste").exists()


def test_tampered_scenario_and_owner_are_form_errors(cast):
    data = form_data(cast, scenarios=["chateau"], owner="999999")
    response = client_for(cast.alice).post(reverse("inventory:create"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Scénario non reconnu" in page
    assert not VacantBuilding.objects.filter(name="Ancienne poste").exists()


# -- Filters, exports, query counts ------------------------------------------------------------


@pytest.fixture
def three(cast):
    small = VacantBuildingFactory(
        name="Petit atelier",
        owner=cast.owner,
        operator=cast.operator,
        surface=Decimal("90"),
        commune="Roubaix",
        departement="59",
        available_from=date(2026, 6, 1),
        available_until=date(2026, 9, 30),
    )
    VacantBuildingScenario.objects.create(building=small, scenario=Scenario.CULTURE)
    big = VacantBuildingFactory(
        name="Grande halle",
        owner=cast.owner,
        operator=cast.operator,
        surface=Decimal("5000"),
        commune="Asnières-sur-Seine",
        departement="92",
        available_from=None,
        available_until=None,
    )
    VacantBuildingScenario.objects.create(building=big, scenario=Scenario.INCUBATION)
    VacantBuildingScenario.objects.create(building=big, scenario=Scenario.CULTURE)
    return cast


def names(client, params) -> list[str]:
    response = client.get(reverse("inventory:list"), params)
    assert response.status_code == 200
    return [b.name for b in response.context["page"].object_list]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["Grande halle", "Petit atelier", "Salle des feux"]),
        ({"scenario": "culture"}, ["Grande halle", "Petit atelier"]),
        ({"scenario": "tete_de_pont"}, ["Salle des feux"]),
        ({"surface_min": "100"}, ["Grande halle", "Salle des feux"]),
        ({"surface_max": "800"}, ["Petit atelier", "Salle des feux"]),
        ({"departement": "92"}, ["Grande halle"]),
        ({"q": "roubaix"}, ["Petit atelier"]),
        ({"available_from": "2026-07-01"}, ["Grande halle", "Petit atelier", "Salle des feux"]),
        ({"available_from": "2026-10-15"}, ["Grande halle", "Salle des feux"]),
        (
            {"available_from": "2026-07-01", "available_until": "2027-01-31"},
            ["Grande halle", "Salle des feux"],
        ),
        ({"available_until": "2028-06-30"}, ["Grande halle"]),
    ],
)
def test_filters(three, params, expected):
    assert names(client_for(three.bob), params) == expected


def test_junk_filters_are_reported_and_ignored(three):
    client = client_for(three.bob)
    response = client.get(
        reverse("inventory:list"),
        {"scenario": "chateau", "surface_min": "beaucoup", "available_from": "demain"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "ce filtre a été ignoré" in page
    assert len(response.context["page"].object_list) == 3


def test_htmx_request_gets_the_results_only(three):
    response = client_for(three.bob).get(
        reverse("inventory:list"), {"scenario": "culture"}, headers={"HX-Request": "true"}
    )
    page = response.content.decode()
    assert 'id="results"' in page
    assert "<html" not in page


def test_csv_export_is_the_filtered_list(three):
    response = client_for(three.bob).get(
        reverse("inventory:export", args=["csv"]), {"scenario": "culture"}
    )
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][0] == "Bâtiment"
    assert [row[0] for row in rows[1:]] == ["Grande halle", "Petit atelier"]
    surface = rows[0].index("Surface (m²)")
    assert rows[1][surface] == "5000,0"
    assert "Accueil d'initiatives culturelles" in rows[1][rows[0].index("Scénarios")]


def test_xlsx_export_holds_numbers_and_only_what_one_may_see(three):
    response = client_for(three.dave).get(reverse("inventory:export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert [row[0] for row in rows[1:]] == ["École Jaurès"]
    response = client_for(three.bob).get(reverse("inventory:export", args=["xlsx"]))
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    surface = rows[0].index("Surface (m²)")
    assert rows[1][surface] == 5000.0


def test_unknown_export_format_is_a_404(cast):
    assert client_for(cast.bob).get(reverse("inventory:export", args=["pdf"])).status_code == 404


def _add_buildings(cast, count: int) -> None:
    for n in range(count):
        building = VacantBuildingFactory(
            name=f"Bâtiment {n:02}", owner=cast.owner, operator=cast.operator
        )
        VacantBuildingScenario.objects.create(building=building, scenario=Scenario.OTHER)
        VacantBuildingScenario.objects.create(building=building, scenario=Scenario.CULTURE)


@pytest.mark.parametrize(
    "url",
    [
        reverse("inventory:list"),
        reverse("inventory:geojson"),
        reverse("inventory:export", args=["csv"]),
        reverse("inventory:export", args=["xlsx"]),
    ],
)
def test_query_count_does_not_grow_with_the_rows(cast, url):
    client = client_for(cast.bob)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
        return len(queries)

    one = count()
    _add_buildings(cast, 12)
    assert count() == one


def test_detail_query_count_does_not_grow_with_photos_documents_and_changes(cast):
    client = client_for(cast.bob)
    url = cast.building.get_absolute_url()

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    add_document(cast)
    one = count()
    for n in range(5):
        add_document(cast)
        photo = VacantBuildingPhoto(building=cast.building, alt_text=f"Vue {n}")
        photo.image.save(f"vue-{n}.png", ContentFile(png_bytes()))
    assert count() == one


# -- Becoming a site ---------------------------------------------------------------------------


def test_building_becomes_a_site_in_one_step(cast):
    photo = VacantBuildingPhoto(building=cast.building, alt_text="Le hall")
    photo.image.save("hall.png", ContentFile(png_bytes()))
    client = client_for(cast.alice)
    url = reverse("inventory:convert", args=[cast.building.pk])
    assert client.get(url).status_code == 200
    assert not Site.objects.filter(name="Salle des feux").exists()  # a GET changes nothing
    response = client.post(url)
    assert response["Location"] == cast.building.get_absolute_url()
    cast.building.refresh_from_db()
    site = cast.building.site
    assert site.status == Site.Status.SCOUTING
    assert not site.published
    assert (site.owner, site.operator) == (cast.owner, cast.operator)
    assert (site.address, site.commune, site.departement) == (
        cast.building.address,
        cast.building.commune,
        cast.building.departement,
    )
    assert (site.latitude, site.longitude) == (cast.building.latitude, cast.building.longitude)
    assert site.total_surface == cast.building.surface
    assert [p.alt_text for p in site.photos.all()] == ["Le hall"]
    change = cast.building.changes.get(action=VacantBuildingChange.Action.CONVERTED)
    assert change.by == cast.alice
    # The record is kept, read-only: its page shows the site, editing it sends back.
    page = client.get(cast.building.get_absolute_url()).content.decode()
    assert "est devenu le lieu" in page
    edit = client.get(reverse("inventory:edit", args=[cast.building.pk]))
    assert edit["Location"] == cast.building.get_absolute_url()


def test_converting_twice_is_refused_with_a_clear_message(cast):
    services.vacant_building_to_site(building=cast.building, by=cast.bob)
    client = client_for(cast.bob)
    response = client.post(reverse("inventory:convert", args=[cast.building.pk]), follow=True)
    assert "Ce bâtiment est déjà devenu un lieu." in response.content.decode()
    assert Site.objects.filter(name="Salle des feux").count() == 1


def test_building_without_an_operator_cannot_become_a_site(cast):
    response = client_for(cast.dave).post(
        reverse("inventory:convert", args=[cast.foreign.pk]), follow=True
    )
    assert "Indiquez d'abord le gestionnaire" in html.unescape(response.content.decode())
    cast.foreign.refresh_from_db()
    assert cast.foreign.site is None


def test_someone_else_cannot_convert_the_building(cast):
    response = client_for(cast.dave).post(reverse("inventory:convert", args=[cast.building.pk]))
    assert response.status_code == 404
    cast.building.refresh_from_db()
    assert cast.building.site is None


def test_new_site_slug_does_not_collide_with_an_existing_one(cast):
    SiteFactory(name="Salle des feux", slug="salle-des-feux")
    site = services.vacant_building_to_site(building=cast.building, by=cast.root)
    assert site.slug == "salle-des-feux-2"


# -- Admin -------------------------------------------------------------------------------------


def test_admin_lists_only_the_buildings_one_may_see(cast):
    cast.bob.is_staff = True
    cast.bob.save()
    client = client_for(cast.bob)
    page = client.get(reverse("admin:sites_vacantbuilding_changelist")).content.decode()
    assert "Salle des feux" in page
    assert "École Jaurès" not in page
    url = reverse("admin:sites_vacantbuilding_change", args=[cast.foreign.pk])
    assert client.get(url).status_code == 302


def test_internal_contact_must_be_on_the_owners_team(cast):
    # dave works for another owner: offered to a platform admin, refused for this owner.
    data = form_data(cast, contact_user=cast.dave.pk)
    response = client_for(cast.root).post(reverse("inventory:create"), data)
    assert response.status_code == 200
    assert "Choisissez une personne de l" in html.unescape(response.content.decode())
    assert not VacantBuilding.objects.filter(name="Ancienne poste").exists()
    data = form_data(cast, contact_user=cast.alice.pk)
    assert client_for(cast.root).post(reverse("inventory:create"), data).status_code == 302
    assert VacantBuilding.objects.get(name="Ancienne poste").contact_user == cast.alice
