"""The observations' workflow and the questionnaire's answers: draft → validated → published.

Each function checks the right itself through Observation.objects.manageable_by (the one rule,
also used by the views and the admin), so that a caller cannot skip it: out of the user's
sites it raises PermissionDenied, which the views turn into a 404. A step that no longer
applies (validating a published observation) raises a ValidationError in French.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Event
from impact.models import (
    Evidence,
    Observation,
    Questionnaire,
    QuestionnaireResponse,
    Status,
)
from occupants.models import Occupancy, Structure
from sites.models import Site


def linkable_events(site_id: int):
    """The events an observation of the site may name: the site's own."""
    return Event.objects.filter(site_id=site_id).order_by("-created_at", "pk")


def linkable_structures(site_id: int):
    """The structures an observation of the site may name: those that occupy or occupied it."""
    occupancies = Occupancy.objects.filter(site_id=site_id).exclude(
        status=Occupancy.Status.CANCELLED
    )
    return Structure.objects.filter(pk__in=occupancies.values("structure_id")).order_by(
        "name", "pk"
    )


def _all_in(queryset, rows: list) -> bool:
    ids = {row.pk for row in rows}
    return not ids or queryset.filter(pk__in=ids).count() == len(ids)


def _locked(observation: Observation, by) -> Observation:
    """The observation, locked for the transaction, if `by` manages its site."""
    try:
        return Observation.objects.manageable_by(by).select_for_update().get(pk=observation.pk)
    except Observation.DoesNotExist:
        raise PermissionDenied from None


def _move(observation: Observation, *, by, allowed: set[str], to: str, refusal: str) -> None:
    with transaction.atomic():
        locked = _locked(observation, by)
        if locked.status not in allowed:
            raise ValidationError(refusal, code="invalid_status")
        locked.status = to
        locked.save(update_fields=["status", "updated"])
    observation.status = to


@transaction.atomic
def observation_save(
    *,
    observation: Observation,
    by,
    events: Iterable[Event] = (),
    structures: Iterable[Structure] = (),
) -> Observation:
    """Create or change an observation of a site `by` manages, with its events and structures
    (both of that site only)."""
    if observation.pk is not None:
        _locked(observation, by)
    elif not Site.objects.managed_by(by).filter(pk=observation.site_id).exists():
        raise PermissionDenied
    events, structures = list(events), list(structures)
    if not _all_in(linkable_events(observation.site_id), events):
        raise ValidationError({"events": _("Ces événements ne sont pas ceux de ce lieu.")})
    if not _all_in(linkable_structures(observation.site_id), structures):
        raise ValidationError({"structures": _("Ces structures n'occupent pas ce lieu.")})
    if observation.pk is None and observation.author_id is None:
        observation.author = by
    observation.full_clean()
    observation.save()
    observation.events.set(events)
    observation.structures.set(structures)
    return observation


def observation_validate(*, observation: Observation, by) -> None:
    """A manager has checked a draft (one of the team's, or a questionnaire's answer)."""
    _move(
        observation,
        by=by,
        allowed={Status.DRAFT},
        to=Status.VALIDATED,
        refusal=_("Seule une observation en brouillon peut être validée."),
    )


def observation_publish(*, observation: Observation, by) -> None:
    """A validated observation becomes public (on the site's reports, once the site is)."""
    _move(
        observation,
        by=by,
        allowed={Status.VALIDATED},
        to=Status.PUBLISHED,
        refusal=_("Validez l'observation avant de la publier."),
    )


def observation_unpublish(*, observation: Observation, by) -> None:
    """Back to validated: the public no longer sees it."""
    _move(
        observation,
        by=by,
        allowed={Status.PUBLISHED},
        to=Status.VALIDATED,
        refusal=_("Cette observation n'est pas publiée."),
    )


def observation_delete(*, observation: Observation, by) -> None:
    """Only a draft is deleted: what was validated stays on record (unpublish it instead)."""
    with transaction.atomic():
        locked = _locked(observation, by)
        if locked.status != Status.DRAFT:
            raise ValidationError(
                _("Seule une observation en brouillon peut être supprimée."),
                code="invalid_status",
            )
        if locked.evidence_file:
            name = locked.evidence_file.name
            storage = locked.evidence_file.storage
            transaction.on_commit(lambda: storage.delete(name))
        locked.delete()


# --- The questionnaire ----------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """What one respondent said of one indicator."""

    indicator: str
    valence: str
    intensity: int
    text: str
    quote: str = ""


@transaction.atomic
def questionnaire_answer(
    *,
    questionnaire: Questionnaire,
    respondent_public: str,
    answers: list[Answer],
    respondent=None,
) -> QuestionnaireResponse:
    """One person's answer: a response and one draft observation per answered indicator, for
    a manager to validate. `respondent` is an account only when its owner chose to attach it."""
    if not questionnaire.is_open or not questionnaire.site.published:
        raise ValidationError(_("Ce questionnaire est fermé."), code="closed")
    if not answers:
        raise ValidationError(_("Répondez pour au moins un indicateur."), code="empty")
    response = QuestionnaireResponse(
        questionnaire=questionnaire, respondent_public=respondent_public, respondent=respondent
    )
    response.full_clean()
    response.save()
    today = timezone.localdate()
    site = questionnaire.site
    start = (
        site.occupancy_start if site.occupancy_start and site.occupancy_start <= today else today
    )
    for answer in answers:
        observation = Observation(
            site=site,
            indicator=answer.indicator,
            valence=answer.valence,
            intensity=answer.intensity,
            publics=[respondent_public] if respondent_public else [],
            narrative=answer.text,
            quote=answer.quote,
            # The respondent's public is their role: never their name.
            quote_role=response.get_respondent_public_display() if answer.quote else "",
            evidence=Evidence.QUESTIONNAIRE,
            period_start=start,
            period_end=today,
            source=Observation.Source.QUESTIONNAIRE,
            response=response,
            status=Status.DRAFT,
        )
        observation.full_clean()
        observation.save()
    return response
