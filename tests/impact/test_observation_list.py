"""The managers' list of a site's observations: 25 a page in the framework's order, the filters
kept in the page links, the actions sending back to the page they came from."""

from __future__ import annotations

import html
from datetime import date
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from impact.manager_views import PAGE_SIZE
from impact.models import FRAMEWORK_ORDER, Observation, Status
from tests.impact.observation_support import make_observation

pytestmark = pytest.mark.django_db

# An effect of each indicator used here (an observation's effects must be its indicator's).
EFFECTS = {
    "lien_social": "rencontres",
    "sante": "confiance",
    "solidarite": "petits_services",
    "reseaux": "entraide",
    "cadre_vie": "animation",
    "innovation": "experimentation",
}


def text(response) -> str:
    return html.unescape(response.content.decode())


def list_url(slug: str = "site-a", **params) -> str:
    url = reverse("impact_manager:observations", args=[slug])
    return f"{url}?{urlencode(params)}" if params else url


def shown(response) -> list[Observation]:
    return [o for group in response.context["groups"] for o in group["observations"]]


def record(site, count: int, **fields) -> list[Observation]:
    """`count` observations spread over six indicators of the three levels, newest created
    first in no particular order of the framework."""
    indicators = list(reversed(EFFECTS))
    rows = []
    for n in range(count):
        indicator = indicators[n % len(indicators)]
        values = {"indicator": indicator, "effects": [EFFECTS[indicator]]} | fields
        rows.append(make_observation(site, **values))
    return rows


def test_the_list_shows_25_a_page_in_the_frameworks_order_across_pages(client, cast):
    recorded = record(cast.site_a, 30)
    client.force_login(cast.mara)

    first = client.get(list_url())
    second = client.get(list_url(page=2))

    assert PAGE_SIZE == 25
    assert first.status_code == second.status_code == 200
    assert len(shown(first)) == 25 and len(shown(second)) == 5
    assert first.context["page"].paginator.num_pages == 2
    both = shown(first) + shown(second)
    assert sorted(o.pk for o in both) == sorted(o.pk for o in recorded)
    ranks = [FRAMEWORK_ORDER.index(o.indicator) for o in both]
    assert ranks == sorted(ranks)  # page 2 carries on where page 1 stopped
    # Ten of each level: the territorial effects start on page 1 and end on page 2.
    levels = ["individuel", "collectif", "territorial"]
    assert [g["level"] for g in first.context["groups"]] == levels
    assert [g["level"] for g in second.context["groups"]] == ["territorial"]
    assert "30 observations" in text(first)
    assert "Page 1 sur 2" in text(first) and "Page 2 sur 2" in text(second)


def test_within_an_indicator_the_latest_period_comes_first(client, cast):
    older = make_observation(
        cast.site_a, period_start=date(2025, 1, 1), period_end=date(2025, 6, 30)
    )
    newer = make_observation(cast.site_a)
    client.force_login(cast.mara)
    assert shown(client.get(list_url())) == [newer, older]


def test_the_page_links_keep_the_filters(client, cast):
    record(cast.site_a, 30)
    record(cast.site_a, 2, status=Status.PUBLISHED)
    client.force_login(cast.mara)

    response = client.get(list_url(statut="brouillon"))

    assert response.context["page"].paginator.count == 30
    assert 'href="?statut=brouillon&amp;page=2"' in response.content.decode()
    second = client.get(list_url(statut="brouillon", page=2))
    assert len(shown(second)) == 5
    assert all(o.status == Status.DRAFT for o in shown(second))
    assert 'href="?statut=brouillon&amp;page=1"' in second.content.decode()


@pytest.mark.parametrize(
    ("page", "number"),
    [("99", 2), ("-1", 2), ("0", 2), ("deux", 1), ("", 1), ("1e3", 1), ("2.5", 1)],
)
def test_a_page_out_of_range_shows_the_last_and_one_not_a_number_the_first(
    client, cast, page, number
):
    """As the directories (Paginator.get_page): never a 404 or a 500 for a page number."""
    record(cast.site_a, 30)
    client.force_login(cast.mara)
    response = client.get(list_url(), {"page": page})
    assert response.status_code == 200
    assert response.context["page"].number == number


def test_an_empty_list_says_whether_the_filters_left_nothing(client, cast):
    client.force_login(cast.mara)
    assert "Aucune observation pour l'instant." in text(client.get(list_url()))
    make_observation(cast.site_a)
    response = client.get(list_url(statut="publie"))
    assert "Aucune observation ne correspond à ces filtres." in text(response)
    assert "0 observation" in text(response)


def test_the_list_filters_by_effect_and_by_words_of_the_narrative_keywords_or_quote(client, cast):
    negative = make_observation(
        cast.site_a, valence="negatif", narrative="Du bruit le soir dans la cour."
    )
    keyword = make_observation(cast.site_a, keywords="gouvernance partagée, Repair café")
    quoted = make_observation(cast.site_a, quote="Le repair café m'a tout appris.")
    make_observation(cast.site_a)
    client.force_login(cast.mara)

    assert shown(client.get(list_url(effet="negatif"))) == [negative]
    found = shown(client.get(list_url(q="  REPAIR café ")))
    assert sorted(o.pk for o in found) == sorted([keyword.pk, quoted.pk])
    assert shown(client.get(list_url(q="repair", effet="negatif"))) == []


def test_a_refused_filter_is_reported_in_french_and_the_others_still_apply(client, cast):
    published = make_observation(cast.site_a, status=Status.PUBLISHED)
    make_observation(cast.site_a)
    client.force_login(cast.mara)

    response = client.get(list_url(statut="publie", effet="<b>très</b>", niveau="<script>"))

    assert response.status_code == 200
    page = text(response)
    assert "Certains filtres n'ont pas été compris et ont été ignorés" in page
    assert "Valeur non reconnue : ce filtre a été ignoré." in page
    assert "<b>très</b>" not in page  # the refused value is not echoed
    assert shown(response) == [published]


def test_a_search_too_long_is_ignored_with_a_french_message(client, cast):
    make_observation(cast.site_a)
    client.force_login(cast.mara)
    response = client.get(list_url(q="x" * 101))
    assert response.status_code == 200
    assert "La recherche est limitée à 100 caractères : elle a été ignorée." in text(response)
    assert len(shown(response)) == 1


def test_the_list_reads_a_constant_number_of_queries_with_3_or_30_observations(
    client, cast, django_assert_max_num_queries
):
    client.force_login(cast.mara)
    record(cast.site_a, 3)
    with django_assert_max_num_queries(12) as few:
        assert len(shown(client.get(list_url(effet="positif", q="outils")))) == 3
    record(cast.site_a, 27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(shown(client.get(list_url(effet="positif", q="outils")))) == 25
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(shown(client.get(list_url(effet="positif", q="outils", page=2)))) == 5


def test_the_list_shows_only_the_sites_own_observations(client, cast):
    mine = make_observation(cast.site_a)
    make_observation(cast.site_b)
    client.force_login(cast.mara)
    assert shown(client.get(list_url())) == [mine]


# --- Back to the page an action came from ---------------------------------------------------


def test_an_action_sends_back_to_the_page_and_filters_it_came_from(client, cast):
    observation = make_observation(cast.site_a)
    client.force_login(cast.mara)
    back = list_url(statut="brouillon", page="2")

    page = client.get(list_url(statut="brouillon")).content.decode()
    assert 'name="next" value="/impact/gestion/lieux/site-a/observations/?statut=brouillon"' in page

    validate = reverse("impact_manager:observation_validate", args=[observation.pk])
    response = client.post(validate, {"next": back})
    assert response.status_code == 302 and response["Location"] == back
    observation.refresh_from_db()
    assert observation.status == Status.VALIDATED


@pytest.mark.parametrize(
    "target",
    ["https://ailleurs.example.org/", "//ailleurs.example.org/", "", "javascript:alert(1)"],
)
def test_an_action_never_sends_elsewhere_than_this_site(client, cast, target):
    observation = make_observation(cast.site_a)
    client.force_login(cast.mara)
    validate = reverse("impact_manager:observation_validate", args=[observation.pk])
    response = client.post(validate, {"next": target})
    assert response.status_code == 302 and response["Location"] == list_url()


def test_deleting_a_draft_from_a_page_returns_to_it(client, cast):
    draft = make_observation(cast.site_a)
    client.force_login(cast.mara)
    back = list_url(effet="positif", page="3")
    list_page = client.get(list_url(effet="positif")).content.decode()
    delete = reverse("impact_manager:observation_delete", args=[draft.pk])
    assert f'href="{delete}?next=/impact/gestion/lieux/site-a/observations/%3Feffet%3Dpositif"' in (
        list_page
    )

    confirm = client.get(delete, {"next": back})
    assert confirm.status_code == 200
    assert confirm.context["back"] == back
    assert f'name="next" value="{html.escape(back)}"' in confirm.content.decode()

    response = client.post(delete, {"next": back})
    assert response["Location"] == back
    assert not Observation.objects.filter(pk=draft.pk).exists()
