"""The owners' and funders' view (namespace "owner", under /proprietaire/): the staff of an
owner organisation follow, read-only, the sites it owns, and a funder's staff the sites its
funding lines name: status and project path, occupancy as aggregate figures, public events,
published impact reports.

Access: Site.objects.owned_by(user) (sites.models.owned_sites) decides, for both pages;
another owner's site answers 404. Nothing personal is shown: no people (responsible persons,
occupants, candidates), no structure by name, no documents; structures only as counts.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from events.models import Event
from impact.figures import site_figures
from impact.models import ImpactReport
from sites.models import Site, SitePath
from sites.path.selectors import timeline, with_progress

# The upcoming public events a site's page lists (the counts cover them all).
NEXT_EVENTS = 3


def _site_count(queryset) -> Subquery:
    return Subquery(
        queryset.order_by().values("site").annotate(n=Count("pk")).values("n"),
        output_field=IntegerField(),
    )


def _get_site(user, slug: str) -> Site:
    try:
        return Site.objects.owned_by(user).select_related("owner", "operator").get(slug=slug)
    except Site.DoesNotExist:
        raise Http404(_("Lieu introuvable.")) from None


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The sites the user follows, each with its status, its path's progress and the number of
    its published reports: one query, whatever the number of sites."""
    today = timezone.localdate()
    reports = ImpactReport.objects.published().filter(site=OuterRef("pk"))
    sites = list(
        with_progress(
            Site.objects.owned_by(request.user).select_related("owner", "operator"), today
        )
        .annotate(report_count=_site_count(reports))
        .order_by("owner__name", "name")
    )
    if not sites:
        raise Http404(_("Page introuvable."))
    return render(request, "impact/owner/index.html", {"sites": sites})


def _period(site: Site, today: date) -> tuple[date, date]:
    """The period of the occupancy figures: the current year up to today, within the site's
    occupancy period; for an occupancy over before this year, the whole of it."""
    start, end = date(today.year, 1, 1), today
    if site.occupancy_end and site.occupancy_end < start:
        return site.occupancy_start or date(site.occupancy_end.year, 1, 1), site.occupancy_end
    if site.occupancy_start and site.occupancy_start > start:
        start = min(site.occupancy_start, end)
    if site.occupancy_end and site.occupancy_end < end:
        end = max(site.occupancy_end, start)
    return start, end


@require_GET
@login_required
def site(request: HttpRequest, slug: str) -> HttpResponse:
    site = _get_site(request.user, slug)
    today = timezone.localdate()
    now = timezone.now()
    start, end = _period(site, today)
    figures = site_figures(site, start, end)
    events = Event.objects.published_public().filter(site=site)
    stages = timeline(SitePath.objects.filter(site=site).first(), today)
    steps = [row for _stage, rows in stages for row in rows]
    reports = list(
        ImpactReport.objects.published()
        .filter(site=site)
        .select_related("site")
        .order_by("-period_end", "-pk")
    )
    return render(
        request,
        "impact/owner/site.html",
        {
            "site": site,
            "period": (start, end),
            "figures": figures,
            "stages": stages,
            "current_stage": next(
                (stage for stage, rows in stages if any(not r.step.done_date for r in rows)),
                None,
            ),
            "done_count": sum(1 for row in steps if row.state == "done"),
            "late_count": sum(1 for row in steps if row.state == "late"),
            "step_count": len(steps),
            "upcoming_count": events.upcoming(now).count(),
            "past_count": events.past(now).count(),
            "next_events": list(events.upcoming(now)[:NEXT_EVENTS]),
            "reports": reports,
        },
    )
