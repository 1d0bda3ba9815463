"""Each demo site's project path at a plausible stage, and the reception figures of its
diagnostics. The Tourcoing traffic-control room is mid-path as a public-service outpost, from
the public-service template, with its accessibility diagnostic late.

Idempotent: a path is copied from its template once; the steps' dates and people are set again
on every run, relative to the day of the seed."""

from __future__ import annotations

import importlib
from datetime import timedelta

from django.apps import apps
from django.db.models import F

from sites.models import PathTemplate, Site, SitePath, Space, Step
from sites.models.path import status_rank
from sites.path import services

PUBLIC_SERVICE_SITES = {"poste-de-regulation-tourcoing"}

# How many stages are done, by site; the next stage is under way (its first step is next).
STAGES_DONE = {
    "immeuble-pasteur-nanterre": 0,
    "anciennes-messageries-montreuil": 1,
    "poste-de-regulation-tourcoing": 2,
    "la-boussole-asnieres": 7,
    "usine-commune-vaugneray": 7,
    "halle-aux-savoirs-paris": 7,
    "ancienne-tresorerie-bobigny": 8,
    "filature-roubaix": 9,
}

# The diagnostics' figures: (category, type, people admitted) for the site, then for a room.
RECEPTION = {
    "la-boussole-asnieres": (5, "L", 180),
    "usine-commune-vaugneray": (5, "L", 120),
    "poste-de-regulation-tourcoing": (5, "W", 60),
    "halle-aux-savoirs-paris": (3, "R", 650),
    "ancienne-tresorerie-bobigny": (5, "W", 150),
}


def _template(slug: str) -> PathTemplate:
    kind = (
        PathTemplate.Kind.PUBLIC_SERVICE
        if slug in PUBLIC_SERVICE_SITES
        else PathTemplate.Kind.DEFAULT
    )
    shared = PathTemplate.objects.filter(kind=kind, operator__isnull=True).order_by("pk")
    if not shared.exists():
        # A database flushed since its migrations (transactional tests) lost the shared
        # templates: the data migration that writes them runs again.
        migration = importlib.import_module("sites.migrations.0011_path_default_templates")
        migration.add_templates(apps, None)
    return shared.first()


def _reception(site: Site) -> None:
    figures = RECEPTION.get(site.slug)
    if figures is None:
        return
    category, kind, people = figures
    Site.objects.filter(pk=site.pk).update(
        reception_category=category, reception_type=kind, reception_capacity=people
    )
    # Each shared room admits at most its own seats, within the building's figure.
    Space.objects.filter(site=site, is_bookable=True).update(
        reception_category=category, reception_type=kind, reception_capacity=F("capacity")
    )


def seed(ctx) -> None:
    admin = ctx.users["admin"]
    team = ctx.users["equipe"]
    for slug, done_stages in STAGES_DONE.items():
        site = ctx.sites.get(slug)
        if site is None:
            continue
        _reception(site)
        path = SitePath.objects.filter(site=site).first()
        if path is None or not path.stages.exists():
            path = services.path_apply_template(site=site, template=_template(slug), by=admin)
        responsible = ctx.users["responsable"] if slug == "la-boussole-asnieres" else team
        if site.operator_id not in set(team.staff_organisations.values_list("pk", flat=True)):
            responsible = None  # another operator's site: nobody of the demo's team
        _progress(ctx, site, path, done_stages, responsible)


def _progress(ctx, site: Site, path: SitePath, done_stages: int, responsible) -> None:
    today = ctx.today
    stages = list(path.stages.order_by("position", "pk"))
    steps = list(Step.objects.filter(stage__path=path).order_by("stage__position", "position"))
    rank = status_rank(site.status)
    # Done steps a week apart, the last one a week ago.
    done = [s for s in steps if stages.index(s.stage) < done_stages]
    for n, step in enumerate(done):
        step.done_date = today - timedelta(days=7 * (len(done) - n))
        step.due_date = step.done_date
    todo = [s for s in steps if s not in done]
    for n, step in enumerate(todo):
        step.done_date = None
        step.due_date = today + timedelta(days=5 + 14 * n)
        # A step the site's status already required is done, whatever its stage.
        if step.required_for and status_rank(step.required_for) <= rank:
            step.done_date = today - timedelta(days=3)
            step.due_date = step.done_date
    if site.slug in {"poste-de-regulation-tourcoing"}:
        # Mid-path: the safety diagnostic done, the accessibility one twelve days late.
        for step in todo:
            if step.title.startswith("Diagnostic de sécurité"):
                step.done_date = step.due_date = today - timedelta(days=4)
            elif step.title.startswith("Diagnostic d'accessibilité"):
                step.due_date = today - timedelta(days=12)
                step.notes = "Le bureau de contrôle attend les plans du niveau -1."
    for step in steps:
        step.responsible = responsible
    Step.objects.bulk_update(steps, ["done_date", "due_date", "responsible", "notes"])
