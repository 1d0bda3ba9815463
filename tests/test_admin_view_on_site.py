"""The admin's "view on site" shortcut (/admin/r/<content type>/<id>/) answers only for objects the
user's admin shows them: anything else is a 404 that reveals no public address."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from occupants.models import Structure
from sites.models import Site
from tests.occupants.factories import OccupancyFactory, StructureFactory


def shortcut(model, pk) -> str:
    content_type = ContentType.objects.get_for_model(model)
    return reverse(
        "admin:view_on_site", kwargs={"content_type_id": content_type.pk, "object_id": pk}
    )


@pytest.fixture
def hidden_site(cast):
    cast.site_c.published = False
    cast.site_c.slug = "projet-secret-c"
    cast.site_c.save()
    return cast


def test_shortcut_to_another_operators_unpublished_site_is_a_404(hidden_site, client):
    client.force_login(hidden_site.mara)

    response = client.get(shortcut(Site, hidden_site.site_c.pk))

    assert response.status_code == 404
    assert "Location" not in response
    assert "projet-secret-c" not in response.content.decode()


def test_shortcut_to_own_site_redirects_to_its_page(hidden_site, client):
    client.force_login(hidden_site.mara)

    response = client.get(shortcut(Site, hidden_site.site_a.pk))

    assert response.status_code == 302
    assert response["Location"] == "http://testserver" + hidden_site.site_a.get_absolute_url()


def test_platform_admin_keeps_the_shortcut_everywhere(hidden_site, client):
    client.force_login(hidden_site.alice)

    response = client.get(shortcut(Site, hidden_site.site_c.pk))

    assert response.status_code == 302
    assert response["Location"] == "http://testserver" + hidden_site.site_c.get_absolute_url()


def test_shortcut_follows_the_structure_scope(cast, client):
    ours, theirs = StructureFactory(name="Chez nous"), StructureFactory(name="Ailleurs")
    OccupancyFactory(structure=ours, site=cast.site_a)
    OccupancyFactory(structure=theirs, site=cast.site_c)
    client.force_login(cast.mara)

    assert client.get(shortcut(Structure, ours.pk)).status_code == 302
    assert client.get(shortcut(Structure, theirs.pk)).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/admin/r/999999/1/",
        "/admin/r/abc/1/",
        "/admin/r/99999999999999999999999/1/",
        "/admin/r/{site}/abc/",
        "/admin/r/{site}/99999999999999999999999/",
        "/admin/r/{session}/1/",
    ],
)
def test_shortcut_with_unknown_type_object_or_unregistered_model_is_a_404(cast, client, path):
    from django.contrib.sessions.models import Session

    client.force_login(cast.alice)
    path = path.format(
        site=ContentType.objects.get_for_model(Site).pk,
        session=ContentType.objects.get_for_model(Session).pk,
    )
    assert client.get(path).status_code == 404
