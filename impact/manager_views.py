"""The managers' impact pages, under /impact/gestion/: their sites with the observations by
status, a site's observations grouped by level, the observation form, the workflow's actions
(validate, publish, unpublish, delete a draft) and the site's questionnaire.

Access: Site.objects.managed_by(user) and Observation.objects.manageable_by(user) decide;
another site or another site's observation answers 404. Writes go through impact.services,
which checks the right again.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.http import safe_next
from events.manager_views import get_managed_site, managed_sites
from impact import services
from impact.forms import ObservationFilterForm, ObservationForm, QuestionnaireForm
from impact.models import Level, Observation, Questionnaire, Status
from occupants.downloads import private_file_response
from sites.pagination import BoundedPaginator

PAGE_SIZE = 25


def _posted(request: HttpRequest):
    # An empty POST is still a submission: its form is bound and shows its errors.
    return request.POST if request.method == "POST" else None


def _managed_observation(request: HttpRequest, pk: int) -> Observation:
    return get_object_or_404(
        Observation.objects.manageable_by(request.user).select_related(
            "site", "author", "response"
        ),
        pk=pk,
    )


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The sites the user manages, each with its observations counted by status (one query)."""
    counts = {
        f"{status}_count": Count("observations", filter=Q(observations__status=status))
        for status in Status.values
    }
    sites = list(
        managed_sites(request.user)
        .annotate(**counts)
        .select_related("questionnaire")
        .order_by("name")
    )
    if not sites:
        raise Http404(_("Page introuvable."))
    for site in sites:
        site.status_counts = [
            (label, getattr(site, f"{value}_count")) for value, label in Status.choices
        ]
    return render(
        request, "impact/manager/index.html", {"sites": sites, "statuses": Status.choices}
    )


@require_GET
@login_required
def observations(request: HttpRequest, slug: str) -> HttpResponse:
    """A site's observations, PAGE_SIZE a page, grouped by level in the framework's order;
    ?niveau=, ?indicateur=, ?statut=, ?effet= and ?q= filter them. A page number out of range
    shows the last page, one that is not a number the first (as the directories)."""
    site = get_managed_site(request.user, slug)
    form = ObservationFilterForm(request.GET or None)
    rows = form.filter(
        Observation.objects.manageable_by(request.user)
        .filter(site=site)
        .select_related("author", "response")
    ).in_framework_order()
    page = BoundedPaginator(rows, PAGE_SIZE, limit=settings.DIRECTORY_COUNT_LIMIT).get_page(
        request.GET.get("page")
    )
    groups: list[dict] = []
    for observation in page.object_list:
        if not groups or groups[-1]["level"] != observation.level:
            level = Level(observation.level)
            groups.append({"level": level, "label": level.label, "observations": []})
        groups[-1]["observations"].append(observation)
    return render(
        request,
        "impact/manager/observations.html",
        {
            "site": site,
            "form": form,
            "filtered": bool(form.values()),
            "page": page,
            "groups": groups,
            # The actions send back to this very page (filters and page number kept).
            "next": request.get_full_path(),
        },
    )


def _save(request: HttpRequest, form: ObservationForm) -> Observation | None:
    observation = form.save(commit=False)
    try:
        services.observation_save(
            observation=observation,
            by=request.user,
            events=form.cleaned_data.get("events", []),
            structures=form.cleaned_data.get("structures", []),
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return None
    except PermissionDenied:
        raise Http404(_("Observation introuvable.")) from None
    return observation


@require_http_methods(["GET", "POST"])
@login_required
def observation_create(request: HttpRequest, slug: str) -> HttpResponse:
    site = get_managed_site(request.user, slug)
    form = ObservationForm(_posted(request), request.FILES or None, site=site)
    if request.method == "POST" and form.is_valid():
        observation = _save(request, form)
        if observation is not None:
            messages.success(
                request,
                _("L'observation « %(name)s » est enregistrée en brouillon.")
                % {"name": observation.get_indicator_display()},
            )
            return redirect("impact_manager:observations", slug=site.slug)
    return render(
        request,
        "impact/manager/observation_form.html",
        {"site": site, "form": form, "observation": None},
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def observation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    observation = _managed_observation(request, pk)
    site = observation.site
    form = ObservationForm(_posted(request), request.FILES or None, instance=observation, site=site)
    if request.method == "POST" and form.is_valid() and _save(request, form) is not None:
        messages.success(request, _("L'observation est enregistrée."))
        return redirect("impact_manager:observations", slug=site.slug)
    return render(
        request,
        "impact/manager/observation_form.html",
        {"site": site, "form": form, "observation": observation},
        status=400 if form.is_bound else 200,
    )


@require_GET
@login_required
def observation_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """The evidence file, for the site's managers only (it may name people)."""
    observation = get_object_or_404(
        Observation.objects.manageable_by(request.user).exclude(evidence_file=""), pk=pk
    )
    extension = observation.evidence_file.name.rsplit(".", 1)[-1]
    return private_file_response(observation.evidence_file, f"preuve-{observation.pk}.{extension}")


def _back(request: HttpRequest, observation: Observation) -> str:
    """Where an action sends back: the list's page it came from (?next=), else the list."""
    return safe_next(request, reverse("impact_manager:observations", args=[observation.site.slug]))


def _action(request: HttpRequest, pk: int, service: Callable, done: str) -> HttpResponseRedirect:
    observation = _managed_observation(request, pk)
    back = _back(request, observation)
    try:
        service(observation=observation, by=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    except PermissionDenied:
        raise Http404(_("Observation introuvable.")) from None
    else:
        messages.success(request, done % {"name": observation.get_indicator_display()})
    return HttpResponseRedirect(back)


@require_POST
@login_required
def observation_validate(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request, pk, services.observation_validate, _("L'observation « %(name)s » est validée.")
    )


@require_POST
@login_required
def observation_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request, pk, services.observation_publish, _("L'observation « %(name)s » est publiée.")
    )


@require_POST
@login_required
def observation_unpublish(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        services.observation_unpublish,
        _("L'observation « %(name)s » n'est plus publiée."),
    )


@require_http_methods(["GET", "POST"])
@login_required
def observation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation, POST deletes the draft."""
    observation = _managed_observation(request, pk)
    if request.method == "POST":
        return _action(
            request,
            pk,
            services.observation_delete,
            _("L'observation « %(name)s » est supprimée."),
        )
    back = _back(request, observation)
    if observation.status != Status.DRAFT:
        messages.info(request, _("Seule une observation en brouillon peut être supprimée."))
        return HttpResponseRedirect(back)
    return render(
        request,
        "impact/manager/observation_delete.html",
        {"observation": observation, "back": back},
    )


@require_http_methods(["GET", "POST"])
@login_required
def questionnaire(request: HttpRequest, slug: str) -> HttpResponse:
    """Open or close the site's questionnaire and write its introduction."""
    site = get_managed_site(request.user, slug)
    instance = Questionnaire.objects.filter(site=site).first() or Questionnaire(
        site=site, is_open=False
    )
    form = QuestionnaireForm(_posted(request), instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(
            request,
            _("Le questionnaire est ouvert aux réponses.")
            if form.instance.is_open
            else _("Le questionnaire est fermé aux réponses."),
        )
        return redirect("impact_manager:questionnaire", slug=site.slug)
    responses = instance.responses.count() if instance.pk else 0
    return render(
        request,
        "impact/manager/questionnaire.html",
        {"site": site, "form": form, "questionnaire": instance, "response_count": responses},
        status=400 if form.is_bound else 200,
    )
