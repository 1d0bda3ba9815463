"""A small complete world for the tests that walk every URL (permission matrix, bad input).

Two tenants side by side, each with one of every kind of object the URLs take:

- operator 1 runs site 1 (managed by manager_1), operator 2 runs site 2 (managed by manager_2);
  operator_staff is on operator 1's team, admin is a superuser;
- structure A occupies site 1 (occupant_a is its responsable, extra_a a plain member),
  structure B occupies site 2 (occupant_b is its responsable);
- candidate has a submitted application, with a document, to the open call on site 1;
- site 1 has a bookable room with a pending booking by structure A, booking rules, opening
  hours, a closed period and a funding line; an invitation to structure A is pending;
- site 1 has a published impact report (with a declared figure) and a draft one.

``build_world()`` writes it and returns a ``World`` holding the rows, the users by role and the
secret tokens (private feed, invitation, password reset) that some URLs carry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import time, timedelta
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.services import email_verification_token
from events.models import (
    Attendance,
    Booking,
    BookingRules,
    ClosedPeriod,
    Event,
    EventTiming,
    FeedToken,
    OpeningHours,
    Registration,
)
from impact import reports as impact_reports
from impact.models import Observation, Questionnaire, QuestionnaireResponse
from occupants import services
from occupants.models import Occupancy, StructureMember
from sites.inventory.models import VacantBuildingDocument, VacantBuildingPhoto
from sites.models import (
    Equipment,
    PathChange,
    PathTemplate,
    Space,
    Step,
    TemplateStage,
    TemplateStep,
)
from sites.path import services as path_services
from tests.events.factories import BookingFactory, RoomFactory
from tests.factories import (
    FundingFactory,
    OrganisationFactory,
    SiteFactory,
    SpaceFactory,
    UserFactory,
    VacantBuildingFactory,
)
from tests.occupants.calls_support import PDF_BYTES, attach, make_call, submitted
from tests.occupants.factories import SectorFactory, StructureFactory

# The smallest valid PNG (1 × 1 pixel): the inventory's photo of the world.
PNG_BYTES = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
    "0000000c4944415408d763f8cfc0000003010100c9fe92ef0000000049454e44ae426082"
)

# The roles, in the order of the matrix's columns.
ROLES = (
    "visitor",
    "candidate",
    "occupant_a",
    "occupant_b",
    "manager_1",
    "manager_2",
    "operator_staff",
    "admin",
)


@dataclass
class World:
    users: dict[str, Any]  # role -> User (None for the visitor)
    objects: dict[str, Any] = field(default_factory=dict)  # name -> row of tenant 1
    tokens: dict[str, str] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.objects[name]
        except KeyError:
            raise AttributeError(name) from None


def build_world() -> World:
    today = timezone.localdate()
    operator_1 = OrganisationFactory(name="Opérateur Un")
    operator_2 = OrganisationFactory(name="Opérateur Deux")
    site_1 = SiteFactory(
        name="Lieu Un",
        operator=operator_1,
        occupancy_start=today - timedelta(days=365),
        occupancy_end=today + timedelta(days=730),
    )
    site_2 = SiteFactory(
        name="Lieu Deux",
        operator=operator_2,
        occupancy_start=today - timedelta(days=365),
        occupancy_end=today + timedelta(days=730),
    )

    admin = UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)
    operator_staff = UserFactory(email="equipe@example.org", is_staff=True)
    operator_1.staff.add(operator_staff)
    manager_1 = UserFactory(email="responsable1@example.org", is_staff=True)
    site_1.managers.add(manager_1)
    manager_2 = UserFactory(email="responsable2@example.org", is_staff=True)
    site_2.managers.add(manager_2)
    occupant_a = UserFactory(email="occupant.a@example.org")
    occupant_b = UserFactory(email="occupant.b@example.org")
    extra_a = UserFactory(email="membre.a@example.org")
    candidate = UserFactory(email="candidat@example.org")

    sector = SectorFactory(name="Artisanat")
    structure_a = StructureFactory(name="Structure A", public_profile=True)
    structure_a.sectors.add(sector)
    structure_b = StructureFactory(name="Structure B", public_profile=True)
    member_a = services.add_member(structure_a, occupant_a, StructureMember.Role.LEAD)
    extra_member_a = services.add_member(structure_a, extra_a, StructureMember.Role.MEMBER)
    services.add_member(structure_b, occupant_b, StructureMember.Role.LEAD)

    room_1 = RoomFactory(site=site_1, name="Salle Un")
    room_2 = RoomFactory(site=site_2, name="Salle Deux")
    office_1 = SpaceFactory(site=site_1, name="Bureau Un", kind=Space.Kind.OFFICE)
    office_2 = SpaceFactory(site=site_2, name="Bureau Deux", kind=Space.Kind.OFFICE)
    occupancy_a = services.create_occupancy(
        structure=structure_a,
        site=site_1,
        spaces=[office_1],
        start=today - timedelta(days=30),
        end=today + timedelta(days=365),
        fee_basis=Occupancy.FeeBasis.PER_SQM,
        fee_amount=8,
        status=Occupancy.Status.SIGNED,
    )
    occupancy_a.agreement.save("convention.pdf", ContentFile(PDF_BYTES))
    services.create_occupancy(
        structure=structure_b,
        site=site_2,
        spaces=[office_2],
        start=today - timedelta(days=30),
        end=today + timedelta(days=365),
        fee_basis=Occupancy.FeeBasis.PER_SQM,
        fee_amount=8,
        status=Occupancy.Status.SIGNED,
    )

    booking = BookingFactory(
        space=room_1, structure=structure_a, booked_by=occupant_a, status=Booking.Status.PENDING
    )
    BookingFactory(space=room_2, structure=structure_b, booked_by=occupant_b)
    rules = BookingRules.objects.create(site=site_1, approval_required=True)
    hours = OpeningHours.objects.create(site=site_1, weekday=0, opens=time(8), closes=time(20))
    closed = ClosedPeriod.objects.create(
        site=site_1,
        start=timezone.now() + timedelta(days=60),
        end=timezone.now() + timedelta(days=61),
        reason="Travaux",
        created_by=manager_1,
    )
    event = Event.objects.create(
        site=site_1, structure=structure_a, title="Atelier du Lieu Un", slug="atelier-lieu-un"
    )
    registration = Registration.objects.create(
        event=event, name="Inès Inscrite", email="ines@example.org", places=2
    )
    attendance = Attendance.objects.create(event=event, total=12, recorded_at=timezone.now())
    # An event of structure A waiting for validation, with one date: the back office's pages
    # (manager moderation, the occupants' event pages) are tried with it.
    pending_event = Event.objects.create(
        site=site_1,
        structure=structure_a,
        title="Fête du Lieu Un",
        slug="fete-lieu-un",
        moderation=Event.Moderation.PENDING,
    )
    pending_timing = EventTiming.objects.create(
        event=pending_event,
        start=timezone.now() + timedelta(days=20),
        end=timezone.now() + timedelta(days=20, hours=2),
        place="Dans la cour",
    )
    funding = FundingFactory(site=site_1)
    # The owners' view: the staff of site 1's owner, and of the funder of site 1.
    owner_staff = UserFactory(email="proprietaire@example.org", full_name="Équipe Propriétaire")
    site_1.owner.staff.add(owner_staff)
    funder_staff = UserFactory(email="financeur@example.org", full_name="Équipe Financeur")
    funding.funder.staff.add(funder_staff)
    equipment = Equipment.objects.create(name="Four à céramique", slug="four-a-ceramique-test")
    site_1.equipment.add(equipment)

    # Impact: a draft observation with its evidence file, an open questionnaire with one
    # answer (the reports are made below, through their services).
    observation = Observation.objects.create(
        site=site_1,
        indicator="solidarite",
        intensity=3,
        narrative="Des outils prêtés entre ateliers.",
        period_start=today - timedelta(days=90),
        period_end=today,
    )
    observation.evidence_file.save("preuve.pdf", ContentFile(PDF_BYTES))
    questionnaire = Questionnaire.objects.create(site=site_1, is_open=True)
    questionnaire_response = QuestionnaireResponse.objects.create(
        questionnaire=questionnaire, respondent_public="habitants"
    )
    # The vacant-space inventory: a building of site 1's owner, run by operator 1, with a
    # private photo and document; operator 2 has one too.
    vacant_building = VacantBuildingFactory(
        name="Bâtiment vacant Un", owner=site_1.owner, operator=operator_1
    )
    VacantBuildingFactory(name="Bâtiment vacant Deux", owner=site_2.owner, operator=operator_2)
    vacant_photo = VacantBuildingPhoto(building=vacant_building, alt_text="La façade")
    vacant_photo.image.save("facade.png", ContentFile(PNG_BYTES))
    vacant_document = VacantBuildingDocument(
        building=vacant_building, title="Plans", original_name="plans.pdf", size=len(PDF_BYTES)
    )
    vacant_document.file.save("plans.pdf", ContentFile(PDF_BYTES))

    call = make_call(site_1, title="Ateliers du Lieu Un", slug="ateliers-lieu-un")
    application = submitted(call, candidate)
    document = attach(application)

    invitation, invitation_token = services.invite(
        structure_a, "invitee@example.org", invited_by=occupant_a
    )
    feed = FeedToken.objects.for_user(occupant_a)
    group = Group.objects.create(name="Lecture")
    attempt = AccessAttempt.objects.create(
        username="x@example.org", ip_address="192.0.2.1", failures_since_start=1
    )
    access_log = AccessLog.objects.create(username="x@example.org", ip_address="192.0.2.1")
    failure_log = AccessFailureLog.objects.create(username="x@example.org", ip_address="192.0.2.1")

    report = impact_reports.report_create(
        site=site_1,
        by=admin,
        title="Rapport d'impact du Lieu Un",
        period_start=today - timedelta(days=365),
        period_end=today - timedelta(days=1),
        intensity_individual=4,
    )
    impact_reports.declared_figure_add(
        report, by=admin, label="Bénévoles", value=12, source="Comptage"
    )
    report = impact_reports.report_publish(report=report, by=admin)
    draft_report = impact_reports.report_create(
        site=site_1,
        by=admin,
        title="Brouillon du Lieu Un",
        period_start=today,
        period_end=today + timedelta(days=180),
    )
    # Site 1's project path, from a template of operator 1, with a private document.
    path_template = PathTemplate.objects.create(operator=operator_1, name="Modèle Un")
    template_stage = TemplateStage.objects.create(template=path_template, title="Diagnostics")
    TemplateStep.objects.create(
        stage=template_stage, title="Diagnostic de sécurité", required_for="ouvert"
    )
    path_services.path_apply_template(site=site_1, template=path_template, by=admin)
    path_step = Step.objects.get(stage__path__site=site_1)
    path_step.document.save("diagnostic.pdf", ContentFile(PDF_BYTES), save=False)
    path_step.document_name = "diagnostic.pdf"
    path_step.save()
    path_change = PathChange.objects.get(path__site=site_1)

    users = {
        "visitor": None,
        "candidate": candidate,
        "occupant_a": occupant_a,
        "occupant_b": occupant_b,
        "manager_1": manager_1,
        "manager_2": manager_2,
        "operator_staff": operator_staff,
        "admin": admin,
        # Not columns of the matrix (ROLES): the owners' view has its own table
        # (tests/test_permission_matrix.py, FOLLOWERS).
        "owner_staff": owner_staff,
        "funder_staff": funder_staff,
    }
    objects = {
        "operator_1": operator_1,
        "site_1": site_1,
        "site_2": site_2,
        "room_1": room_1,
        "structure_a": structure_a,
        "structure_b": structure_b,
        "member_a": member_a,
        "extra_member_a": extra_member_a,
        "occupancy_a": occupancy_a,
        "invitation": invitation,
        "sector": sector,
        "booking": booking,
        "event": event,
        "registration": registration,
        "attendance": attendance,
        "proposed": pending_event,
        "proposed_on": pending_timing,
        "rules": rules,
        "hours": hours,
        "closed": closed,
        "funding": funding,
        "observation": observation,
        "questionnaire": questionnaire,
        "questionnaire_response": questionnaire_response,
        "equipment": equipment,
        "call": call,
        "vacant_building": vacant_building,
        "vacant_photo": vacant_photo,
        "vacant_document": vacant_document,
        "application": application,
        "document": document,
        "document_type": document.document_type,
        "user": occupant_a,
        "group": group,
        "attempt": attempt,
        "access_log": access_log,
        "failure_log": failure_log,
        "report": report,
        "draft_report": draft_report,
        "path_template": path_template,
        "template_stage": template_stage,
        "path_stage": path_step.stage,
        "path_step": path_step,
        "path_change": path_change,
    }
    tokens = {
        "feed_token": feed.token,
        "registration_token": registration.token,
        "invitation_token": invitation_token,
        # extra_a's: logging in as occupant_a would make occupant_a's own token stale.
        "reset_token": default_token_generator.make_token(extra_a),
        "reset_uid": urlsafe_base64_encode(force_bytes(extra_a.pk)),
        "verify_token": email_verification_token(candidate),
    }
    return World(users=users, objects=objects, tokens=tokens)


# --- The URLconf, walked --------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """One URL pattern of the project: its full route, its namespaced name (None for the admin's
    unnamed redirects) and its converters' names."""

    route: str
    name: str | None
    params: tuple[str, ...]

    @property
    def key(self) -> str:
        return self.name or self.route


def walk_urlconf(
    patterns=None, prefix: str = "", namespace: str | None = None, params: tuple[str, ...] = ()
) -> list[Route]:
    """Every URL pattern of the project, the admin's included, in URLconf order, with the
    converters of the includes that lead to it (lieux/<site_slug>/impact/…/telecharger/)."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    routes = []
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        own = (*params, *pattern.pattern.regex.groupindex)
        if isinstance(pattern, URLResolver):
            inner = ":".join(n for n in (namespace, pattern.namespace) if n) or None
            routes += walk_urlconf(pattern.url_patterns, route, inner, own)
        else:
            name = ":".join(n for n in (namespace, pattern.name) if n) if pattern.name else None
            routes.append(Route(route, name, own))
    return routes


def route_kwargs(route: Route, target: str | None, world: World) -> dict[str, Any]:
    """The converters' values of `route` for `target`: the name of a row of ``world.objects``
    (its pk, slug, content type...), of a secret in ``world.tokens``, or a literal value for a
    plain string converter (an export format, a language code, an admin app label)."""
    obj = world.objects.get(target)
    kwargs: dict[str, Any] = {}
    for param in route.params:
        if param == "document_pk":
            kwargs |= {"pk": obj.application_id, "document_pk": obj.pk}
        elif param == "pk" and "document_pk" in route.params:
            continue
        elif param in ("pk", "id", "object_id"):
            kwargs[param] = obj.pk
        elif param == "slug":
            kwargs[param] = obj.slug if hasattr(obj, "slug") else obj.structure.slug
        elif param == "site":
            kwargs[param] = obj.slug
        elif param == "site_slug":  # a report's site
            kwargs[param] = obj.site.slug
        elif param == "report_slug":
            kwargs[param] = obj.slug
        elif param == "content_type_id":
            kwargs[param] = ContentType.objects.get_for_model(obj).pk
        elif param == "uidb64":
            kwargs[param] = world.tokens["reset_uid"]
        elif param == "token":
            kwargs[param] = world.tokens[target]
        else:
            kwargs[param] = target
    return kwargs


def route_url(route: Route, target: str | None, world: World) -> str:
    kwargs = route_kwargs(route, target, world)
    if route.name:
        return reverse(route.name, kwargs=kwargs)
    # The admin's unnamed "<object_id>/" redirects and its catch-all view.
    path = route.route
    for param, value in kwargs.items():
        path = re.sub(rf"<(?:\w+:)?{param}>|\(\?P<{param}>[^)]*\)", str(value), path)
    return "/" + path.replace("^", "").replace("$", "")


# The row of tenant 1 that each admin model's object URLs are tried with.
ADMIN_TARGETS = {
    "auth_group": "group",
    "axes_accessattempt": "attempt",
    "axes_accesslog": "access_log",
    "axes_accessfailurelog": "failure_log",
    "accounts_user": "user",
    "auth_user": "user",
    "accounts_organisation": "operator_1",
    "sites_site": "site_1",
    "sites_space": "room_1",
    "sites_funding": "funding",
    "sites_equipment": "equipment",
    "sites_vacantbuilding": "vacant_building",
    "occupants_documenttype": "document_type",
    "occupants_call": "call",
    "occupants_application": "application",
    "occupants_structure": "structure_a",
    "occupants_occupancy": "occupancy_a",
    "occupants_structuremember": "member_a",
    "occupants_invitation": "invitation",
    "occupants_sector": "sector",
    "events_bookingrules": "rules",
    "events_openinghours": "hours",
    "events_closedperiod": "closed",
    "events_booking": "booking",
    "events_event": "event",
    "events_registration": "registration",
    "events_attendance": "attendance",
    "impact_observation": "observation",
    "impact_questionnaire": "questionnaire",
    "impact_questionnaireresponse": "questionnaire_response",
    "impact_impactreport": "draft_report",
    "sites_pathtemplate": "path_template",
    "sites_templatestage": "template_stage",
    "sites_step": "path_step",
    "sites_pathchange": "path_change",
}

# The target of the other URLs that take a parameter.
TARGETS = {
    "sites:detail": "site_1",
    "inventory:export": "csv",
    "inventory:detail": "vacant_building",
    "inventory:edit": "vacant_building",
    "inventory:photo_add": "vacant_building",
    "inventory:document_add": "vacant_building",
    "inventory:convert": "vacant_building",
    "inventory:photo": "vacant_photo",
    "inventory:photo_thumbnail": "vacant_photo",
    "inventory:document": "vacant_document",
    "occupants:detail": "structure_a",
    "occupants:edit": "structure_a",
    "occupants:members": "structure_a",
    "occupants:member_remove": "extra_member_a",
    "occupants:invitation": "invitation_token",
    "occupants:agreement": "occupancy_a",
    "accounts:email_verify": "verify_token",
    "accounts:password_reset_confirm": "reset_token",
    "structures:detail": "structure_a",
    "calls:application": "application",
    "calls:document_upload": "application",
    "calls:document_download": "document",
    "calls:document_delete": "document",
    "calls:submit": "application",
    "calls:withdraw": "application",
    "calls:detail": "call",
    "calls:apply": "call",
    "events:site_day": "site_1",
    "events:space_week": "room_1",
    "events:book": "room_1",
    "events:structure_bookings": "structure_a",
    "events:detail": "booking",
    "events:cancel": "booking",
    "events:ics": "booking",
    "events:manager_approve": "booking",
    "events:manager_refuse": "booking",
    "events:manager_calendar": "site_1",
    "events:manager_statistics": "site_1",
    "events:manager_agenda": "site_1",
    "events:manager_event_publish": "proposed",
    "events:manager_event_refuse": "proposed",
    "events:my_event": "proposed",
    "events:my_event_edit": "proposed",
    "events:my_event_timing_add": "proposed",
    "events:my_event_submit": "proposed",
    "events:my_event_cancel": "proposed",
    "events:my_event_timing_move": "proposed_on",
    "events:my_event_timing_remove": "proposed_on",
    "events:feed_space": "room_1",
    "events:feed_private": "feed_token",
    "agenda_feeds:site": "site_1",
    "agenda_feeds:openagenda": "site_1",
    "agenda_feeds:event": "event",
    "agenda_registrations:register": "event",
    "agenda_registrations:cancel": "registration_token",
    "agenda_registrations:registrants": "event",
    "agenda_registrations:attendance": "event",
    "agenda:event": "event",
    "admin:view_on_site": "structure_a",
    "admin:auth_user_password_change": "user",
    "admin:occupants_call_csv": "call",
    "admin:occupants_call_zip": "call",
    "admin:occupants_application_accept": "application",
    "admin:occupants_application_document": "document",
    "admin:occupants_structure_export": "csv",
    "admin:occupants_occupancy_export": "xlsx",
    "admin:app_list": "occupants",
    "impact_manager:observations": "site_1",
    "impact_manager:observation_create": "site_1",
    "impact_manager:questionnaire": "site_1",
    "impact_manager:observation_edit": "observation",
    "impact_manager:observation_evidence": "observation",
    "impact_manager:observation_validate": "observation",
    "impact_manager:observation_publish": "observation",
    "impact_manager:observation_unpublish": "observation",
    "impact_manager:observation_delete": "observation",
    "impact_questionnaire:answer": "site_1",
    "impact_questionnaire:thanks": "site_1",
    "choose_language": "en",
    "impact_downloads:pdf": "report",
    "impact_downloads:csv": "report",
    "impact_downloads:xlsx": "report",
    "impact_downloads:json": "report",
    "impact:list": "report",
    "impact:report": "report",
    "impact:portfolio": "operator_1",
    "impact_reports:edit": "draft_report",
    "impact_reports:figures": "draft_report",
    "impact_reports:preview": "draft_report",
    "impact_reports:publish": "draft_report",
    "path:timeline": "site_1",
    "owner:site": "site_1",
    "path:history": "site_1",
    "path:status": "site_1",
    "path:apply_template": "site_1",
    "path:stage_add": "site_1",
    "path:stage_edit": "path_stage",
    "path:stage_delete": "path_stage",
    "path:stage_move": "path_stage",
    "path:step_add": "path_stage",
    "path:step_edit": "path_step",
    "path:step_delete": "path_step",
    "path:step_move": "path_step",
    "path:step_document": "path_step",
}


def default_target(route: Route) -> str | None:
    """The object (or literal) a route is tried with by default; None when it takes nothing."""
    if not route.params:
        return None
    if route.key in TARGETS:
        return TARGETS[route.key]
    match = re.match(r"admin/(\w+)/(\w+)/<path:object_id>/", route.route)
    if match:
        return ADMIN_TARGETS[f"{match[1]}_{match[2]}"]
    if route.params == ("url",):  # the admin's catch-all
        return "nowhere/"
    raise KeyError(f"No target for the URL pattern {route.key!r}: add one to tests/world.py.")
