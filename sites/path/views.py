"""The project path pages of managers and operator staff, under /parcours/: the portfolio of
their sites' paths, a site's timeline, its history, and the forms that change a path.

Access: Site.objects.managed_by(user) decides, through the helpers below (the stages' and
steps' managed_by filter with the same rule). Another site, stage or step answers 404. Writes go
through sites.path.services, which checks the right again.
"""

from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.files import private_file_response
from sites.models import PathChange, Site, SitePath, Stage, Step
from sites.models.path import STATUS_ORDER, status_rank
from sites.path import services
from sites.path.forms import MoveForm, StageForm, StatusForm, StepForm, TemplateForm
from sites.path.selectors import timeline as timeline_rows
from sites.path.selectors import with_progress

HISTORY_LIMIT = 200

# --- Access ---------------------------------------------------------------------------------


def _get_site(user, slug: str) -> Site:
    try:
        return Site.objects.managed_by(user).select_related("operator").get(slug=slug)
    except Site.DoesNotExist:
        raise Http404(_("Lieu introuvable.")) from None


def _get_stage(user, pk: int) -> Stage:
    try:
        return Stage.objects.managed_by(user).select_related("path__site").get(pk=pk)
    except Stage.DoesNotExist:
        raise Http404(_("Phase introuvable.")) from None


def _get_step(user, pk: int) -> Step:
    try:
        return Step.objects.managed_by(user).select_related("stage__path__site").get(pk=pk)
    except Step.DoesNotExist:
        raise Http404(_("Étape introuvable.")) from None


def _timeline_url(site: Site) -> str:
    return reverse("path:timeline", kwargs={"slug": site.slug})


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# --- Portfolio ------------------------------------------------------------------------------


@require_GET
@login_required
def portfolio(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    sites = list(
        with_progress(
            Site.objects.managed_by(request.user).select_related("operator"), today
        ).order_by("operator__name", "name")
    )
    if not sites:
        raise Http404(_("Page introuvable."))
    for site in sites:
        site.step_count = site.step_count or 0
        site.done_count = site.done_count or 0
        site.late_count = site.late_count or 0
    return render(request, "sites/path/portfolio.html", {"sites": sites})


# --- Timeline -------------------------------------------------------------------------------


@require_GET
@login_required
def timeline(request: HttpRequest, slug: str) -> HttpResponse:
    site = _get_site(request.user, slug)
    path = SitePath.objects.filter(site=site).first()
    today = timezone.localdate()
    rank = status_rank(site.status)
    next_status = STATUS_ORDER[rank + 1] if rank + 1 < len(STATUS_ORDER) else None
    missing = services.missing_steps(site, next_status) if next_status else []
    return render(
        request,
        "sites/path/timeline.html",
        {
            "site": site,
            "path": path,
            "stages": timeline_rows(path, today),
            "next_status": next_status,
            "next_status_label": dict(Site.Status.choices).get(next_status, ""),
            "missing": missing,
        },
    )


@require_GET
@login_required
def history(request: HttpRequest, slug: str) -> HttpResponse:
    site = _get_site(request.user, slug)
    changes = PathChange.objects.filter(path__site=site).select_related("by")[:HISTORY_LIMIT]
    return render(request, "sites/path/history.html", {"site": site, "changes": changes})


# --- The site's status and template ----------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def change_status(request: HttpRequest, slug: str) -> HttpResponse:
    site = _get_site(request.user, slug)
    form = StatusForm(request.POST or None, initial={"status": site.status})
    if request.method == "POST" and form.is_valid():
        try:
            services.site_change_status(
                site=site, status=form.cleaned_data["status"], by=request.user
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Le statut du lieu est changé."))
            return redirect(_timeline_url(site))
    return render(
        request,
        "sites/path/form.html",
        {
            "site": site,
            "form": form,
            "title": _("Changer le statut de « %(site)s »") % {"site": site.name},
            "submit_label": _("Changer le statut"),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def apply_template(request: HttpRequest, slug: str) -> HttpResponse:
    site = _get_site(request.user, slug)
    form = TemplateForm(request.POST or None, site=site)
    if request.method == "POST" and form.is_valid():
        try:
            services.path_apply_template(
                site=site, template=form.cleaned_data["template"], by=request.user
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Le modèle est appliqué : adaptez le parcours."))
            return redirect(_timeline_url(site))
    return render(
        request,
        "sites/path/form.html",
        {
            "site": site,
            "form": form,
            "title": _("Appliquer un modèle au parcours de « %(site)s »") % {"site": site.name},
            "submit_label": _("Appliquer le modèle"),
        },
    )


# --- Stages ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def stage_add(request: HttpRequest, slug: str) -> HttpResponse:
    site = _get_site(request.user, slug)
    form = StageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.stage_create(site=site, title=form.cleaned_data["title"], by=request.user)
        messages.success(request, _("La phase est ajoutée."))
        return redirect(_timeline_url(site))
    return render(
        request,
        "sites/path/form.html",
        {"site": site, "form": form, "title": _("Ajouter une phase"), "submit_label": _("Ajouter")},
    )


@require_http_methods(["GET", "POST"])
@login_required
def stage_edit(request: HttpRequest, pk: int) -> HttpResponse:
    stage = _get_stage(request.user, pk)
    site = stage.path.site
    form = StageForm(request.POST or None, instance=copy.copy(stage))
    if request.method == "POST" and form.is_valid():
        services.stage_update(stage=stage, title=form.cleaned_data["title"], by=request.user)
        messages.success(request, _("La phase est modifiée."))
        return redirect(_timeline_url(site))
    return render(
        request,
        "sites/path/form.html",
        {
            "site": site,
            "form": form,
            "title": _("Modifier la phase « %(stage)s »") % {"stage": stage.title},
            "submit_label": _("Enregistrer"),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def stage_delete(request: HttpRequest, pk: int) -> HttpResponse:
    stage = _get_stage(request.user, pk)
    site = stage.path.site
    if request.method == "POST":
        services.stage_delete(stage=stage, by=request.user)
        messages.success(request, _("La phase et ses étapes sont supprimées."))
        return redirect(_timeline_url(site))
    return render(
        request,
        "sites/path/confirm_delete.html",
        {
            "site": site,
            "title": _("Supprimer la phase « %(stage)s » ?") % {"stage": stage.title},
            "message": _("Ses étapes, leurs notes et leurs documents seront supprimés."),
        },
    )


def _move(request: HttpRequest, move, item, site: Site) -> HttpResponse:
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez vers le haut ou vers le bas."))
    else:
        move(form.cleaned_data["direction"])
    return redirect(_timeline_url(site) + f"#{item}")


@require_POST
@login_required
def stage_move(request: HttpRequest, pk: int) -> HttpResponse:
    stage = _get_stage(request.user, pk)
    return _move(
        request,
        lambda direction: services.stage_move(stage=stage, direction=direction, by=request.user),
        f"phase-{stage.pk}",
        stage.path.site,
    )


# --- Steps ----------------------------------------------------------------------------------


def _step_fields(form: StepForm) -> dict:
    fields = {name: form.cleaned_data[name] for name in services.STEP_FIELDS}
    upload = form.cleaned_data.get("document")
    if upload and hasattr(upload, "content_type"):  # a new upload, not the stored file
        fields["document"] = upload
    fields["remove_document"] = form.cleaned_data.get("remove_document", False)
    return fields


@require_http_methods(["GET", "POST"])
@login_required
def step_add(request: HttpRequest, pk: int) -> HttpResponse:
    stage = _get_stage(request.user, pk)
    site = stage.path.site
    form = StepForm(request.POST or None, request.FILES or None, site=site)
    if request.method == "POST" and form.is_valid():
        fields = _step_fields(form)
        fields.pop("remove_document")
        try:
            services.step_create(stage=stage, by=request.user, **fields)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("L'étape est ajoutée."))
            return redirect(_timeline_url(site))
    return render(
        request,
        "sites/path/form.html",
        {
            "site": site,
            "form": form,
            "title": _("Ajouter une étape à la phase « %(stage)s »") % {"stage": stage.title},
            "submit_label": _("Ajouter"),
            "multipart": True,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def step_edit(request: HttpRequest, pk: int) -> HttpResponse:
    step = _get_step(request.user, pk)
    site = step.stage.path.site
    # The form works on a copy: the service compares the step as stored with what changed.
    form = StepForm(
        request.POST or None, request.FILES or None, instance=copy.copy(step), site=site
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.step_update(step=step, by=request.user, **_step_fields(form))
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("L'étape est enregistrée."))
            return redirect(_timeline_url(site) + f"#etape-{step.pk}")
    return render(
        request,
        "sites/path/form.html",
        {
            "site": site,
            "form": form,
            "step": step,
            "title": _("Modifier l'étape « %(step)s »") % {"step": step.title},
            "submit_label": _("Enregistrer"),
            "multipart": True,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def step_delete(request: HttpRequest, pk: int) -> HttpResponse:
    step = _get_step(request.user, pk)
    site = step.stage.path.site
    if request.method == "POST":
        services.step_delete(step=step, by=request.user)
        messages.success(request, _("L'étape est supprimée."))
        return redirect(_timeline_url(site))
    return render(
        request,
        "sites/path/confirm_delete.html",
        {
            "site": site,
            "title": _("Supprimer l'étape « %(step)s » ?") % {"step": step.title},
            "message": _("Ses notes et son document seront supprimés."),
        },
    )


@require_POST
@login_required
def step_move(request: HttpRequest, pk: int) -> HttpResponse:
    step = _get_step(request.user, pk)
    return _move(
        request,
        lambda direction: services.step_move(step=step, direction=direction, by=request.user),
        f"etape-{step.pk}",
        step.stage.path.site,
    )


@require_GET
@login_required
def step_document(request: HttpRequest, pk: int) -> HttpResponse:
    step = _get_step(request.user, pk)
    if not step.document:
        raise Http404(_("Ce fichier est introuvable."))
    return private_file_response(step.document, step.document_name or "document")
