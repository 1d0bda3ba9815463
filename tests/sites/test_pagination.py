import pytest
from django.db import connection
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.test.utils import CaptureQueriesContext

from sites.models import Site
from sites.pagination import BoundedPaginator
from tests.sites.builders import bulk_sites


def test_bounded_paginator_counts_up_to_its_limit():
    paginator = BoundedPaginator(list(range(100)), 10, limit=25)
    assert paginator.count == 25
    assert paginator.capped
    assert paginator.num_pages == 3
    assert list(paginator.page(3).object_list) == [20, 21, 22, 23, 24]


def test_bounded_paginator_below_its_limit_is_django_s_paginator():
    paginator = BoundedPaginator(list(range(100)), 10, limit=100)
    assert paginator.count == 100
    assert not paginator.capped
    assert paginator.num_pages == 10


def test_bounded_paginator_refuses_a_limit_below_one():
    with pytest.raises(ValueError):
        BoundedPaginator([], 10, limit=0)


@pytest.mark.django_db
def test_bounded_paginator_counts_a_queryset_in_one_query(django_assert_max_num_queries):
    bulk_sites(12)
    paginator = BoundedPaginator(Site.objects.order_by("name"), 5, limit=10)
    with django_assert_max_num_queries(1):
        assert (paginator.count, paginator.capped) == (10, True)


@pytest.mark.django_db
def test_page_rows_annotate_only_the_page_s_rows_in_the_list_s_order(
    django_assert_max_num_queries,
):
    bulk_sites(12, published=False)
    bulk_sites(7, prefix="Lieu public")
    rows = Site.objects.filter(published=True).order_by("-name", "pk")

    def shown(queryset):
        return queryset.annotate(label=Concat(Value("» "), F("name")))

    paginator = BoundedPaginator(rows, 3, limit=10, page_rows=shown)
    page = paginator.page(2)
    with django_assert_max_num_queries(1):
        labels = [site.label for site in page.object_list]
    assert labels == ["» Lieu public 0003", "» Lieu public 0002", "» Lieu public 0001"]
    assert paginator.count == 7


@pytest.mark.django_db
def test_counting_leaves_out_the_annotations_the_list_sorts_by():
    bulk_sites(3)
    rows = Site.objects.annotate(label=Concat(Value("» "), F("name"))).order_by("label")
    paginator = BoundedPaginator(rows, 2, limit=10)
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == 3
    (count,) = queries.captured_queries
    assert "»" not in count["sql"] and "ORDER BY" not in count["sql"]
