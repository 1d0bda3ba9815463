"""The public agenda's pages: the list of events of every site, with its filters and its
archive, and an event's page with its schema.org JSON-LD."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from events.agenda.filters import EventFilter
from events.agenda.jsonld import event_items, ld_json
from events.models import Event, EventTiming, Public
from sites.page_cache import public_page
from sites.pagination import BoundedPaginator
from sites.selectors import absolute_media_url

FILTER_PARAMS = tuple(EventFilter.base_filters)
AGENDA_PAGE_SIZE = 24
# The agenda counts (and pages) its first ten pages of events at most ("Plus de 240
# événements", then the dates and filters narrow it): each counted event is joined to its next
# date, and counting a thousand took 4 ms on every agenda page, 18 ms in a busy département of
# the bench's ten times the data.
AGENDA_COUNT_LIMIT = 10 * AGENDA_PAGE_SIZE


def agenda_queryset() -> QuerySet[Event]:
    """What /agenda/ lists: the published public events of published sites, with what a card
    shows (the site in the same query)."""
    return (
        Event.objects.published_public()
        .select_related("site")
        .only(
            "pk", "slug", "title", "summary", "kind", "state", "price_kind", "price_amount",
            "accessible_hearing", "accessible_visual", "accessible_psychic",
            "accessible_motor", "accessible_intellectual", "attendance_mode",
            "image_thumbnail", "image_alt",
            "site", "site__id", "site__name", "site__slug", "site__commune", "site__departement",
        )
    )  # fmt: skip


def event_queryset(user) -> QuerySet[Event]:
    """An event page's event, if the user may open it (events_visible_to), with its site, its
    structure and its dates with their rooms; `on_public_agenda` says whether the public agenda
    and its feeds show it (published_public, the one rule), in the same query."""
    return (
        Event.objects.visible_to(user)
        .annotate(
            on_public_agenda=Exists(Event.objects.published_public().filter(pk=OuterRef("pk")))
        )
        .select_related("site", "structure")
        .prefetch_related(
            Prefetch(
                "timings",
                queryset=EventTiming.objects.select_related("room").order_by("start", "pk"),
            )
        )
    )


@require_GET
@public_page(params=(*FILTER_PARAMS, "page"))
def index(request: HttpRequest) -> HttpResponse:
    filterset = EventFilter(request.GET, queryset=agenda_queryset())
    paginator = BoundedPaginator(filterset.qs, AGENDA_PAGE_SIZE, limit=AGENDA_COUNT_LIMIT)
    page = paginator.get_page(request.GET.get("page"))
    filtered = any(request.GET.get(name) for name in filterset.filters)
    context = {
        "filterset": filterset,
        "form": filterset.form,
        # What the filter fields read: the template caches their HTML under it.
        "filters_key": filterset.fields_key(),
        "page": page,
        "past": filterset.past,
        "filtered": filtered,
    }
    partial = request.htmx and not request.htmx.history_restore_request
    template = "events/agenda/index.html#results" if partial else "events/agenda/index.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
@public_page
def event(request: HttpRequest, slug: str) -> HttpResponse:
    event = get_object_or_404(event_queryset(request.user), slug=slug)
    timings = list(event.timings.all())
    now = timezone.now()
    url = settings.SITE_URL + event.get_absolute_url()
    site_url = settings.SITE_URL + event.site.get_absolute_url()
    image_url = absolute_media_url(event.image.url) if event.image else ""
    public = event.on_public_agenda
    context = {
        "event": event,
        "site": event.site,
        "timings": timings,
        "upcoming_timings": [t for t in timings if t.end > now],
        "past_timings": [t for t in timings if t.end <= now],
        "is_over": bool(timings) and all(t.end <= now for t in timings),
        "public": public,
        "publics": [Public(value).label for value in event.publics if value in Public.values],
        "og_image": image_url,
        # Only what the public agenda shows is described to the search engines.
        "jsonld": ld_json(
            event_items(event, timings, url=url, site_url=site_url, image_url=image_url)
        )
        if public and timings
        else "",
    }
    return render(request, "events/agenda/event.html", context)
