"""The vacant-space inventory's pages: internal, for the people of the buildings' owners and
operators (VacantBuilding.objects.manageable_by); anyone else gets a 404."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.exports import csv_response, export_filename, xlsx_response
from core.files import private_file_response
from sites.filters import MapViewForm
from sites.inventory import exports, selectors, services
from sites.inventory.filters import VacantBuildingFilter
from sites.inventory.forms import DocumentForm, PhotoForm, VacantBuildingForm
from sites.inventory.models import (
    VacantBuilding,
    VacantBuildingDocument,
    VacantBuildingPhoto,
    uses_inventory,
)
from sites.pagination import BoundedPaginator

PAGE_SIZE = 25


def inventory_page(view):
    """Logged in (else the login page), and one of the inventory's people (else a 404)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not uses_inventory(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _buildings(request: HttpRequest) -> QuerySet[VacantBuilding]:
    return VacantBuilding.objects.manageable_by(request.user)


def _editable(request: HttpRequest, pk: int) -> VacantBuilding:
    return get_object_or_404(_buildings(request).select_related("site"), pk=pk)


def _kept_as_it_was(request: HttpRequest, building: VacantBuilding) -> HttpResponse:
    """A building that became a site keeps its record as it was (the site carries on)."""
    messages.info(
        request, _("Ce bâtiment est devenu un lieu : sa fiche d'inventaire ne change plus.")
    )
    return redirect(building)


def _filtered(request: HttpRequest) -> VacantBuildingFilter:
    return VacantBuildingFilter(request.GET, queryset=_buildings(request))


@require_GET
@inventory_page
def building_list(request: HttpRequest) -> HttpResponse:
    filterset = _filtered(request)
    paginator = BoundedPaginator(
        filterset.qs,
        PAGE_SIZE,
        limit=settings.DIRECTORY_COUNT_LIMIT,
        page_rows=selectors.list_rows,
    )
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "filterset": filterset,
        "form": filterset.form,
        "page": page,
    }
    partial = request.htmx and not request.htmx.history_restore_request
    template = "sites/inventory/list.html#results" if partial else "sites/inventory/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
@inventory_page
def geojson(request: HttpRequest) -> JsonResponse:
    view = MapViewForm(request.GET)
    if not view.is_valid():
        errors = [message for messages_ in view.errors.values() for message in messages_]
        return JsonResponse({"error": " ".join(errors)}, status=400)
    collection = selectors.building_map(_filtered(request).qs, bbox=view.cleaned_data["bbox"])
    response = JsonResponse(collection, content_type="application/geo+json")
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@inventory_page
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    header, rows = exports.building_table(_filtered(request).qs)
    filename = export_filename("inventaire")
    if fmt == "csv":
        return csv_response(header, rows, filename)
    return xlsx_response(header, rows, filename)


@require_GET
@inventory_page
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    building = selectors.building_for_page(_buildings(request), pk)
    return render(request, "sites/inventory/detail.html", {"building": building})


def _save(request: HttpRequest, form: VacantBuildingForm) -> VacantBuilding | None:
    """Hand a valid form to the service; a rule it still refuses goes back to the form."""
    if not form.is_valid():
        return None
    try:
        return services.vacant_building_save(
            building=form.instance,
            scenarios=form.cleaned_data["scenarios"],
            changed=form.changed_data,
            by=request.user,
        )
    except ValidationError as error:
        form.add_error(None, error)
        return None


@require_http_methods(["GET", "POST"])
@inventory_page
def create(request: HttpRequest) -> HttpResponse:
    form = VacantBuildingForm(request.POST or None, user=request.user)
    if request.method == "POST" and (building := _save(request, form)) is not None:
        messages.success(request, _("Le bâtiment est ajouté à l'inventaire."))
        return redirect(building)
    return render(request, "sites/inventory/form.html", {"form": form, "building": None})


@require_http_methods(["GET", "POST"])
@inventory_page
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    building = _editable(request, pk)
    if building.converted:
        return _kept_as_it_was(request, building)
    form = VacantBuildingForm(request.POST or None, instance=building, user=request.user)
    if request.method == "POST" and _save(request, form) is not None:
        messages.success(request, _("Les modifications sont enregistrées."))
        return redirect(building)
    return render(request, "sites/inventory/form.html", {"form": form, "building": building})


@require_http_methods(["GET", "POST"])
@inventory_page
def photo_add(request: HttpRequest, pk: int) -> HttpResponse:
    building = _editable(request, pk)
    if building.converted:
        return _kept_as_it_was(request, building)
    form = PhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.vacant_building_photo_add(
                building=building,
                image=form.cleaned_data["image"],
                alt_text=form.cleaned_data["alt_text"],
                caption=form.cleaned_data["caption"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("La photo est ajoutée."))
            return redirect(building)
    context = {"form": form, "building": building, "kind": "photo"}
    return render(request, "sites/inventory/upload.html", context)


@require_http_methods(["GET", "POST"])
@inventory_page
def document_add(request: HttpRequest, pk: int) -> HttpResponse:
    building = _editable(request, pk)
    if building.converted:
        return _kept_as_it_was(request, building)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.vacant_building_document_add(
                building=building,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Le document est ajouté."))
            return redirect(building)
    context = {"form": form, "building": building, "kind": "document"}
    return render(request, "sites/inventory/upload.html", context)


@require_GET
@inventory_page
def photo(request: HttpRequest, pk: int, size: str = "image") -> FileResponse:
    """A photo (or its thumbnail) shown inline, to those who may see its building."""
    item = get_object_or_404(
        VacantBuildingPhoto.objects.filter(building__in=_buildings(request)), pk=pk
    )
    file = item.thumbnail if size == "thumbnail" and item.thumbnail else item.image
    return private_file_response(file, file.name.rsplit("/", 1)[-1], as_attachment=False)


@require_GET
@inventory_page
def document(request: HttpRequest, pk: int) -> FileResponse:
    item = get_object_or_404(
        VacantBuildingDocument.objects.filter(building__in=_buildings(request)), pk=pk
    )
    return private_file_response(item.file, item.original_name)


@require_http_methods(["GET", "POST"])
@inventory_page
def convert(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what becoming a site will do; POST: do it (sites.inventory.services)."""
    building = get_object_or_404(_buildings(request).select_related("site", "operator"), pk=pk)
    if request.method == "POST":
        try:
            site = services.vacant_building_to_site(building=building, by=request.user)
        except services.ConversionRefused as refusal:
            messages.error(request, str(refusal))
            return redirect(building)
        except PermissionDenied:
            raise Http404 from None
        messages.success(
            request,
            _("« %(name)s » est devenu un lieu, en repérage : il n'est pas publié.")
            % {"name": site.name},
        )
        return redirect(building)
    return render(request, "sites/inventory/convert.html", {"building": building})
