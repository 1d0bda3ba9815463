"""What the path pages read, shared by the managers' pages (sites.path.views) and the owners'
read-only view (impact.owner_views): each site's progress in one annotated queryset, and a
path's timeline of stages and steps with their state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, QuerySet, Subquery

from sites.models import SitePath, Stage, Step


def _count(queryset: QuerySet) -> Subquery:
    return Subquery(
        queryset.order_by().values("stage__path__site").annotate(n=Count("pk")).values("n"),
        output_field=IntegerField(),
    )


def with_progress(sites: QuerySet, today: date) -> QuerySet:
    """`sites` with step_count, done_count, late_count (None for a site without steps) and
    current_stage (the title of the first stage with a step still to do), in the same query."""
    steps = Step.objects.filter(stage__path__site=OuterRef("pk"))
    return sites.annotate(
        # Subqueries: Counts over one join each would multiply each other.
        step_count=_count(steps),
        done_count=_count(steps.filter(done_date__isnull=False)),
        late_count=_count(steps.filter(done_date__isnull=True, due_date__lt=today)),
        current_stage=Subquery(
            # The first stage with a step still to do (a stage without steps is none).
            Stage.objects.filter(path__site=OuterRef("pk"))
            .filter(Exists(Step.objects.undone().filter(stage=OuterRef("pk"))))
            .order_by("position", "pk")
            .values("title")[:1]
        ),
    )


@dataclass
class StepRow:
    step: Step
    state: str  # done, late, next, todo


def timeline(path: SitePath | None, today: date) -> list[tuple[Stage, list[StepRow]]]:
    """The stages of `path` in order, each with its steps and their state."""
    if path is None:
        return []
    stages = path.stages.prefetch_related(
        Prefetch("steps", queryset=Step.objects.select_related("responsible"))
    )
    rows, next_found = [], False
    for stage in stages:
        stage_rows = []
        for step in stage.steps.all():
            if step.done_date:
                state = "done"
            elif step.is_late(today):
                state = "late"
            elif not next_found:
                state = "next"
            else:
                state = "todo"
            # The late steps are shown as such; "next" is the first one still on time.
            if state == "next":
                next_found = True
            stage_rows.append(StepRow(step, state))
        rows.append((stage, stage_rows))
    return rows
