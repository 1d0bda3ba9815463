"""Mon espace: my structures, their sites and my applications, in a constant number of queries."""

from datetime import date

import pytest
from django.urls import reverse

from occupants import services
from occupants.models import StructureMember
from tests.occupants.factories import SpaceFactory, StructureFactory


def test_mon_espace_lists_my_structures_with_practical_information(crew, client):
    client.force_login(crew.lea)

    response = client.get(reverse("accounts:dashboard"))

    content = response.content.decode()
    assert "Atelier X" in content
    assert "Collectif Y" not in content
    assert crew.site_a.address in content
    assert "Bureau A1" in content
    assert "1er janvier 2026" in content and "31 mars 2027" in content
    assert reverse("occupants:edit", kwargs={"slug": crew.x.slug}) in content


def test_plain_member_sees_no_responsable_links(crew, client):
    client.force_login(crew.max)
    content = client.get(reverse("accounts:dashboard")).content.decode()
    assert "Atelier X" in content
    assert reverse("occupants:edit", kwargs={"slug": crew.x.slug}) not in content


def test_person_without_structure_gets_an_empty_state(crew, client):
    client.force_login(crew.uma)
    content = client.get(reverse("accounts:dashboard")).content.decode()
    assert "membre d'aucune structure" in content


def test_anonymous_visitor_is_sent_to_login(client, db):
    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def _grow(crew, count):
    for _ in range(count):
        structure = StructureFactory()
        services.add_member(structure, crew.lea, StructureMember.Role.MEMBER)
        services.create_occupancy(
            structure=structure,
            site=crew.site_b,
            spaces=[SpaceFactory(site=crew.site_b), SpaceFactory(site=crew.site_b)],
            start=date(2026, 1, 1),
            end=date(2026, 12, 31),
        )


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [("accounts:dashboard", {}), ("occupants:detail", {"slug": "atelier-x"})],
)
def test_query_count_does_not_grow_with_structures(
    crew, client, django_assert_max_num_queries, name, kwargs
):
    client.force_login(crew.lea)
    url = reverse(name, kwargs=kwargs)
    _grow(crew, 2)
    with django_assert_max_num_queries(14) as small:
        client.get(url)
    _grow(crew, 12)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200


def test_mon_espace_lists_my_applications_only(crew, client):
    from datetime import timedelta

    from django.utils import timezone

    from occupants.models import Application, Call

    call = Call.objects.create(
        site=crew.site_a,
        title="Appel aux artisans",
        slug="appel-aux-artisans",
        opens_at=timezone.now() - timedelta(days=2),
        closes_at=timezone.now() + timedelta(days=2),
    )
    Application.objects.create(call=call, applicant=crew.uma, structure_name="Projet d'Uma")
    Application.objects.create(call=call, applicant=crew.max, structure_name="Projet de Max")

    client.force_login(crew.uma)
    content = client.get(reverse("accounts:dashboard")).content.decode()

    assert "Mes candidatures" in content
    assert "Projet d&#x27;Uma" in content
    assert "Projet de Max" not in content


def test_mon_espace_links_to_bookings_and_manager_pages(crew, client):
    client.force_login(crew.max)
    content = client.get(reverse("accounts:dashboard")).content.decode()
    assert reverse("events:mine") in content
    assert reverse("events:feeds") in content
    assert reverse("events:manager_index") not in content

    client.force_login(crew.mara)
    content = client.get(reverse("accounts:dashboard")).content.decode()
    assert reverse("events:manager_index") in content
    assert reverse("events:mine") not in content
