import pytest
from django.contrib.auth.models import AnonymousUser

from sites.models import Site


@pytest.mark.django_db
def test_superuser_manages_every_site(cast):
    assert set(Site.objects.managed_by(cast.alice)) == {cast.site_a, cast.site_b, cast.site_c}


@pytest.mark.django_db
def test_operator_staff_manage_every_site_of_their_organisation(cast):
    assert set(Site.objects.managed_by(cast.olga)) == {cast.site_a, cast.site_b}
    assert set(Site.objects.managed_by(cast.oscar)) == {cast.site_c}


@pytest.mark.django_db
def test_site_manager_manages_only_assigned_sites(cast):
    assert list(Site.objects.managed_by(cast.mara)) == [cast.site_a]
    assert list(Site.objects.managed_by(cast.mike)) == [cast.site_b]


@pytest.mark.django_db
def test_unrelated_inactive_and_anonymous_users_manage_nothing(cast):
    assert not Site.objects.managed_by(cast.uma).exists()
    assert not Site.objects.managed_by(AnonymousUser()).exists()
    cast.mara.is_active = False
    assert not Site.objects.managed_by(cast.mara).exists()
