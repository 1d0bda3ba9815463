"""Reads of the inventory's pages, each in a fixed number of queries whatever the rows."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from sites.departements import departement_name
from sites.filters import BoundingBox
from sites.inventory.models import (
    VacantBuilding,
    VacantBuildingChange,
    VacantBuildingDocument,
    VacantBuildingPhoto,
)

# The inventory of one owner or operator holds tens or hundreds of buildings: the map shows
# them one by one (the browser groups close markers), up to this many in view.
MAP_FEATURE_LIMIT = 500


def list_rows(queryset: QuerySet[VacantBuilding]) -> QuerySet[VacantBuilding]:
    """What a row of the list shows: owner, operator, site and scenarios, in two queries."""
    return queryset.select_related("owner", "operator", "site").prefetch_related("scenarios")


def building_for_page(queryset: QuerySet[VacantBuilding], pk: int) -> VacantBuilding:
    """A building with all its detail page shows (get_object_or_404 on the user's scope)."""
    return get_object_or_404(
        queryset.select_related("owner", "operator", "site", "contact_user").prefetch_related(
            "scenarios",
            Prefetch("photos", queryset=VacantBuildingPhoto.objects.order_by("position", "pk")),
            Prefetch(
                "documents",
                queryset=VacantBuildingDocument.objects.select_related("uploaded_by"),
            ),
            Prefetch("changes", queryset=VacantBuildingChange.objects.select_related("by")),
        ),
        pk=pk,
    )


def building_map(queryset: QuerySet[VacantBuilding], *, bbox: BoundingBox | None) -> dict:
    """RFC 7946 FeatureCollection of the given buildings inside the box, in one query."""
    queryset = queryset.order_by("name", "pk")
    if bbox is not None:
        queryset = queryset.filter(
            latitude__gte=bbox.south,
            latitude__lte=bbox.north,
            longitude__gte=bbox.west,
            longitude__lte=bbox.east,
        )
    fields = ("pk", "name", "commune", "departement", "latitude", "longitude", "site_id")
    rows = queryset.values(*fields)[:MAP_FEATURE_LIMIT]
    url_pattern = reverse("inventory:detail", kwargs={"pk": 0}).replace("/0/", "/{pk}/")
    features = [
        {
            "type": "Feature",
            "geometry": {
                "type": "Point",
                "coordinates": [float(row["longitude"]), float(row["latitude"])],
            },
            "properties": {
                "name": row["name"],
                "url": url_pattern.format(pk=row["pk"]),
                "commune": row["commune"],
                "departement": row["departement"],
                "departement_name": departement_name(row["departement"]),
                "status_label": str(_("Devenu un lieu") if row["site_id"] else _("Vacant")),
            },
        }
        for row in rows
    ]
    return {"type": "FeatureCollection", "features": features}
