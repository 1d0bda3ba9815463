"""The project path's workflow: a site's status moves only through site_change_status, which
checks the steps its path requires for that status; every change of a path is written to its
history. Each service checks that `by` manages the site (Site.objects.managed_by)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from sites.models import (
    PathChange,
    PathTemplate,
    Site,
    SitePath,
    Stage,
    Step,
    TemplateStep,
)
from sites.models.path import STATUS_ORDER, responsible_candidates, status_rank

# What a manager may change on a step (the step form's fields).
STEP_FIELDS = ("title", "responsible", "due_date", "done_date", "notes", "required_for")


def _check_manager(site: Site, by) -> None:
    if not Site.objects.managed_by(by).filter(pk=site.pk).exists():
        raise PermissionDenied


def _log(path: SitePath, by, action: str, subject: str = "", **extra) -> PathChange:
    return PathChange.objects.create(
        path=path, by=by, action=action, subject=subject[:200], **extra
    )


# --- The site's status ----------------------------------------------------------------------


def missing_steps(site: Site, status: str) -> list[Step]:
    """The steps of the site's path not done yet that the status requires: those required for
    it or for any status before it. A site without a path requires nothing."""
    statuses = STATUS_ORDER[: status_rank(status) + 1]
    return list(
        Step.objects.undone()
        .filter(stage__path__site=site, required_for__in=statuses)
        .select_related("stage")
        .order_by("stage__position", "stage__pk", "position", "pk")
    )


def missing_message(status: str, steps: Iterable[Step]) -> str:
    label = dict(Site.Status.choices)[status]
    names = "; ".join(
        _("%(step)s (phase « %(stage)s »)") % {"step": step.title, "stage": step.stage.title}
        for step in steps
    )
    return _(
        "Le lieu ne peut pas passer au statut « %(status)s » : il reste à faire %(steps)s."
    ) % {
        "status": label,
        "steps": names,
    }


def check_status(site: Site, status: str) -> None:
    """Raises the refusal, listing what is missing, if the site may not take the status."""
    if status not in STATUS_ORDER:
        raise ValidationError({"status": _("Choisissez un statut de la liste.")})
    missing = missing_steps(site, status)
    if missing:
        raise ValidationError({"status": missing_message(status, missing)})


def site_change_status(*, site: Site, status: str, by) -> Site:
    """Moves the site to `status` once the steps its path requires for it are done."""
    _check_manager(site, by)
    with transaction.atomic():
        site = Site.objects.select_for_update().get(pk=site.pk)
        before = site.status
        if status == before:
            return site
        check_status(site, status)
        site.status = status
        site.save(update_fields=["status", "updated_at"])
        path, _created = SitePath.objects.get_or_create(site=site)
        _log(
            path,
            by,
            PathChange.Action.STATUS_CHANGED,
            site.name,
            before=before,
            after=status,
        )
    return site


# --- Templates ------------------------------------------------------------------------------


def path_apply_template(*, site: Site, template: PathTemplate, by) -> SitePath:
    """Copies a template's stages and steps into the site's path, which must have none yet
    (a path already adapted is not overwritten)."""
    _check_manager(site, by)
    if not PathTemplate.objects.for_site(site).filter(pk=template.pk).exists():
        raise ValidationError({"template": _("Ce modèle n'est pas proposé pour ce lieu.")})
    with transaction.atomic():
        Site.objects.select_for_update().filter(pk=site.pk).first()
        path, _created = SitePath.objects.get_or_create(site=site)
        if path.stages.exists():
            raise ValidationError(
                _(
                    "Ce parcours a déjà des phases : adaptez-les, ou supprimez-les avant "
                    "d'appliquer un modèle."
                )
            )
        path.template = template
        path.save(update_fields=["template"])
        steps = TemplateStep.objects.filter(stage__template=template).order_by("position", "pk")
        by_stage: dict[int, list[TemplateStep]] = {}
        for step in steps:
            by_stage.setdefault(step.stage_id, []).append(step)
        for template_stage in template.stages.order_by("position", "pk"):
            stage = Stage.objects.create(
                path=path, title=template_stage.title, position=template_stage.position
            )
            Step.objects.bulk_create(
                Step(
                    stage=stage,
                    title=step.title,
                    position=step.position,
                    required_for=step.required_for,
                )
                for step in by_stage.get(template_stage.pk, [])
            )
        _log(path, by, PathChange.Action.TEMPLATE_APPLIED, template.name)
    return path


# --- Stages ---------------------------------------------------------------------------------


def _next_position(queryset) -> int:
    return (queryset.aggregate(last=Max("position"))["last"] or 0) + 1


def stage_create(*, site: Site, title: str, by) -> Stage:
    _check_manager(site, by)
    with transaction.atomic():
        path, _created = SitePath.objects.get_or_create(site=site)
        stage = Stage(path=path, title=title, position=_next_position(path.stages.all()))
        stage.full_clean()
        stage.save()
        _log(path, by, PathChange.Action.STAGE_ADDED, stage.title)
    return stage


def stage_update(*, stage: Stage, title: str, by) -> Stage:
    _check_manager(stage.path.site, by)
    stage.title = title
    stage.full_clean()
    with transaction.atomic():
        stage.save(update_fields=["title"])
        _log(stage.path, by, PathChange.Action.STAGE_CHANGED, stage.title)
    return stage


def stage_delete(*, stage: Stage, by) -> None:
    _check_manager(stage.path.site, by)
    with transaction.atomic():
        names = list(stage.steps.exclude(document="").values_list("document", flat=True))
        storage = Step._meta.get_field("document").storage
        # The files go once the rows are gone for good, never before.
        transaction.on_commit(lambda: [storage.delete(name) for name in names])
        _log(stage.path, by, PathChange.Action.STAGE_REMOVED, stage.title)
        stage.delete()


def _swap(item, siblings, direction: str) -> bool:
    """Swaps an item with its neighbour up or down among its siblings (renumbered 1..n)."""
    if direction not in ("up", "down"):
        raise ValidationError(_("Choisissez vers le haut ou vers le bas."))
    ordered = list(siblings.select_for_update().order_by("position", "pk"))
    index = next(i for i, row in enumerate(ordered) if row.pk == item.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(ordered):
        return False
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, row in enumerate(ordered, start=1):
        row.position = position
    type(item).objects.bulk_update(ordered, ["position"])
    return True


def stage_move(*, stage: Stage, direction: str, by) -> None:
    _check_manager(stage.path.site, by)
    with transaction.atomic():
        if _swap(stage, stage.path.stages.all(), direction):
            _log(stage.path, by, PathChange.Action.STAGE_MOVED, stage.title)


# --- Steps ----------------------------------------------------------------------------------


def _check_step(step: Step, site: Site) -> None:
    if (
        step.responsible_id
        and not responsible_candidates(site).filter(pk=step.responsible_id).exists()
    ):
        raise ValidationError(
            {"responsible": _("Choisissez un responsable parmi l'équipe du lieu.")}
        )
    step.full_clean()


def step_create(*, stage: Stage, by, **fields) -> Step:
    site = stage.path.site
    _check_manager(site, by)
    step = Step(stage=stage, **{name: fields[name] for name in STEP_FIELDS if name in fields})
    if fields.get("document"):
        step.document = fields["document"]
        step.document_name = fields["document"].name[:200]
    with transaction.atomic():
        step.position = _next_position(stage.steps.all())
        _check_step(step, site)
        step.save()
        _log(stage.path, by, PathChange.Action.STEP_ADDED, step.title)
    return step


def step_update(*, step: Step, by, **fields) -> Step:
    """Changes a step's details (STEP_FIELDS) and, with `document`, replaces its document;
    `remove_document=True` removes it. The history names the fields that changed."""
    site = step.stage.path.site
    _check_manager(site, by)
    changed = [
        name for name in STEP_FIELDS if name in fields and getattr(step, name) != fields[name]
    ]
    for name in changed:
        setattr(step, name, fields[name])
    old_document = step.document.name if step.document else ""
    if fields.get("document"):
        step.document = fields["document"]
        step.document_name = fields["document"].name[:200]
        changed.append("document")
    elif fields.get("remove_document") and old_document:
        step.document = ""
        step.document_name = ""
        changed.append("document")
    if not changed:
        return step
    _check_step(step, site)
    with transaction.atomic():
        step.save()
        _log(step.stage.path, by, PathChange.Action.STEP_CHANGED, step.title, fields=changed)
        if "document" in changed and old_document:
            # The replaced file goes once the new row is committed, never before.
            storage = step.document.storage
            transaction.on_commit(lambda: storage.delete(old_document))
    return step


def step_delete(*, step: Step, by) -> None:
    path = step.stage.path
    _check_manager(path.site, by)
    with transaction.atomic():
        if step.document:
            name, storage = step.document.name, step.document.storage
            transaction.on_commit(lambda: storage.delete(name))
        _log(path, by, PathChange.Action.STEP_REMOVED, step.title)
        step.delete()


def step_move(*, step: Step, direction: str, by) -> None:
    path = step.stage.path
    _check_manager(path.site, by)
    with transaction.atomic():
        if _swap(step, step.stage.steps.all(), direction):
            _log(path, by, PathChange.Action.STEP_MOVED, step.title)
