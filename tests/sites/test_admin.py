"""Permission matrix of the managers' admin, with the fixed cast of tests/conftest.py:
alice superuser; olga staff of Coop A (sites A, B); oscar staff of Coop B (site C);
mara manages site A; mike manages site B; uma is not staff."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from sites.models import Funding, Site, Space
from tests.factories import FundingFactory, OrganisationFactory, SpaceFactory
from tests.sites.builders import bulk_sites, bulk_spaces

SITES_CHANGELIST = reverse("admin:sites_site_changelist")
SPACES_CHANGELIST = reverse("admin:sites_space_changelist")
ADMIN_INDEX = reverse("admin:index")

VISIBLE_SITES = {
    "alice": {"Site A", "Site B", "Site C"},
    "olga": {"Site A", "Site B"},
    "oscar": {"Site C"},
    "mara": {"Site A"},
    "mike": {"Site B"},
}


def login(client, user):
    client.force_login(user)
    return client


def site_url(site, action="change"):
    return reverse(f"admin:sites_site_{action}", args=[site.pk])


def site_form_data(site, **overrides):
    """POST data for the site change/add form, with empty inline formsets."""
    data = {
        "name": site.name,
        "slug": site.slug,
        "status": site.status,
        "owner": site.owner_id,
        "operator": site.operator_id,
        "address": site.address,
        "postal_code": site.postal_code,
        "commune": site.commune,
        "departement": site.departement,
        "latitude": str(site.latitude),
        "longitude": str(site.longitude),
        "published": "on" if site.published else "",
    }
    for prefix in ("fundings", "photos"):
        data |= {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- who gets in -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_and_non_staff_users_are_sent_to_the_admin_login(client, cast):
    for url in (SITES_CHANGELIST, site_url(cast.site_a), SPACES_CHANGELIST):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response.url
        response = login(client, cast.uma).get(url)
        assert response.status_code == 302 and "/admin/login/" in response.url
        client.logout()


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(VISIBLE_SITES))
def test_site_changelist_lists_exactly_the_sites_the_user_manages(client, cast, name):
    response = login(client, getattr(cast, name)).get(SITES_CHANGELIST)
    assert response.status_code == 200
    shown = {site.name for site in response.context["cl"].result_list}
    assert shown == VISIBLE_SITES[name]
    for hidden in {"Site A", "Site B", "Site C"} - VISIBLE_SITES[name]:
        assert hidden not in response.text


@pytest.mark.django_db
def test_staff_account_managing_no_site_sees_an_empty_admin(client, cast):
    nobody = cast.uma
    nobody.is_staff = True
    nobody.save()
    login(client, nobody)
    assert client.get(SITES_CHANGELIST).status_code == 403
    assert client.get(site_url(cast.site_a)).status_code == 403
    index = client.get(ADMIN_INDEX)
    assert index.status_code == 200 and not index.context["app_list"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(VISIBLE_SITES))
def test_change_view_opens_own_sites_and_hides_every_other(client, cast, name):
    login(client, getattr(cast, name))
    for site in (cast.site_a, cast.site_b, cast.site_c):
        response = client.get(site_url(site))
        if site.name in VISIBLE_SITES[name]:
            assert response.status_code == 200
            assert response.context["original"] == site
        else:
            # The admin's "does not exist" redirect, and nothing of the site on the next page.
            assert response.status_code == 302 and response.url == ADMIN_INDEX
            followed = client.get(response.url)
            assert site.name not in followed.text
            for action in ("history", "delete"):
                other = client.get(site_url(site, action))
                assert other.status_code in (302, 403, 404)
                assert site.name not in other.text


@pytest.mark.django_db
def test_site_manager_edits_the_description_of_their_site(client, cast):
    login(client, cast.mara)
    response = client.post(
        site_url(cast.site_a), site_form_data(cast.site_a, summary="Ateliers au 3e étage.")
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    cast.site_a.refresh_from_db()
    assert cast.site_a.summary == "Ateliers au 3e étage."


@pytest.mark.django_db
def test_site_manager_cannot_post_another_site_by_its_url(client, cast):
    login(client, cast.mara)
    response = client.post(site_url(cast.site_c), site_form_data(cast.site_c, name="Volé"))
    assert response.status_code == 302 and response.url == ADMIN_INDEX
    cast.site_c.refresh_from_db()
    assert cast.site_c.name == "Site C"


@pytest.mark.django_db
def test_site_manager_cannot_move_the_site_to_another_operator_or_team(client, cast):
    login(client, cast.mara)
    response = client.get(site_url(cast.site_a))
    form = response.context["adminform"].form
    assert {"operator", "owner", "managers"}.isdisjoint(form.fields)
    client.post(
        site_url(cast.site_a),
        site_form_data(
            cast.site_a, operator=cast.coop_b.pk, managers=[cast.uma.pk], owner=cast.coop_b.pk
        ),
    )
    cast.site_a.refresh_from_db()
    assert cast.site_a.operator == cast.coop_a
    assert list(cast.site_a.managers.all()) == [cast.mara]


@pytest.mark.django_db
def test_site_managers_cannot_add_sites_and_nobody_but_a_superuser_deletes(client, cast):
    login(client, cast.mara)
    assert client.get(reverse("admin:sites_site_add")).status_code == 403
    login(client, cast.olga)
    assert client.get(reverse("admin:sites_site_add")).status_code == 200
    response = client.post(site_url(cast.site_a, "delete"), {"post": "yes"})
    assert response.status_code == 403
    assert Site.objects.filter(pk=cast.site_a.pk).exists()


@pytest.mark.django_db
def test_operator_staff_create_sites_only_for_their_own_organisation(client, cast):
    login(client, cast.olga)
    template = Site(
        name="Nouveau lieu",
        slug="nouveau-lieu",
        status=Site.Status.SCOUTING,
        owner=cast.site_a.owner,
        address="3 rue Neuve",
        postal_code="92600",
        commune="Asnières-sur-Seine",
        departement="92",
        latitude=Decimal("48.9"),
        longitude=Decimal("2.28"),
    )
    url = reverse("admin:sites_site_add")
    refused = client.post(url, site_form_data(template, operator=cast.coop_b.pk))
    assert refused.status_code == 200
    assert "operator" in refused.context["adminform"].form.errors
    assert not Site.objects.filter(slug="nouveau-lieu").exists()

    accepted = client.post(url, site_form_data(template, operator=cast.coop_a.pk))
    assert accepted.status_code == 302
    assert Site.objects.get(slug="nouveau-lieu").operator == cast.coop_a


@pytest.mark.django_db
def test_site_form_choices_are_scoped_for_operator_staff(client, cast):
    login(client, cast.olga)
    form = client.get(site_url(cast.site_a)).context["adminform"].form
    assert list(form.fields["operator"].queryset) == [cast.coop_a]
    appointable = set(form.fields["managers"].queryset)
    assert {cast.olga, cast.mara, cast.mike} <= appointable
    assert cast.oscar not in appointable and cast.uma not in appointable


# --- spaces, funding and inlines -------------------------------------------------------------


@pytest.fixture
def spaces(cast):
    return {
        site.name: SpaceFactory(site=site, name=f"Bureau de {site.name}")
        for site in (cast.site_a, cast.site_b, cast.site_c)
    }


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(VISIBLE_SITES))
def test_space_changelist_and_change_view_are_scoped(client, cast, spaces, name):
    login(client, getattr(cast, name))
    response = client.get(SPACES_CHANGELIST)
    assert {s.site.name for s in response.context["cl"].result_list} == VISIBLE_SITES[name]
    for site_name, space in spaces.items():
        response = client.get(reverse("admin:sites_space_change", args=[space.pk]))
        if site_name in VISIBLE_SITES[name]:
            assert response.status_code == 200
        else:
            assert response.status_code == 302 and response.url == ADMIN_INDEX
            assert space.name not in client.get(response.url).text


@pytest.mark.django_db
def test_space_list_filter_offers_only_the_managers_sites(client, cast, spaces):
    response = login(client, cast.olga).get(SPACES_CHANGELIST)
    site_filter = next(f for f in response.context["cl"].filter_specs if f.field_path == "site")
    assert sorted(label for _pk, label in site_filter.lookup_choices) == ["Site A", "Site B"]
    assert "Site C" not in response.text
    # A filter with a single choice is not shown; the other site never appears either.
    response = login(client, cast.mara).get(SPACES_CHANGELIST)
    assert "Site B" not in response.text and "Site C" not in response.text


@pytest.mark.django_db
def test_space_site_choices_and_autocomplete_are_scoped(client, cast, spaces):
    login(client, cast.mara)
    form = client.get(reverse("admin:sites_space_add")).context["adminform"].form
    assert list(form.fields["site"].queryset) == [cast.site_a]
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "sites", "model_name": "space", "field_name": "site", "term": "Site"},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Site A"]


@pytest.mark.django_db
def test_adding_a_space_to_another_site_with_a_tampered_id_is_refused(client, cast, spaces):
    login(client, cast.mara)
    data = {"site": cast.site_c.pk, "name": "Intrus", "kind": "bureau", "level": "0"}
    data |= {"surface": "12", "capacity": "2"}
    response = client.post(reverse("admin:sites_space_add"), data)
    assert response.status_code == 200
    assert "site" in response.context["adminform"].form.errors
    assert not Space.objects.filter(name="Intrus").exists()
    # Same request on one's own site: accepted.
    data["site"] = cast.site_a.pk
    assert client.post(reverse("admin:sites_space_add"), data).status_code == 302
    assert Space.objects.get(name="Intrus").site == cast.site_a


@pytest.mark.django_db
def test_site_inlines_show_only_the_sites_own_rows(client, cast, spaces):
    FundingFactory(site=cast.site_a, programme="LEADER A")
    FundingFactory(site=cast.site_c, programme="Fonds C")
    response = login(client, cast.mara).get(site_url(cast.site_a))
    formsets = {f.formset.prefix: f.formset for f in response.context["inline_admin_formsets"]}
    assert [f.programme for f in formsets["fundings"].queryset] == ["LEADER A"]
    assert "Bureau de Site C" not in response.text and "Fonds C" not in response.text


@pytest.mark.django_db
def test_the_site_change_page_links_to_its_own_spaces_instead_of_an_inline_of_them(
    client, cast, spaces
):
    response = login(client, cast.mara).get(site_url(cast.site_a))
    formsets = {f.formset.prefix for f in response.context["inline_admin_formsets"]}
    assert "spaces" not in formsets
    assert 'name="spaces-TOTAL_FORMS"' not in response.text
    listing = f"{reverse('admin:sites_space_changelist')}?site__id__exact={cast.site_a.pk}"
    assert listing in response.text
    names = [s.name for s in client.get(listing).context["cl"].result_list]
    assert names == ["Bureau de Site A"]


@pytest.mark.django_db
def test_the_site_spaces_list_filtered_on_another_site_shows_nothing_of_it(client, cast, spaces):
    login(client, cast.mara)
    response = client.get(
        f"{reverse('admin:sites_space_changelist')}?site__id__exact={cast.site_c.pk}"
    )
    assert "Bureau de Site C" not in response.text


@pytest.mark.django_db
def test_an_inline_row_of_another_site_cannot_be_edited_through_a_tampered_id(client, cast):
    foreign = FundingFactory(site=cast.site_c, programme="Fonds C")
    data = site_form_data(cast.site_a)
    data |= {
        "fundings-TOTAL_FORMS": "1",
        "fundings-INITIAL_FORMS": "1",
        "fundings-0-id": foreign.pk,
        "fundings-0-site": cast.site_a.pk,
        "fundings-0-funder": foreign.funder_id,
        "fundings-0-programme": "Détourné",
        "fundings-0-amount": "10",
        "fundings-0-year": "2024",
    }
    login(client, cast.mara).post(site_url(cast.site_a), data)
    # Django treats an id outside the inline's rows as a new row of this site, at most.
    foreign.refresh_from_db()
    assert foreign.programme == "Fonds C" and foreign.site == cast.site_c


@pytest.mark.django_db
def test_funding_changelist_is_scoped_and_funders_are_funder_organisations(client, cast):
    FundingFactory(site=cast.site_a, programme="LEADER A")
    FundingFactory(site=cast.site_c, programme="Fonds C")
    OrganisationFactory(name="Coop Z")  # an operator, not a funder
    login(client, cast.mara)
    response = client.get(reverse("admin:sites_funding_changelist"))
    assert [f.programme for f in response.context["cl"].result_list] == ["LEADER A"]
    form = client.get(reverse("admin:sites_funding_add")).context["adminform"].form
    assert all(org.kind == "funder" for org in form.fields["funder"].queryset)
    assert list(form.fields["site"].queryset) == [cast.site_a]
    assert Funding.objects.count() == 2


# --- users and organisations -----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["olga", "oscar", "mara", "mike"])
def test_only_superusers_manage_users_and_organisations(client, cast, name):
    login(client, getattr(cast, name))
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403
    assert client.get(reverse("admin:accounts_user_change", args=[cast.uma.pk])).status_code in (
        302,
        403,
    )
    assert client.get(reverse("admin:accounts_organisation_add")).status_code == 403
    response = client.post(
        reverse("admin:accounts_organisation_change", args=[cast.coop_a.pk]),
        {"name": "Renommée", "slug": "renommee", "kind": "operator"},
    )
    assert response.status_code in (302, 403)
    cast.coop_a.refresh_from_db()
    assert cast.coop_a.name == "Coop A"


@pytest.mark.django_db
def test_operator_staff_see_their_own_organisation_read_only(client, cast):
    login(client, cast.olga)
    response = client.get(reverse("admin:accounts_organisation_changelist"))
    assert [o.name for o in response.context["cl"].result_list] == ["Coop A"]
    other = client.get(reverse("admin:accounts_organisation_change", args=[cast.coop_b.pk]))
    assert other.status_code == 302 and "Coop B" not in client.get(other.url).text
    own = client.get(reverse("admin:accounts_organisation_change", args=[cast.coop_a.pk]))
    assert own.status_code == 200 and cast.olga.full_name in own.text
    # A site manager who is not operator staff has no organisation section.
    login(client, cast.mara)
    assert client.get(reverse("admin:accounts_organisation_changelist")).status_code == 403


@pytest.mark.django_db
def test_superuser_creates_a_user_with_an_email_login(client, cast):
    login(client, cast.alice)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "Nouvelle.Responsable@Example.org",
            "full_name": "Nouvelle Responsable",
            "usable_password": "true",
            "password1": "un-mot-de-passe-solide-42",
            "password2": "un-mot-de-passe-solide-42",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(email="nouvelle.responsable@example.org")
    assert user.check_password("un-mot-de-passe-solide-42")
    duplicate = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "NOUVELLE.responsable@example.org",
            "usable_password": "true",
            "password1": "un-mot-de-passe-solide-42",
            "password2": "un-mot-de-passe-solide-42",
        },
    )
    assert duplicate.status_code == 200
    assert "email" in duplicate.context["adminform"].form.errors
    assert client.get(reverse("admin:accounts_user_change", args=[user.pk])).status_code == 200
    found = client.get(reverse("admin:accounts_user_changelist"), {"q": "nouvelle"})
    assert [u.email for u in found.context["cl"].result_list] == [user.email]


# --- query counts ----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("count", [5, 50])
@pytest.mark.parametrize("name", ["alice", "olga", "mara"])
def test_changelists_make_a_constant_number_of_queries(
    client, cast, django_assert_max_num_queries, count, name
):
    for site in bulk_sites(count, operator=cast.coop_a):
        site.managers.add(cast.mara)
        bulk_spaces(site, 2)
        FundingFactory(site=site)
    login(client, getattr(cast, name))
    for url in (
        SITES_CHANGELIST,
        SPACES_CHANGELIST,
        reverse("admin:sites_funding_changelist"),
    ):
        with django_assert_max_num_queries(10):
            response = client.get(url)
        assert response.status_code == 200
        assert response.context["cl"].result_count >= min(count, 100)


@pytest.mark.django_db
def test_a_manager_who_is_staff_of_another_operator_cannot_move_the_site_there(client, cast):
    cast.coop_b.staff.add(cast.mara)  # mara manages site A (Coop A) and works for Coop B
    login(client, cast.mara)
    form = client.get(site_url(cast.site_a)).context["adminform"].form
    assert "operator" not in form.fields
    client.post(site_url(cast.site_a), site_form_data(cast.site_a, operator=cast.coop_b.pk))
    cast.site_a.refresh_from_db()
    assert cast.site_a.operator == cast.coop_a


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["olga", "oscar", "mara", "mike"])
def test_managers_admin_index_lists_site_models_and_not_platform_ones(client, cast, name):
    response = login(client, getattr(cast, name)).get(ADMIN_INDEX)
    models = {m["object_name"] for app in response.context["app_list"] for m in app["models"]}
    assert {"Site", "Space", "Funding"} <= models
    assert {"User", "Equipment"}.isdisjoint(models)
    assert client.get(reverse("admin:sites_equipment_changelist")).status_code == 403
    assert ("Organisation" in models) == (name in {"olga", "oscar"})


@pytest.mark.django_db
def test_superuser_admin_index_lists_everything(client, cast):
    response = login(client, cast.alice).get(ADMIN_INDEX)
    models = {m["object_name"] for app in response.context["app_list"] for m in app["models"]}
    assert {"Site", "Space", "Funding", "Equipment", "User", "Organisation"} <= models


@pytest.mark.django_db
def test_site_changelist_query_count_is_the_same_with_5_and_50_sites(client, cast):
    login(client, cast.olga)
    counts = []
    for batch, size in enumerate((5, 45)):  # 5 sites, then 50
        for site in bulk_sites(size, prefix=f"Lot {batch}", operator=cast.coop_a):
            bulk_spaces(site, 3)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(SITES_CHANGELIST).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 10


@pytest.mark.django_db
def test_the_site_change_page_loads_the_vendored_leaflet_and_keeps_the_coordinate_inputs(
    client, cast
):
    page = login(client, cast.mara).get(site_url(cast.site_a)).content.decode()
    assert "/static/vendor/leaflet/leaflet.js" in page and "js/admin_coordinates.js" in page
    assert "unpkg" not in page and "cdn" not in page.lower()
    assert 'name="latitude"' in page and 'name="longitude"' in page
    assert 'data-coordinates-map="Carte : position du lieu"' in page


# --- funding: source, nature, project cost and leverage --------------------------------------


def funding_row(site, funder, **fields) -> dict:
    row = {
        "fundings-TOTAL_FORMS": "1",
        "fundings-INITIAL_FORMS": "0",
        "fundings-0-site": site.pk,
        "fundings-0-funder": funder.pk,
        "fundings-0-programme": "LEADER",
        "fundings-0-source": "public",
        "fundings-0-nature": "investissement",
        "fundings-0-amount": "9900",
        "fundings-0-project_cost": "19200",
        "fundings-0-year": "2024",
    }
    row.update({f"fundings-0-{name}": value for name, value in fields.items()})
    return row


@pytest.mark.django_db
def test_site_manager_records_a_fundings_source_nature_and_project_cost_and_sees_its_leverage(
    client, cast
):
    funder = OrganisationFactory(name="Région", kind="funder")
    login(client, cast.mara)
    response = client.post(
        site_url(cast.site_a), site_form_data(cast.site_a) | funding_row(cast.site_a, funder)
    )
    assert response.status_code == 302
    funding = Funding.objects.get(site=cast.site_a)
    assert (funding.source, funding.nature) == ("public", "investissement")
    assert funding.project_cost == Decimal("19200")
    page = client.get(site_url(cast.site_a)).text
    assert '<div class="readonly">51,6 % du coût du projet</div>' in page
    assert 'name="fundings-0-source"' in page and 'name="fundings-0-project_cost"' in page
    changelist = client.get(reverse("admin:sites_funding_changelist")).text
    assert "51,6 % du coût du projet" in changelist and "Investissement" in changelist


@pytest.mark.django_db
def test_a_project_cost_below_the_funding_is_refused_in_french_and_nothing_is_saved(client, cast):
    funder = OrganisationFactory(name="Région", kind="funder")
    login(client, cast.mara)
    data = site_form_data(cast.site_a) | funding_row(cast.site_a, funder, project_cost="5000")
    response = client.post(site_url(cast.site_a), data)
    assert response.status_code == 200
    assert "Le coût du projet ne peut être inférieur au montant du financement." in response.text
    assert not Funding.objects.exists()


@pytest.mark.django_db
def test_a_funding_without_project_cost_has_no_leverage(client, cast):
    FundingFactory(site=cast.site_a, programme="Fonds propres", source="fonds_propres")
    login(client, cast.mara)
    response = client.get(reverse("admin:sites_funding_change", args=[Funding.objects.get().pk]))
    assert response.status_code == 200
    assert '<div class="readonly">—</div>' in response.text
    assert "% du coût du projet" not in response.text
    assert 'name="project_cost"' in response.text and 'name="source"' in response.text
