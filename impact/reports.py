"""Report workflows: write a site's report, its declared figures, and publish it.

(These are the reports' services; they live apart from impact.services, which holds the
observations' own, so that the two are written side by side.)

Each write is one transaction that re-reads the report under a lock among those `by` may
change (ImpactReport.objects.manageable_by, the one rule): someone who may not change it gets
PermissionDenied, a refused request a ValidationError with a French message, and nothing is
written.

Publishing freezes the computed figures (impact.figures.site_figures for the report's period)
into `figures` and stamps `published_at`: from then on the report never changes under its
readers. A published report is neither edited nor unpublished; a new period makes a new
report.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy

from impact import figures
from impact.models import DeclaredFigure, ImpactReport
from sites.models import Site

__all__ = [
    "EDITABLE_FIELDS",
    "PUBLISHED_IS_FINAL",
    "declared_figure_add",
    "declared_figure_delete",
    "declared_figure_edit",
    "live_figures",
    "report_create",
    "report_publish",
    "report_update",
]

# What a manager writes; the rest (status, figures, published_at) only publishing sets.
EDITABLE_FIELDS = (
    "title",
    "slug",
    "summary",
    "period_start",
    "period_end",
    "intensity_individual",
    "intensity_collective",
    "intensity_territorial",
    "women_management",
    "women_leaders",
    "women_occupants",
    "women_publics",
    "methods",
)
DECLARED_FIELDS = ("label", "value", "unit", "source", "position")


PUBLISHED_IS_FINAL = gettext_lazy(
    "Ce rapport est publié : il ne change plus. Pour une nouvelle période, créez un "
    "nouveau rapport."
)


def live_figures(report: ImpactReport) -> dict:
    """The figures of a draft, computed now for its site and period. Their labels are French
    (the msgids the pages translate), whatever the language of the manager who publishes."""
    with translation.override(settings.LANGUAGE_CODE):
        return figures.site_figures(report.site, report.period_start, report.period_end)


def _locked_report(report: ImpactReport, by) -> ImpactReport:
    """The report re-read under a lock among those `by` may change; PermissionDenied
    otherwise. select_for_update(of=("self",)): the site's row is read, not locked."""
    try:
        return (
            ImpactReport.objects.manageable_by(by)
            .select_for_update(of=("self",))
            .select_related("site")
            .get(pk=report.pk)
        )
    except ImpactReport.DoesNotExist:
        raise PermissionDenied from None


def _draft(report: ImpactReport, by) -> ImpactReport:
    locked = _locked_report(report, by)
    if locked.is_published:
        raise ValidationError(PUBLISHED_IS_FINAL)
    return locked


def _unique_slug(site: Site, title: str, exclude_pk: int | None = None) -> str:
    base = (slugify(title) or "rapport")[:70]
    taken = set(
        ImpactReport.objects.filter(site=site, slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _set_fields(report: ImpactReport, fields: dict) -> None:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not editable: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(report, name, value)


@transaction.atomic
def report_create(*, site: Site, by, **fields) -> ImpactReport:
    """A draft report of a site `by` manages."""
    if not Site.objects.managed_by(by).filter(pk=site.pk).exists():
        raise PermissionDenied
    report = ImpactReport(site=site)
    _set_fields(report, fields)
    if not report.slug:
        report.slug = _unique_slug(site, report.title)
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def report_update(report: ImpactReport, *, by, **fields) -> ImpactReport:
    """Change a draft; a published report is refused (PUBLISHED_IS_FINAL)."""
    locked = _draft(report, by)
    _set_fields(locked, fields)
    if "slug" in fields and not locked.slug:
        locked.slug = _unique_slug(locked.site, locked.title, exclude_pk=locked.pk)
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def report_publish(*, report: ImpactReport, by) -> ImpactReport:
    """Freeze the figures computed now into the report and publish it, for good."""
    locked = _draft(report, by)
    locked.figures = live_figures(locked)
    locked.status = ImpactReport.Status.PUBLISHED
    locked.published_at = timezone.now()
    locked.full_clean()
    locked.save()
    return locked


def _clean_declared(figure: DeclaredFigure, fields: dict) -> DeclaredFigure:
    unknown = set(fields) - set(DECLARED_FIELDS)
    if unknown:
        raise TypeError(f"Not editable: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(figure, name, value)
    if isinstance(figure.value, (int, float, str)):
        figure.value = Decimal(str(figure.value))
    figure.full_clean()
    return figure


@transaction.atomic
def declared_figure_add(report: ImpactReport, *, by, **fields) -> DeclaredFigure:
    locked = _draft(report, by)
    figure = _clean_declared(DeclaredFigure(report=locked), fields)
    figure.save()
    return figure


def _locked_figure(figure: DeclaredFigure, by) -> DeclaredFigure:
    try:
        locked = (
            DeclaredFigure.objects.filter(report__in=ImpactReport.objects.manageable_by(by))
            .select_for_update(of=("self",))
            .select_related("report")
            .get(pk=figure.pk)
        )
    except DeclaredFigure.DoesNotExist:
        raise PermissionDenied from None
    _draft(locked.report, by)
    return locked


@transaction.atomic
def declared_figure_edit(figure: DeclaredFigure, *, by, **fields) -> DeclaredFigure:
    locked = _clean_declared(_locked_figure(figure, by), fields)
    locked.save()
    return locked


@transaction.atomic
def declared_figure_delete(figure: DeclaredFigure, *, by) -> None:
    _locked_figure(figure, by).delete()
