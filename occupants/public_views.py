"""Public pages of the occupant structures: the directory and a structure's page.

Only structures with a public profile are shown; their contact person never is.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from core.cachekeys import digest, fields_key
from occupants import selectors
from occupants.filters import StructureFilter
from sites.page_cache import public_page
from sites.pagination import BoundedPaginator


@require_GET
@public_page(params=(*StructureFilter.base_filters, "page"))
def directory(request: HttpRequest) -> HttpResponse:
    filterset = StructureFilter(request.GET, queryset=selectors.directory_queryset())
    paginator = BoundedPaginator(
        selectors.with_card_data(filterset.qs),
        settings.DIRECTORY_PAGE_SIZE,
        limit=settings.DIRECTORY_COUNT_LIMIT,
    )
    page = paginator.get_page(request.GET.get("page"))
    filtered = any(request.GET.get(name) for name in filterset.filters)
    for structure in page.object_list:
        structure.sites = selectors.current_sites(structure)
        structure.sector_list = list(structure.sectors.all())
    form = filterset.form
    context = {
        "filterset": filterset,
        "form": form,
        # What the filter fields read (their values and the sectors offered): the template
        # caches their HTML under it.
        "filters_key": fields_key(
            form, sectors=digest(filterset.filters["sector"].extra["choices"])
        ),
        "page": page,
        "filtered": filtered,
    }
    return render(request, "occupants/public/directory.html", context)


@require_GET
@public_page
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    structure = get_object_or_404(selectors.public_structure_queryset(), slug=slug)
    return render(
        request,
        "occupants/public/detail.html",
        {"structure": structure, "sites": selectors.current_sites(structure)},
    )
