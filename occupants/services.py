"""Writes that touch several occupant models: occupancies and their spaces, members, invitations.

Every function validates first, then writes inside one transaction, and raises Django's
ValidationError (with French messages) without saving anything when the input is refused.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.db import retrying_deadlocks
from occupants.models import Invitation, Occupancy, OccupancySpace, Structure, StructureMember
from occupants.signals import members_left as members_left_signal
from sites.models import Site, Space

OVERLAP_CONSTRAINT = "occupancy_space_no_overlap"


def invitation_valid_days() -> int:
    return getattr(settings, "INVITATION_VALID_DAYS", 7)


# --- Occupancies ----------------------------------------------------------------------------


def space_is_shared(space: Space) -> bool:
    """Shared spaces (coworking, rooms booked by the hour) may be held by several structures."""
    return space.kind == Space.Kind.COWORKING or space.is_bookable


def _as_decimal(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: _("Indiquez un montant en euros.")}) from None
    if not amount.is_finite():
        raise ValidationError({field: _("Indiquez un montant en euros.")})
    return amount


def _overlap_message(space: Space, start: date, end: date) -> str:
    return _(
        "L'espace « %(space)s » est déjà attribué à une autre structure sur tout ou partie "
        "de la période du %(start)s au %(end)s."
    ) % {"space": space.name, "start": f"{start:%d/%m/%Y}", "end": f"{end:%d/%m/%Y}"}


def find_space_conflicts(
    spaces: Iterable[Space], start: date, end: date, *, exclude_occupancy: Occupancy | None = None
) -> list[OccupancySpace]:
    """Active exclusive holdings of these spaces that overlap [start, end] (both inclusive)."""
    exclusive_ids = [space.pk for space in spaces if not space_is_shared(space)]
    if not exclusive_ids:
        return []
    rows = OccupancySpace.objects.filter(
        space_id__in=exclusive_ids, exclusive=True, active=True, start__lte=end, end__gte=start
    ).select_related("space", "occupancy__structure")
    if exclude_occupancy is not None and exclude_occupancy.pk:
        rows = rows.exclude(occupancy_id=exclude_occupancy.pk)
    return list(rows.order_by("space__name", "start"))


def _conflict_errors(conflicts: list[OccupancySpace]) -> list[str]:
    return [_overlap_message(row.space, row.start, row.end) for row in conflicts]


def validate_occupancy_terms(
    *,
    site: Site,
    spaces: list[Space],
    start: date | None,
    end: date | None,
    fee_amount: Decimal,
    charges: Decimal,
    status: str,
) -> None:
    """Checks that need no lock: dates, the site's window, the spaces' site, amounts."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not isinstance(start, date):
        add("start", _("Indiquez la date de début."))
    if not isinstance(end, date):
        add("end", _("Indiquez la date de fin."))
    if isinstance(start, date) and isinstance(end, date):
        if end < start:
            add("end", _("La fin de la convention doit suivre son début."))
        if site.occupancy_start and start < site.occupancy_start:
            add(
                "start",
                _("La convention ne peut commencer avant l'ouverture du lieu (le %(d)s).")
                % {"d": f"{site.occupancy_start:%d/%m/%Y}"},
            )
        if site.occupancy_end and end > site.occupancy_end:
            add(
                "end",
                _(
                    "La convention ne peut finir après la fin prévue de l'occupation du lieu "
                    "(le %(d)s)."
                )
                % {"d": f"{site.occupancy_end:%d/%m/%Y}"},
            )
    if not spaces:
        add("spaces", _("Choisissez au moins un espace."))
    for space in spaces:
        if space.site_id != site.pk:
            add(
                "spaces",
                _("L'espace « %(space)s » n'appartient pas à ce lieu.") % {"space": space.name},
            )
    if len({space.pk for space in spaces}) != len(spaces):
        add("spaces", _("Un même espace est choisi deux fois."))
    if fee_amount < 0:
        add("fee_amount", _("La redevance ne peut être négative."))
    if charges < 0:
        add("charges", _("Les charges ne peuvent être négatives."))
    if status not in Occupancy.Status.values:
        add("status", _("Statut inconnu."))
    if errors:
        raise ValidationError(errors)


def _write_held_spaces(occupancy: Occupancy, spaces: list[Space]) -> None:
    """Replace the occupancy's held spaces, refusing overlaps with clear messages.

    The caller holds a transaction and the spaces' locks (Space.objects.lock), so the check and
    the insert cannot interleave with another writer's of the same spaces (on SQLite, its
    IMMEDIATE transaction). The exclusion constraint stays the guarantee on PostgreSQL: a
    refusal from it is translated too.
    """
    active = occupancy.status != Occupancy.Status.CANCELLED
    if active:
        conflicts = find_space_conflicts(
            spaces, occupancy.start, occupancy.end, exclude_occupancy=occupancy
        )
        if conflicts:
            raise ValidationError({"spaces": _conflict_errors(conflicts)})
    OccupancySpace.objects.filter(occupancy=occupancy).exclude(
        space_id__in=[space.pk for space in spaces]
    ).delete()
    existing = {row.space_id: row for row in OccupancySpace.objects.filter(occupancy=occupancy)}
    try:
        with transaction.atomic():
            for space in spaces:
                row = existing.get(space.pk) or OccupancySpace(occupancy=occupancy, space=space)
                row.start, row.end = occupancy.start, occupancy.end
                row.exclusive = not space_is_shared(space)
                row.active = active
                row.save()
    except IntegrityError as exc:
        if OVERLAP_CONSTRAINT not in str(exc):
            raise
        # The savepoint is rolled back; the rival's committed row is now visible.
        conflicts = find_space_conflicts(
            spaces, occupancy.start, occupancy.end, exclude_occupancy=occupancy
        )
        messages = _conflict_errors(conflicts) or [
            _("Un des espaces choisis vient d'être attribué à une autre structure sur ces dates.")
        ]
        raise ValidationError({"spaces": messages}) from None


def create_occupancy(
    *,
    structure: Structure,
    site: Site,
    spaces: Iterable[Space],
    start: date,
    end: date,
    fee_basis: str = Occupancy.FeeBasis.PER_SQM,
    fee_amount: Decimal | int | str = 0,
    charges: Decimal | int | str = 0,
    status: str = Occupancy.Status.SIGNED,
    notes: str = "",
    agreement=None,
) -> Occupancy:
    """A convention d'occupation with its private spaces, or a ValidationError and nothing saved."""
    spaces = list(spaces)
    fee = _as_decimal(fee_amount, "fee_amount")
    charges_amount = _as_decimal(charges, "charges")
    validate_occupancy_terms(
        site=site,
        spaces=spaces,
        start=start,
        end=end,
        fee_amount=fee,
        charges=charges_amount,
        status=status,
    )
    occupancy = Occupancy(
        structure=structure,
        site=site,
        start=start,
        end=end,
        fee_basis=fee_basis,
        fee_amount=fee,
        charges=charges_amount,
        status=status,
        notes=notes,
    )
    if agreement is not None:
        occupancy.agreement = agreement
    occupancy.full_clean()

    def write() -> Occupancy:
        Space.objects.lock(space.pk for space in spaces)
        occupancy.pk, occupancy._state.adding = None, True  # again after a rolled-back attempt
        occupancy.save()
        _write_held_spaces(occupancy, spaces)
        return occupancy

    return retrying_deadlocks(write)


def update_occupancy(occupancy: Occupancy, *, spaces: Iterable[Space] | None = None) -> Occupancy:
    """Save an edited occupancy (dates, status, fee…) and keep its held spaces in step.

    `spaces` None keeps the spaces it holds. Used by the admin after its forms validated.
    """
    chosen = None if spaces is None else list(spaces)

    def write() -> Occupancy:
        spaces = chosen
        if spaces is None:
            spaces = list(Space.objects.filter(held_by__occupancy=occupancy))
        Space.objects.lock(space.pk for space in spaces)
        validate_occupancy_terms(
            site=occupancy.site,
            spaces=spaces,
            start=occupancy.start,
            end=occupancy.end,
            fee_amount=occupancy.fee_amount,
            charges=occupancy.charges,
            status=occupancy.status,
        )
        occupancy.save()
        _write_held_spaces(occupancy, spaces)
        return occupancy

    return retrying_deadlocks(write)


def cancel_occupancy(occupancy: Occupancy) -> Occupancy:
    """Cancelling frees the spaces for others (the rows stay, inactive, for the record)."""
    with transaction.atomic():
        occupancy.status = Occupancy.Status.CANCELLED
        occupancy.save(update_fields=["status"])
        OccupancySpace.objects.filter(occupancy=occupancy).update(active=False)
    return occupancy


# --- Members --------------------------------------------------------------------------------


def may_administer(structure: Structure, user) -> bool:
    """Whether `user` may change the structure's people: one of its responsables, or a site
    manager administering it (Structure.objects.administered_by: a current occupant of their
    site). A manager who only sees it (past occupant, applicant) may not."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    lead = StructureMember.objects.filter(
        structure_id=structure.pk, user_id=user.pk, role=StructureMember.Role.LEAD
    )
    return lead.exists() or Structure.objects.administered_by(user).filter(pk=structure.pk).exists()


def _require_administer(structure: Structure, by) -> None:
    """`by` None is the platform itself (an accepted application, the demo seed)."""
    if by is not None and not may_administer(structure, by):
        raise PermissionDenied


def add_member(
    structure: Structure, user, role: str = StructureMember.Role.MEMBER
) -> StructureMember:
    """Make `user` a member; an existing member keeps their place and is promoted if asked."""
    if role not in StructureMember.Role.values:
        raise ValidationError({"role": _("Rôle inconnu.")})
    with transaction.atomic():
        member, created = StructureMember.objects.get_or_create(
            structure=structure, user=user, defaults={"role": role}
        )
        if not created and role == StructureMember.Role.LEAD and member.role != role:
            member.role = role
            member.save(update_fields=["role"])
    return member


def lock_structures(structure_ids) -> None:
    """Lock these structures' rows until the commit, in id order: two changes to the same
    structure's responsables (removing, demoting, erasing an account) take turns, so the second
    sees the first's result and a structure cannot lose its last responsable to a race."""
    list(
        Structure.objects.select_for_update()
        .filter(pk__in=structure_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _is_sole_lead(member: StructureMember) -> bool:
    return (
        member.role == StructureMember.Role.LEAD
        and StructureMember.objects.sole_leads().filter(pk=member.pk).exists()
    )


def remove_member(member: StructureMember, *, by=None) -> None:
    """A structure always keeps at least one responsable. The one who leaves loses the
    structure's calendar feed (see members_left)."""
    _require_administer(member.structure, by)
    with transaction.atomic():
        lock_structures([member.structure_id])
        if _is_sole_lead(member):
            raise ValidationError(
                _("Impossible de retirer le dernier ou la dernière responsable de la structure.")
            )
        member.delete()
        members_left([member.structure_id])


def members_left(structure_ids: Iterable[int]) -> None:
    """Call in the transaction that deletes memberships, whatever the path (this service, the
    admin, erasure; an account's deletion goes through occupants.receivers). The apps built on
    occupants react to the signal: events gives the structures' private feeds a new address."""
    members_left_signal.send(sender=StructureMember, structure_ids=list(structure_ids))


def change_member_role(member: StructureMember, role: str, *, by=None) -> StructureMember:
    _require_administer(member.structure, by)
    if role not in StructureMember.Role.values:
        raise ValidationError({"role": _("Rôle inconnu.")})
    with transaction.atomic():
        lock_structures([member.structure_id])
        if role != StructureMember.Role.LEAD and _is_sole_lead(member):
            raise ValidationError(_("La structure doit garder au moins un ou une responsable."))
        member.role = role
        member.save(update_fields=["role"])
    return member


# --- Invitations ----------------------------------------------------------------------------


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite(
    structure: Structure, email: str, role: str = StructureMember.Role.MEMBER, invited_by=None
) -> tuple[Invitation, str]:
    """Create an invitation and e-mail its one-time link after commit. Returns the clear token,
    which is never stored (only its hash is). `invited_by` must administer the structure."""
    from occupants.emails import send_invitation

    _require_administer(structure, invited_by)
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Indiquez une adresse e-mail valide.")}) from None
    if role not in StructureMember.Role.values:
        raise ValidationError({"role": _("Rôle inconnu.")})
    if StructureMember.objects.filter(structure=structure, user__email__iexact=email).exists():
        raise ValidationError({"email": _("Cette personne est déjà membre de la structure.")})
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        # A new invitation replaces any link still pending for the same person.
        Invitation.objects.filter(
            structure=structure, email__iexact=email, accepted_at__isnull=True, expires_at__gt=now
        ).update(expires_at=now)
        invitation = Invitation.objects.create(
            structure=structure,
            email=email,
            role=role,
            token_hash=hash_token(token),
            invited_by=invited_by if getattr(invited_by, "pk", None) else None,
            expires_at=now + timedelta(days=invitation_valid_days()),
        )
        transaction.on_commit(lambda: send_invitation(invitation, token))
    return invitation, token


class InvitationError(ValidationError):
    """The link is unknown, used or expired: the page shows the message, nothing else."""


def get_pending_invitation(token: str, *, for_update: bool = False) -> Invitation:
    queryset = Invitation.objects.select_related("structure")
    if for_update:
        queryset = queryset.select_for_update()
    invitation = queryset.filter(token_hash=hash_token(token or "")).first()
    if invitation is None:
        raise InvitationError(_("Ce lien d'invitation n'est pas valide."), code="unknown")
    if invitation.accepted_at is not None:
        raise InvitationError(_("Ce lien d'invitation a déjà été utilisé."), code="used")
    if invitation.expires_at <= timezone.now():
        raise InvitationError(
            _("Ce lien d'invitation a expiré. Demandez à la structure de vous inviter à nouveau."),
            code="expired",
        )
    return invitation


def invitation_is_for(invitation: Invitation, user) -> bool:
    """Only the invited address's account may use the link: a forwarded or leaked link does not
    let another account join (the address is compared as the login compares it, ignoring case)."""
    return (user.email or "").strip().lower() == invitation.email.strip().lower()


def wrong_account_message() -> str:
    return _(
        "Cette invitation a été envoyée à une autre adresse e-mail. Connectez-vous avec le "
        "compte de cette adresse pour l'accepter."
    )


def accept_invitation(
    token: str, password: str | None = None, full_name: str = "", *, user=None
) -> StructureMember:
    """Use an invitation once: either for the logged-in `user`, whose e-mail must be the invited
    one, or by creating the invitee's account with `password` and `full_name`. An address that
    already has an account must log in first, so that nobody sets another person's password
    through an invitation."""
    User = get_user_model()
    with transaction.atomic():
        invitation = get_pending_invitation(token, for_update=True)
        if user is None:
            full_name = (full_name or "").strip()
            if User.objects.filter(email__iexact=invitation.email).exists():
                raise ValidationError(
                    _(
                        "Un compte existe déjà pour cette adresse : connectez-vous puis rouvrez "
                        "le lien pour rejoindre la structure."
                    ),
                    code="account_exists",
                )
            errors: dict[str, list[str]] = {}
            if not full_name:
                errors["full_name"] = [_("Indiquez votre nom.")]
            elif len(full_name) > 150:
                errors["full_name"] = [_("150 caractères au plus.")]
            candidate = User(email=invitation.email, full_name=full_name)
            try:
                validate_password(password or "", candidate)
            except ValidationError as exc:
                errors["password"] = list(exc.messages)
            if errors:
                raise ValidationError(errors)
            # The link came to this address: the account starts verified.
            user = User.objects.create_user(
                email=invitation.email,
                password=password,
                full_name=full_name,
                email_verified_at=timezone.now(),
            )
        elif not user.is_active:
            raise ValidationError(_("Ce compte est désactivé."))
        elif not invitation_is_for(invitation, user):
            raise ValidationError(wrong_account_message(), code="wrong_account")
        member = add_member(invitation.structure, user, invitation.role)
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
    return member
