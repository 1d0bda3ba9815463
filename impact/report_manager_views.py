"""The managers' report pages, under /impact/gestion/rapports/ (namespace "impact_reports"):
their sites' reports, a new one, a draft's edit and declared figures, its preview and its
publication.

Access: ImpactReport.objects.manageable_by(user) decides (and Site.objects.managed_by for the
sites offered): another site's report answers 404, as does every page to whoever manages no
site. Writes go through impact.reports, which checks the right again; a published report is
never edited (its pages say so and send back to it).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from impact import reports as services
from impact.models import ImpactReport
from impact.presentation import report_page_context
from impact.report_forms import DeclaredFigureFormSet, ReportForm
from sites.models import Site


def _require_manager(user) -> None:
    # Someone who manages no site has no page here: 404 tells nothing about other sites.
    if not Site.objects.managed_by(user).exists():
        raise Http404(_("Page introuvable."))


def _managed_report(user, pk: int) -> ImpactReport:
    return get_object_or_404(
        ImpactReport.objects.manageable_by(user).select_related("site", "site__operator"), pk=pk
    )


def _refuse_published(request: HttpRequest, report: ImpactReport) -> HttpResponse | None:
    if report.is_published:
        messages.error(request, services.PUBLISHED_IS_FINAL)
        return redirect(report.get_absolute_url())
    return None


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@require_GET
@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    _require_manager(request.user)
    reports = list(
        ImpactReport.objects.manageable_by(request.user)
        .select_related("site")
        .order_by("site__name", "-period_end", "pk")
    )
    return render(request, "impact/manager/report_list.html", {"reports": reports})


@require_http_methods(["GET", "POST"])
@login_required
def report_create(request: HttpRequest) -> HttpResponse:
    _require_manager(request.user)
    form = ReportForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_create(
                site=form.cleaned_data["site"], by=request.user, **form.report_fields()
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Le brouillon du rapport est créé."))
            return redirect("impact_reports:figures", pk=report.pk)
    return render(request, "impact/manager/report_form.html", {"form": form, "report": None})


@require_http_methods(["GET", "POST"])
@login_required
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = _managed_report(request.user, pk)
    if refused := _refuse_published(request, report):
        return refused
    form = ReportForm(request.POST or None, instance=report, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_update(report, by=request.user, **form.report_fields())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Le brouillon du rapport est enregistré."))
            return redirect("impact_reports:list")
    return render(request, "impact/manager/report_form.html", {"form": form, "report": report})


@require_http_methods(["GET", "POST"])
@login_required
def report_figures(request: HttpRequest, pk: int) -> HttpResponse:
    """The declared figures of a draft: a formset, each change through impact.reports."""
    report = _managed_report(request.user, pk)
    if refused := _refuse_published(request, report):
        return refused
    formset = DeclaredFigureFormSet(
        request.POST or None, queryset=report.declared_figures.all(), prefix="chiffres"
    )
    if request.method == "POST" and formset.is_valid():
        try:
            _save_figures(formset, report, request.user)
        except ValidationError as error:
            formset._non_form_errors = formset.error_class(error.messages)
        else:
            messages.success(request, _("Les chiffres déclarés sont enregistrés."))
            return redirect("impact_reports:figures", pk=report.pk)
    return render(
        request, "impact/manager/report_figures.html", {"formset": formset, "report": report}
    )


def _save_figures(formset, report: ImpactReport, user) -> None:
    with transaction.atomic():
        for form in formset.forms:
            instance = form.instance
            if formset.can_delete and formset._should_delete_form(form):
                if instance.pk:
                    services.declared_figure_delete(instance, by=user)
                continue
            if not form.has_changed():
                continue
            fields = {name: form.cleaned_data[name] for name in form._meta.fields}
            if instance.pk:
                services.declared_figure_edit(instance, by=user, **fields)
            else:
                services.declared_figure_add(report, by=user, **fields)


@require_GET
@login_required
def report_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The public page's rendering of the report: a draft's figures computed now."""
    report = _managed_report(request.user, pk)
    figures = report.figures if report.is_published else services.live_figures(report)
    context = report_page_context(report, figures)
    context["preview"] = not report.is_published
    return render(request, "impact/report.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def report_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what publishing does; POST: publish, for good."""
    report = _managed_report(request.user, pk)
    if refused := _refuse_published(request, report):
        return refused
    if request.method == "POST":
        try:
            report = services.report_publish(report=report, by=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("impact_reports:publish", pk=report.pk)
        messages.success(request, _("Le rapport est publié ; ses chiffres sont figés."))
        return redirect(report.get_absolute_url())
    return render(request, "impact/manager/report_publish.html", {"report": report})
