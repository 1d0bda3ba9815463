"""Signed occupancy agreements: private storage, random names, an access-checked download."""

import importlib
import re
from datetime import date
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from occupants import services
from occupants.models import Occupancy
from tests.occupants.factories import SpaceFactory, StructureFactory

PDF = b"%PDF-1.4\n% Convention Atelier X, signee\n%%EOF\n"
RANDOM_NAME = re.compile(r"^agreements/[0-9a-f]{32}\.pdf$")


@pytest.fixture
def signed(crew):
    """crew, with a signed agreement for Atelier X's occupancy on site A."""
    crew.occ_x.agreement.save("convention-atelier-x-lea.pdf", ContentFile(PDF))
    return crew


def download(client, user, occupancy, slug=None):
    if user is not None:
        client.force_login(user)
    url = reverse(
        "occupants:agreement", kwargs={"slug": slug or occupancy.structure.slug, "pk": occupancy.pk}
    )
    return client.get(url)


def test_uploaded_agreement_is_stored_privately_under_a_random_name(cast):
    upload = SimpleUploadedFile("convention-atelier-x-lea.pdf", PDF, "application/pdf")

    occupancy = services.create_occupancy(
        structure=StructureFactory(name="Atelier X"),
        site=cast.site_a,
        spaces=[SpaceFactory(site=cast.site_a)],
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
        agreement=upload,
    )

    name = occupancy.agreement.name
    assert RANDOM_NAME.match(name), name
    assert (Path(settings.PRIVATE_MEDIA_ROOT) / name).read_bytes() == PDF
    assert not (Path(settings.MEDIA_ROOT) / name).exists()
    assert not list(Path(settings.MEDIA_ROOT).rglob("convention-atelier-x*"))
    with pytest.raises(ValueError):
        occupancy.agreement.url  # noqa: B018  (a private file has no public address)


def test_private_media_root_inside_the_public_one_fails_the_system_checks(settings, tmp_path):
    from occupants.checks import private_media_is_not_public

    assert private_media_is_not_public() == []
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "media" / "private"
    assert [error.id for error in private_media_is_not_public()] == ["occupants.E001"]


@pytest.mark.parametrize("who", ["lea", "max", "mara", "olga", "alice"])
def test_members_site_managers_and_superusers_download_the_agreement(client, signed, who):
    response = download(client, getattr(signed, who), signed.occ_x)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert "convention-atelier-x-2026-01-01.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("who", ["yann", "mike", "oscar", "uma"])
def test_anyone_else_gets_404_for_the_agreement(client, signed, who):
    assert download(client, getattr(signed, who), signed.occ_x).status_code == 404


def test_agreement_under_another_structure_address_is_404(client, signed):
    assert download(client, signed.lea, signed.occ_x, slug=signed.y.slug).status_code == 404


def test_anonymous_visitor_is_sent_to_login_for_the_agreement(client, signed):
    response = download(client, None, signed.occ_x)
    assert response.status_code == 302
    assert "/connexion/" in response["Location"] or "login" in response["Location"]


def test_occupancy_without_agreement_answers_404(client, signed):
    assert download(client, signed.yann, signed.occ_y).status_code == 404


def test_structure_page_and_dashboard_link_the_agreement_download(client, signed):
    url = signed.occ_x.get_agreement_url()
    client.force_login(signed.max)

    for page in (reverse("occupants:detail", args=[signed.x.slug]), "/compte/mon-espace/"):
        html = client.get(page).content.decode()
        assert url in html
        assert "agreements/" not in html


def test_admin_change_form_and_structure_inline_link_the_download_view(client, signed):
    client.force_login(signed.mara)
    url = signed.occ_x.get_agreement_url()

    for page in (
        reverse("admin:occupants_occupancy_change", args=[signed.occ_x.pk]),
        reverse("admin:occupants_structure_change", args=[signed.x.pk]),
    ):
        response = client.get(page)
        assert response.status_code == 200
        html = response.content.decode()
        assert f'href="{url}"' in html
        assert signed.occ_x.agreement.name not in html


def _migration():
    path = next(
        Path(apps.get_app_config("occupants").path, "migrations").glob("*_agreement_private.py")
    )
    return importlib.import_module(f"occupants.migrations.{path.stem}")


def test_migration_moves_public_agreements_to_private_storage(
    signed, django_capture_on_commit_callbacks
):
    public_name = default_storage.save("occupancies/convention-atelier-x.pdf", ContentFile(PDF))
    Occupancy.objects.filter(pk=signed.occ_x.pk).update(agreement=public_name)
    public_file = Path(settings.MEDIA_ROOT) / public_name
    assert public_file.exists()

    with django_capture_on_commit_callbacks(execute=True):
        _migration().agreements_to_private(apps, None)

    signed.occ_x.refresh_from_db()
    assert RANDOM_NAME.match(signed.occ_x.agreement.name)
    assert (Path(settings.PRIVATE_MEDIA_ROOT) / signed.occ_x.agreement.name).read_bytes() == PDF
    assert not public_file.exists()


def test_migration_leaves_already_private_agreements_alone_and_reverses(
    signed, django_capture_on_commit_callbacks
):
    private_name = signed.occ_x.agreement.name
    with django_capture_on_commit_callbacks(execute=True):
        _migration().agreements_to_private(apps, None)
    signed.occ_x.refresh_from_db()
    assert signed.occ_x.agreement.name == private_name

    with django_capture_on_commit_callbacks(execute=True):
        _migration().agreements_to_public(apps, None)

    signed.occ_x.refresh_from_db()
    assert signed.occ_x.agreement.name.startswith("occupancies/")
    assert (Path(settings.MEDIA_ROOT) / signed.occ_x.agreement.name).read_bytes() == PDF
    assert not (Path(settings.PRIVATE_MEDIA_ROOT) / private_name).exists()


def test_a_view_only_admin_shows_the_agreement_as_a_download_link(rf, signed):
    """A role that may only read occupancies gets the link too, never the file's own URL
    (which a private file does not have)."""
    from django.contrib import admin

    from occupants.admin import OccupancyAdmin

    class ReadOnlyOccupancyAdmin(OccupancyAdmin):
        role_permissions = frozenset({"view"})

    model_admin = ReadOnlyOccupancyAdmin(Occupancy, admin.site)
    request = rf.get("/")
    request.user = signed.mara

    fields = model_admin.get_fields(request, signed.occ_x)

    assert "agreement" not in fields and "agreement_link" in fields
    link = model_admin.agreement_link(signed.occ_x)
    assert f'href="{signed.occ_x.get_agreement_url()}"' in link
