"""Read helpers for the public pages: each returns rows ready to render, in a fixed number of
queries however many sites, spaces, photos or fundings there are."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property
from urllib.parse import urljoin

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    Avg,
    Count,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce, Floor
from django.urls import reverse
from django.utils.translation import get_language, ngettext

from sites.departements import departement_name
from sites.filters import BoundingBox
from sites.models import NEWEST_FIRST, Site, Space

HOME_LIST_SIZE = 6
UPCOMING_STATUSES = (Site.Status.PREPARATION, Site.Status.SCOUTING)


def directory_queryset() -> QuerySet[Site]:
    """What the public may list: published sites, before any visitor filter."""
    return Site.objects.published()


def _space_count(**filters) -> Coalesce:
    spaces = (
        Space.objects.filter(site_id=OuterRef("pk"), **filters)
        .order_by()
        .values("site_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(spaces), 0)


def with_card_data(queryset: QuerySet[Site]) -> QuerySet[Site]:
    """Annotate what a site card shows, so that a page of cards is a single query.

    The counts are correlated subqueries, not a GROUP BY over a join with the spaces: the
    database counts the spaces of the 24 sites it returns, not of every site it sorts, and the
    sort can be read from an index."""
    return queryset.defer("description", "transport_access").annotate(
        space_count=_space_count(),
        bookable_count=_space_count(is_bookable=True),
    )


@dataclass(frozen=True)
class HomeData:
    open_sites: list[Site]
    upcoming_sites: list[Site]
    site_count: int
    open_count: int
    total_surface: Decimal | None


def _home_totals() -> dict:
    # Counted on status rather than id: the partial index site_public_totals holds all it reads.
    return Site.objects.published().aggregate(
        site_count=Count("status"),
        open_count=Count("status", filter=Q(status=Site.Status.OPEN)),
        total_surface=Sum("total_surface"),
    )


def home_totals() -> dict:
    """The home page's figures over every published site: their cost grows with the sites
    (an index read from end to end), so they are kept for HOME_TOTALS_CACHE_SECONDS (0: off)."""
    seconds = settings.HOME_TOTALS_CACHE_SECONDS
    if not seconds:
        return _home_totals()
    return cache.get_or_set("home-totals", _home_totals, seconds)


def home_data(today: date) -> HomeData:
    published = Site.objects.published()
    totals = home_totals()
    open_sites = with_card_data(published.filter(status=Site.Status.OPEN)).order_by(
        NEWEST_FIRST, "name", "pk"
    )
    upcoming_sites = with_card_data(
        published.filter(status__in=UPCOMING_STATUSES, occupancy_start__gt=today)
    ).order_by("occupancy_start", "name", "pk")
    return HomeData(
        open_sites=list(open_sites[:HOME_LIST_SIZE]),
        upcoming_sites=list(upcoming_sites[:HOME_LIST_SIZE]),
        site_count=totals["site_count"],
        open_count=totals["open_count"],
        total_surface=totals["total_surface"],
    )


@dataclass(frozen=True)
class SiteFigures:
    """Totals of a site page, computed from the prefetched rows (no extra query)."""

    spaces_surface: Decimal
    spaces_capacity: int
    bookable_count: int
    accessible_count: int
    funding_total: Decimal
    funded_share: Decimal | None  # percent of the total project cost


def site_figures(site: Site) -> SiteFigures:
    spaces = list(site.spaces.all())
    funding_total = site.funding_total
    share = None
    if site.total_project_cost and funding_total:
        share = funding_total * 100 / site.total_project_cost
    return SiteFigures(
        spaces_surface=sum((s.surface for s in spaces), Decimal(0)),
        spaces_capacity=sum(s.capacity for s in spaces),
        bookable_count=sum(1 for s in spaces if s.is_bookable),
        accessible_count=sum(1 for s in spaces if s.is_accessible),
        funding_total=funding_total,
        funded_share=share,
    )


# From this many spaces on, a site page shows their totals by kind and floor and folds the list.
SPACE_LIST_FOLD_FROM = 9


@dataclass(frozen=True)
class SpaceGroup:
    label: str
    count: int
    surface: Decimal


class SpaceSummary:
    """A site's spaces counted and summed by kind and by floor, from the prefetched rows. The
    groups are made when the page shows them, not when it reads the section from the cache."""

    def __init__(self, spaces: list[Space]) -> None:
        self.spaces = spaces

    @property
    def count(self) -> int:
        return len(self.spaces)

    @property
    def folded(self) -> bool:
        return self.count >= SPACE_LIST_FOLD_FROM

    @cached_property
    def by_kind(self) -> list[SpaceGroup]:
        kind_order = {kind: n for n, kind in enumerate(Space.Kind.values)}
        return _groups(
            self.spaces,
            lambda s: (kind_order.get(s.kind, len(kind_order)), s.kind),
            Space.get_kind_display,
        )

    @cached_property
    def by_level(self) -> list[SpaceGroup]:
        return _groups(self.spaces, lambda s: s.level, lambda s: s.level_label)

    @cached_property
    def shown(self) -> str:
        """What the site page's spaces section shows (their list, totals and groups all come
        from these fields): the template caches the section's HTML under it."""
        return repr(
            [
                (s.name, s.kind, s.level, s.surface, s.capacity, s.is_bookable, s.is_accessible)
                for s in self.spaces
            ]
        )


def _groups(spaces: list[Space], key, label) -> list[SpaceGroup]:
    groups: dict = {}
    for space in spaces:
        groups.setdefault(key(space), []).append(space)
    return [
        SpaceGroup(label(rows[0]), len(rows), sum((s.surface for s in rows), Decimal(0)))
        for _key, rows in sorted(groups.items())
    ]


def space_summary(site: Site) -> SpaceSummary:
    return SpaceSummary(list(site.spaces.all()))


def absolute_media_url(url: str) -> str:
    """An absolute address for Open Graph; a MEDIA_URL already absolute is kept as is."""
    return urljoin(settings.SITE_URL + "/", url)


FEATURE_FIELDS = ("pk", "name", "slug", "commune", "departement", "status", "latitude", "longitude")
# Above this many sites in view, the map gets clusters: the answer stays small at any size.
MAP_FEATURE_LIMIT = 200
# A cluster covers a square of a quarter of a map tile (64 pixels) at the requested zoom, made
# coarser when the box would hold more than MAP_GRID squares across or down.
MAP_GRID = 32
STATUS_LABELS = dict(Site.Status.choices)


def site_map(queryset: QuerySet[Site], *, bbox: BoundingBox | None, zoom: int) -> dict:
    """RFC 7946 FeatureCollection of the given sites inside the box: each site when there are
    MAP_FEATURE_LIMIT or fewer, else clusters on a grid (`cluster`, `count`, `label`), a cluster
    of one being its site. Three queries at most when clustered, one otherwise; the answer is
    bounded by the view, not by the number of sites."""
    queryset = queryset.order_by()
    if bbox is not None:
        queryset = queryset.filter(
            latitude__gte=bbox.south,
            latitude__lte=bbox.north,
            longitude__gte=bbox.west,
            longitude__lte=bbox.east,
        )
    rows = list(queryset.values(*FEATURE_FIELDS)[: MAP_FEATURE_LIMIT + 1])
    if len(rows) <= MAP_FEATURE_LIMIT:
        rows.sort(key=lambda row: (row["name"], row["pk"]))
        return _collection(_site_features(rows))

    cell = _cell_size(bbox or BoundingBox(-180, -90, 180, 90), zoom)
    cells = (
        queryset.annotate(row=Floor(F("latitude") / cell), column=Floor(F("longitude") / cell))
        .values("row", "column")
        .annotate(count=Count("pk"), lat=Avg("latitude"), lon=Avg("longitude"), first=Min("pk"))
        .order_by("row", "column")
    )
    seconds = settings.MAP_CLUSTER_CACHE_SECONDS
    if not seconds:
        return _collection(_cluster_features(cells))
    # Clusters group every site in view, so their cost grows with the sites: they are kept
    # for a short while, under their own SQL (filters, box and grid) and the language.
    sql, params = cells.query.sql_with_params()
    digest = hashlib.sha256(repr((sql, params, get_language())).encode()).hexdigest()
    features = cache.get_or_set(f"site-map:{digest}", lambda: _cluster_features(cells), seconds)
    return _collection(features)


def _cluster_features(cells: QuerySet) -> list[dict]:
    cells = list(cells)
    lone_sites = [c["first"] for c in cells if c["count"] == 1]
    rows = list(Site.objects.filter(pk__in=lone_sites).values(*FEATURE_FIELDS))
    singles = {row["pk"]: feature for row, feature in zip(rows, _site_features(rows), strict=True)}
    return [singles.pop(c["first"]) if c["count"] == 1 else _cluster_feature(c) for c in cells]


def _cell_size(bbox: BoundingBox, zoom: int) -> Decimal:
    # A power-of-two fraction of 360°: the grid stays put as the map pans, and is exact in
    # decimal arithmetic.
    exponent = zoom + 2
    while exponent > 0 and (
        (bbox.east - bbox.west) * 2**exponent / 360 > MAP_GRID
        or (bbox.north - bbox.south) * 2**exponent / 360 > MAP_GRID
    ):
        exponent -= 1
    return Decimal(360) / Decimal(2**exponent)


def _collection(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


def _point(longitude, latitude) -> dict:
    return {"type": "Point", "coordinates": [float(longitude), float(latitude)]}


def _site_features(rows) -> list[dict]:
    # Slugs are [-a-zA-Z0-9_], so a placeholder substitution equals reverse() for each row.
    url_pattern = reverse("sites:detail", kwargs={"slug": "slug-placeholder"})
    return [
        {
            "type": "Feature",
            "geometry": _point(row["longitude"], row["latitude"]),
            "properties": {
                "name": row["name"],
                "slug": row["slug"],
                "url": url_pattern.replace("slug-placeholder", row["slug"]),
                "commune": row["commune"],
                "departement": row["departement"],
                "departement_name": departement_name(row["departement"]),
                "status": row["status"],
                "status_label": str(STATUS_LABELS.get(row["status"], row["status"])),
            },
        }
        for row in rows
    ]


def _cluster_feature(cell: dict) -> dict:
    count = cell["count"]
    return {
        "type": "Feature",
        "geometry": _point(cell["lon"], cell["lat"]),
        "properties": {
            "cluster": True,
            "count": count,
            "label": ngettext("%(count)d lieu", "%(count)d lieux", count) % {"count": count},
        },
    }
