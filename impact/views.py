"""The public impact pages: a site's reports, a report, an operator's portfolio.

Who sees a report is ImpactReport.objects.visible_to (the one rule): its published reports on a
published site for everyone, and every report of the sites they manage for the managers (who
reach a draft's page through their preview). Anything else answers 404. The pages are served
from the public page cache to anonymous visitors (sites.page_cache.public_page), like the site
page; a published report never changes, and its page shows its frozen figures only.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.models import Organisation
from impact.models import ImpactReport, Questionnaire
from impact.portfolio import portfolio_totals
from impact.presentation import report_page_context
from impact.reports import live_figures
from sites.page_cache import public_page


def visible_reports(user) -> QuerySet[ImpactReport]:
    return ImpactReport.objects.visible_to(user).select_related("site", "site__operator")


def questionnaire_open(site) -> bool:
    """Whether the site's questionnaire takes answers (the pages invite their readers)."""
    return Questionnaire.objects.filter(site=site, is_open=True).exists()


@require_GET
@public_page
def report_list(request: HttpRequest, site_slug: str) -> HttpResponse:
    # A site without a report one may see has no such page: 404, whether it exists or not.
    reports = list(
        visible_reports(request.user).filter(site__slug=site_slug).order_by("-period_end", "pk")
    )
    if not reports:
        raise Http404(_("Page introuvable."))
    site = reports[0].site
    return render(
        request,
        "impact/report_list.html",
        {"site": site, "reports": reports, "questionnaire_open": questionnaire_open(site)},
    )


@require_GET
@public_page
def report(request: HttpRequest, site_slug: str, report_slug: str) -> HttpResponse:
    found = get_object_or_404(visible_reports(request.user), site__slug=site_slug, slug=report_slug)
    figures = found.figures if found.is_published else live_figures(found)
    context = report_page_context(found, figures)
    context["preview"] = not found.is_published
    context["questionnaire_open"] = questionnaire_open(found.site)
    return render(request, "impact/report.html", context)


@require_GET
@public_page
def portfolio(request: HttpRequest, slug: str) -> HttpResponse:
    """An operator's sites and the sum of their latest published reports' figures."""
    operator = get_object_or_404(Organisation, slug=slug, kind=Organisation.Kind.OPERATOR)
    reports = list(
        ImpactReport.objects.published()
        .filter(site__operator=operator)
        .select_related("site")
        .order_by("site__name", "site_id", "-period_end", "pk")
    )
    latest: dict[int, ImpactReport] = {}
    for item in reports:
        latest.setdefault(item.site_id, item)
    if not latest:
        raise Http404(_("Page introuvable."))
    chosen = list(latest.values())
    return render(
        request,
        "impact/portfolio.html",
        {"operator": operator, "reports": chosen, "totals": portfolio_totals(chosen)},
    )
