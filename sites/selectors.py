"""Read helpers for the public pages: each returns rows ready to render, in a fixed number of
queries however many sites, spaces, photos or fundings there are."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from urllib.parse import urljoin

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse

from sites.departements import departement_name
from sites.models import Site

HOME_LIST_SIZE = 6
UPCOMING_STATUSES = (Site.Status.PREPARATION, Site.Status.SCOUTING)


def directory_queryset() -> QuerySet[Site]:
    """What the public may list: published sites, before any visitor filter."""
    return Site.objects.published()


def with_card_data(queryset: QuerySet[Site]) -> QuerySet[Site]:
    """Annotate what a site card shows, so that a page of cards is a single query."""
    return queryset.defer("description", "transport_access").annotate(
        space_count=Count("spaces"),
        bookable_count=Count("spaces", filter=Q(spaces__is_bookable=True)),
    )


@dataclass(frozen=True)
class HomeData:
    open_sites: list[Site]
    upcoming_sites: list[Site]
    site_count: int
    open_count: int
    total_surface: Decimal | None


def home_data(today: date) -> HomeData:
    published = Site.objects.published()
    totals = published.aggregate(
        site_count=Count("pk"),
        open_count=Count("pk", filter=Q(status=Site.Status.OPEN)),
        total_surface=Sum("total_surface"),
    )
    open_sites = with_card_data(published.filter(status=Site.Status.OPEN)).order_by(
        "-occupancy_start", "name"
    )
    upcoming_sites = with_card_data(
        published.filter(status__in=UPCOMING_STATUSES, occupancy_start__gt=today)
    ).order_by("occupancy_start", "name")
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


def absolute_media_url(url: str) -> str:
    """An absolute address for Open Graph; a MEDIA_URL already absolute is kept as is."""
    return urljoin(settings.SITE_URL + "/", url)


def site_feature_collection(queryset: QuerySet[Site]) -> dict:
    """RFC 7946 FeatureCollection of the given sites, built from plain values (one query)."""
    rows = queryset.values(
        "name", "slug", "commune", "departement", "status", "latitude", "longitude"
    )
    # Slugs are [-a-zA-Z0-9_], so a placeholder substitution equals reverse() for each row.
    url_pattern = reverse("sites:detail", kwargs={"slug": "slug-placeholder"})
    status_labels = dict(Site.Status.choices)
    features = [
        {
            "type": "Feature",
            "geometry": {
                "type": "Point",
                "coordinates": [float(row["longitude"]), float(row["latitude"])],
            },
            "properties": {
                "name": row["name"],
                "slug": row["slug"],
                "url": url_pattern.replace("slug-placeholder", row["slug"]),
                "commune": row["commune"],
                "departement": row["departement"],
                "departement_name": departement_name(row["departement"]),
                "status": row["status"],
                "status_label": str(status_labels.get(row["status"], row["status"])),
            },
        }
        for row in rows
    ]
    return {"type": "FeatureCollection", "features": features}
