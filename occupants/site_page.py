"""The public page of a site: its places and figures (sites) with the structures that occupy it
(this app). It lives here because sites may not know its occupants; config/urls.py keeps its
URL name, ``sites:detail``."""

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from core import sections
from occupants.selectors import with_occupied_surface
from sites import selectors
from sites.departements import departement_name
from sites.models import Funding, Site, Space
from sites.page_cache import public_page


def site_detail_queryset(user) -> QuerySet[Site]:
    """The published site with what its page shows; the occupied surface (read by the occupant
    picture) only for a user who gets that picture fresh rather than from the cache
    (core.sections)."""
    sites = Site.objects.published()
    if not sections.from_cache(user):
        sites = with_occupied_surface(sites)
    return sites.select_related("owner", "operator").prefetch_related(
        Prefetch("spaces", queryset=Space.objects.order_by("level", "name")),
        "photos",
        Prefetch("fundings", queryset=Funding.objects.select_related("funder")),
        "equipment",
    )


@require_GET
@public_page
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    site = get_object_or_404(site_detail_queryset(request.user), slug=slug)
    og_image = selectors.absolute_media_url(site.cover_photo.url) if site.cover_photo else ""
    return render(
        request,
        "sites/detail.html",
        {
            "site": site,
            "figures": selectors.site_figures(site),
            "space_summary": selectors.space_summary(site),
            "departement_name": departement_name(site.departement),
            "og_image": og_image,
        },
    )
