from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from sites import selectors
from sites.filters import MapViewForm, SiteFilter
from sites.page_cache import public_page
from sites.pagination import BoundedPaginator

# What the directory and its GeoJSON twin read from the query: the filters, and the page.
FILTER_PARAMS = tuple(SiteFilter.base_filters)


@require_GET
@public_page
def home(request: HttpRequest) -> HttpResponse:
    data = selectors.home_data(timezone.localdate())
    return render(
        request,
        "sites/home.html",
        {"data": data, "geojson_url": reverse("sites:geojson")},
    )


@require_GET
@public_page(params=(*FILTER_PARAMS, "page"))
def directory(request: HttpRequest) -> HttpResponse:
    filterset = SiteFilter(request.GET, queryset=selectors.directory_queryset())
    paginator = BoundedPaginator(
        filterset.qs,
        settings.DIRECTORY_PAGE_SIZE,
        limit=settings.DIRECTORY_COUNT_LIMIT,
        page_rows=selectors.with_card_data,
    )
    page = paginator.get_page(request.GET.get("page"))
    filtered = any(request.GET.get(name) for name in filterset.filters if name != "sort")
    form = filterset.form
    context = {
        "filterset": filterset,
        "form": form,
        # What the filter fields read: the template caches their HTML under it.
        "filters_key": filterset.fields_key(),
        "page": page,
        "filtered": filtered,
    }
    # An htmx request from the filter form swaps the results only; a history restore (back
    # button with an empty htmx cache) needs the whole page.
    partial = request.htmx and not request.htmx.history_restore_request
    template = "sites/directory.html#results" if partial else "sites/directory.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
@public_page(params=(*FILTER_PARAMS, "bbox", "zoom"))
def geojson(request: HttpRequest) -> JsonResponse:
    """The directory's sites in the map's view (`bbox`, `zoom`), clustered when there are many;
    a box or a zoom that does not parse is a 400 that says why, in French."""
    view = MapViewForm(request.GET)
    if not view.is_valid():
        errors = [message for messages in view.errors.values() for message in messages]
        return JsonResponse({"error": " ".join(errors)}, status=400)
    filterset = SiteFilter(request.GET, queryset=selectors.directory_queryset())
    return JsonResponse(
        selectors.site_map(filterset.qs, **view.cleaned_data),
        content_type="application/geo+json",
    )
