"""Erasing a person: their account, and their name and address everywhere the platform holds
them. An operator erases anyone (manage.py erase_person); a person erases their own account
from Mon compte (occupants.account_erase), unless that would leave one of their structures
without a responsable, or the account is an administrator's."""

from __future__ import annotations

from collections.abc import Iterable
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from accounts import emails
from occupants import services
from occupants.models import (
    Application,
    ApplicationDocument,
    Invitation,
    Structure,
    StructureMember,
)
from occupants.signals import person_erased

ERASED = "[effacé]"


class ErasureRefused(ValidationError):
    """A person may not erase their own account (yet); `structures` are those that would be
    left without a responsable, for the page to link to their members."""

    def __init__(self, message: str, *, code: str, structures: Iterable[Structure] = ()) -> None:
        super().__init__(message, code=code)
        self.structures = list(structures)


def self_erasure_refused(user) -> ErasureRefused | None:
    """Why `user` may not erase their own account, or None when they may (one query)."""
    if user.is_staff or user.is_superuser:
        return ErasureRefused(
            _(
                "Un compte qui a accès à l'administration ne peut pas être supprimé ici : "
                "demandez à un autre administrateur ou une autre administratrice de le faire."
            ),
            code="staff",
        )
    structures = [
        membership.structure
        for membership in StructureMember.objects.filter(user_id=user.pk)
        .sole_leads()
        .select_related("structure")
        .order_by("structure__name")
    ]
    if structures:
        return ErasureRefused(
            ngettext(
                "Vous êtes la seule personne responsable de la structure %(names)s, qui doit "
                "garder au moins un ou une responsable. Nommez d'abord une autre personne "
                "responsable (invitez-la comme responsable depuis la page des membres), puis "
                "revenez ici.",
                "Vous êtes la seule personne responsable des structures %(names)s, qui doivent "
                "chacune garder au moins un ou une responsable. Nommez d'abord une autre "
                "personne responsable de chacune (invitez-la comme responsable depuis la page "
                "des membres), puis revenez ici.",
                len(structures),
            )
            % {"names": ", ".join(f"« {structure.name} »" for structure in structures)},
            code="sole_lead",
            structures=structures,
        )
    return None


def person_erase(*, email: str, by=None) -> list[str]:
    """Anonymise everything tied to `email`; returns one line per kind of change, for the
    operator.

    `by` None is the platform's operator, who may erase anyone. Otherwise `by` is a person
    erasing their own account: refused with ErasureRefused (self_erasure_refused), and told by
    e-mail, at the address they had, once the erasure has committed."""
    with transaction.atomic():
        confirmation = None
        if by is not None:
            if not by.is_authenticated or by.email.lower() != email.strip().lower():
                raise PermissionDenied
            services.lock_structures(
                StructureMember.objects.filter(user_id=by.pk).values_list("structure_id", flat=True)
            )
            if refused := self_erasure_refused(by):
                raise refused
            confirmation = emails.account_erased(by, fallback=get_language())
        changes = _erase(email)
        if confirmation is not None:
            transaction.on_commit(confirmation.send)
    return changes


def _erase(email: str) -> list[str]:
    changes: list[str] = []
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    names: list[str] = [email]
    history_names = names
    log_filter = Q(object_repr__icontains=email) | Q(change_message__icontains=email)

    if user is not None:
        if user.full_name:
            names.append(user.full_name)
            log_filter |= Q(object_repr__icontains=user.full_name)
            log_filter |= Q(change_message__icontains=user.full_name)
        # The admin names an application by the structure it describes, often the person's own.
        applications = dict(
            Application.objects.filter(applicant=user).values_list("pk", "structure_name")
        )
        history_names = names + [name for name in applications.values() if name]
        if applications:
            log_filter |= Q(
                content_type=ContentType.objects.get_for_model(Application),
                object_id__in=[str(pk) for pk in applications],
            )
        member_ids = list(StructureMember.objects.filter(user=user).values_list("pk", flat=True))
        log_filter |= Q(
            content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
        )
        if member_ids:
            log_filter |= Q(
                content_type=ContentType.objects.get_for_model(StructureMember),
                object_id__in=[str(pk) for pk in member_ids],
            )

    # Admin history first, while the entries still name the person.
    entries = 0
    for entry in LogEntry.objects.filter(log_filter):
        repr_, message = entry.object_repr, entry.change_message
        for name in history_names:
            repr_ = _replace_ci(repr_, name, ERASED)
            message = _replace_ci(message, name, ERASED)
        if (repr_, message) != (entry.object_repr, entry.change_message):
            entry.object_repr, entry.change_message = repr_, message
            entry.save(update_fields=["object_repr", "change_message"])
            entries += 1
    if entries:
        changes.append(f"admin history: {entries} entr{'y' if entries == 1 else 'ies'} anonymised")

    if user is not None:
        memberships = StructureMember.objects.filter(user=user)
        structures = list(memberships.values_list("structure__name", flat=True))
        structure_ids = list(memberships.values_list("structure_id", flat=True))
        memberships.delete()
        services.members_left(structure_ids)
        if structures:
            changes.append(f"memberships removed: {', '.join(structures)}")
        user.email = User.erased_address(user.pk)
        user.full_name = ""
        user.is_active = False
        user.is_staff = False
        user.is_superuser = False
        user.set_unusable_password()
        user.save()
        user.groups.clear()
        user.user_permissions.clear()
        user.staff_organisations.clear()
        user.managed_sites.clear()
        changes.append(f"account #{user.pk}: e-mail → {user.email}, name erased, deactivated")
        sessions = _delete_sessions(user.pk)
        if sessions:
            changes.append(f"sessions closed: {sessions}")

    contacts = Structure.objects.filter(contact_email__iexact=email)
    names_changed = list(contacts.values_list("name", flat=True))
    if names_changed:
        contacts.update(contact_name="", contact_email="", contact_phone="")
        changes.append(f"structure contacts erased: {', '.join(names_changed)}")

    invitations = list(Invitation.objects.filter(email__iexact=email))
    for invitation in invitations:
        invitation.email = f"erased-invitation-{invitation.pk}@invalid"
        if invitation.accepted_at is None:
            invitation.expires_at = min(invitation.expires_at, timezone.now())
        invitation.save(update_fields=["email", "expires_at"])
    if invitations:
        changes.append(f"invitations anonymised: {len(invitations)}")

    changes += _erase_applications(email, user)

    # What the apps built on occupants hold about the person (events: booking purposes, and
    # event registrations, made by e-mail address with or without an account).
    def erase(text: str) -> str:
        for name in names:
            text = _replace_ci(text, name, ERASED)
        return text

    for _receiver, lines in person_erased.send(sender=None, user=user, email=email, erase=erase):
        changes += lines
    changes += _erase_login_records(email)
    return changes


def _replace_ci(text: str, needle: str, replacement: str) -> str:
    if not needle or not text:
        return text
    lower, target = text.lower(), needle.lower()
    out, start = [], 0
    while (index := lower.find(target, start)) != -1:
        out.append(text[start:index])
        out.append(replacement)
        start = index + len(needle)
    out.append(text[start:])
    return "".join(out)


def _erase_applications(email: str, user) -> list[str]:
    changes: list[str] = []
    contacts = Application.objects.filter(contact_email__iexact=email)
    if user is not None:
        contacts |= Application.objects.filter(applicant=user)
    count = contacts.update(contact_name="", contact_email="", contact_phone="")
    if count:
        changes.append(f"application contacts erased: {count}")
    if user is None:
        return changes

    # What the person sent with their own applications: documents and prose. The rows stay,
    # with call, status, dates, sectors and place, for the call's figures.
    own = Application.objects.filter(applicant=user)
    documents = ApplicationDocument.objects.filter(application__in=own)
    files = [document.file for document in documents if document.file]
    deleted = documents.delete()[0]

    def delete_files() -> None:
        for file in files:
            file.delete(save=False)

    if deleted:
        # After the commit: a dry run, or a failure further on, rolls back and keeps the files.
        transaction.on_commit(delete_files)
        changes.append(f"application documents deleted: {deleted}")
    texts = own.update(siret="", project="", manager_comment="")
    own.exclude(structure_name="").update(structure_name=ERASED)
    if texts:
        changes.append(f"application texts erased: {texts}")
    return changes


def _erase_login_records(email: str) -> list[str]:
    if not apps.is_installed("axes"):
        return []
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    deleted = sum(
        model.objects.filter(username__iexact=email).delete()[0]
        for model in (AccessAttempt, AccessFailureLog, AccessLog)
    )
    return [f"login records deleted: {deleted}"] if deleted else []


def _delete_sessions(user_id: int) -> int:
    from django.contrib.sessions.models import Session

    stale = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get("_auth_user_id")) == str(user_id)
    ]
    # Through the configured engine, so that a cached session (cached_db) goes as well.
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for key in stale:
        store(session_key=key).delete()
    return len(stale)
