"""Workflows of calls for applications: submit, change statuses, accept.

Each validates first, writes inside one transaction, sends its e-mails after commit, and raises
ValidationError (French messages) with nothing saved when the input is refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, QuerySet, Sum
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts import throttle
from accounts.services import require_verified_email
from occupants.calls import emails as calls_emails
from occupants.models import (
    Application,
    ApplicationDocument,
    DocumentType,
    Occupancy,
    Structure,
    StructureMember,
)
from occupants.services import add_member, create_occupancy
from sites.models import Space

# What a manager may set with a bulk action; "retenue" goes through application_accept.
BULK_STATUSES = (Application.Status.REVIEW, Application.Status.REFUSED)
REVIEWABLE = Application.REVIEWABLE_STATUSES


# Attachments: what one application may hold, and how many files one account may send.
MAX_DOCUMENTS = 10
MAX_DOCUMENTS_BYTES = 30 * 1024 * 1024
UPLOADS_PER_HOUR = 30
MB = 1024 * 1024


def upload_attempt(*, user) -> None:
    """Count one upload of this account, before its file is even read; past UPLOADS_PER_HOUR
    within the hour that began with its first counted upload, a ValidationError. Uploading and
    removing in a loop would otherwise store and re-encode files without end."""
    if throttle.count("calls:uploads", str(user.pk), window=3600) > UPLOADS_PER_HOUR:
        raise ValidationError(
            _(
                "Vous avez envoyé plus de %(n)s fichiers dans l'heure : réessayez un peu plus "
                "tard. Rien n'a été enregistré."
            )
            % {"n": UPLOADS_PER_HOUR},
            code="throttled",
        )


def document_add(
    *, application: Application, user, document_type: DocumentType, upload: UploadedFile
) -> ApplicationDocument:
    """Attach a checked file (calls_forms.DocumentForm) to a draft, within MAX_DOCUMENTS and
    MAX_DOCUMENTS_BYTES. The application's row is locked so that two uploads at once cannot
    both fit in the last place."""
    with transaction.atomic():
        locked = Application.objects.of_candidate(user).select_for_update().get(pk=application.pk)
        if not locked.is_editable:
            raise ValidationError(_("Une candidature soumise ne peut plus être modifiée."))
        held = locked.documents.aggregate(count=Count("pk"), size=Sum("size"))
        size = upload.size or 0
        if held["count"] >= MAX_DOCUMENTS:
            raise ValidationError(
                _(
                    "Une candidature compte %(max)s pièces jointes au plus : retirez-en une "
                    "pour en ajouter une autre."
                )
                % {"max": MAX_DOCUMENTS},
                code="too_many_documents",
            )
        if (held["size"] or 0) + size > MAX_DOCUMENTS_BYTES:
            raise ValidationError(
                _(
                    "Les pièces jointes d'une candidature ne peuvent dépasser %(max)s Mo au "
                    "total (%(used)s Mo déjà envoyés) : retirez-en une ou envoyez un fichier "
                    "plus léger."
                )
                % {
                    "max": MAX_DOCUMENTS_BYTES // MB,
                    "used": number_format(round((held["size"] or 0) / MB, 1), 1),
                },
                code="documents_too_big",
            )
        document = ApplicationDocument(
            application=locked,
            document_type=document_type,
            file=upload,
            original_name=(upload.name or "document")[:200],
            size=size,
        )
        document.save()
    return document


def missing_documents(application: Application) -> list[DocumentType]:
    required = list(application.call.required_documents.all())
    given = set(application.documents.values_list("document_type_id", flat=True))
    return [doc for doc in required if doc.pk not in given]


def submission_problems(application: Application, now=None) -> list[str]:
    """Why the application cannot be submitted now (empty when it can)."""
    call = application.call
    now = now or timezone.now()
    problems = []
    if not application.is_editable:
        problems.append(_("Cette candidature a déjà été soumise."))
        return problems
    if call.status != call.Status.PUBLISHED or now < call.opens_at:
        problems.append(_("Cet appel n'est pas ouvert aux candidatures."))
    elif not call.accepts_submissions(now):
        problems.append(
            _("L'appel est clos depuis le %(date)s : les candidatures ne sont plus acceptées.")
            % {"date": f"{timezone.localtime(call.closes_at):%d/%m/%Y %H:%M}"}
        )
    if not application.structure_id and not (application.structure_name and application.legal_form):
        problems.append(
            _(
                "Choisissez l'une de vos structures ou indiquez le nom et la forme juridique de la "
                "nouvelle structure."
            )
        )
    if application.structure_id and not (
        StructureMember.objects.filter(
            structure_id=application.structure_id, user_id=application.applicant_id
        ).exists()
    ):
        problems.append(
            _("Vous n'êtes plus membre de la structure choisie : choisissez-en une autre.")
        )
    if application.lots.exclude(call_id=call.pk).exists():
        problems.append(_("Un des lots choisis ne fait pas partie de cet appel."))
    if not application.project.strip():
        problems.append(_("Décrivez votre projet."))
    missing = missing_documents(application)
    if missing:
        problems.append(
            _("Pièces manquantes : %(names)s.") % {"names": ", ".join(d.name for d in missing)}
        )
    return problems


def application_submit(*, application: Application, user, now=None) -> Application:
    # Managers read what is submitted and the address gets a confirmation: the candidate must
    # have shown that the address is theirs.
    require_verified_email(user)
    with transaction.atomic():
        locked = (
            Application.objects.of_candidate(user)
            .select_for_update()
            .select_related("call")
            .get(pk=application.pk)
        )
        problems = submission_problems(locked, now)
        if problems:
            raise ValidationError(problems)
        locked.status = Application.Status.SUBMITTED
        locked.submitted_at = now or timezone.now()
        locked.save(update_fields=["status", "submitted_at", "updated_at"])
        transaction.on_commit(lambda: calls_emails.send_submitted(locked.pk))
    return locked


def application_withdraw(*, application: Application, user) -> Application:
    with transaction.atomic():
        locked = Application.objects.of_candidate(user).select_for_update().get(pk=application.pk)
        if not locked.is_reviewable:
            raise ValidationError(_("Cette candidature ne peut plus être retirée."))
        locked.status = Application.Status.WITHDRAWN
        locked.save(update_fields=["status", "updated_at"])
    return locked


def applications_change_status(*, applications: QuerySet[Application], status: str) -> int:
    """Bulk review decision. Only submitted or reviewed applications that really change are
    touched; each candidate gets one e-mail, after commit. Returns how many changed."""
    if status not in BULK_STATUSES:
        raise ValidationError(_("Ce statut ne peut être donné en masse."))
    with transaction.atomic():
        ids = list(
            Application.objects.select_for_update()
            .filter(pk__in=applications.values("pk"), status__in=REVIEWABLE)
            .exclude(status=status)
            .values_list("pk", flat=True)
        )
        Application.objects.filter(pk__in=ids).update(status=status, updated_at=timezone.now())
        if ids:
            transaction.on_commit(lambda: calls_emails.send_status_changes(ids))
    return len(ids)


def _unique_structure_slug(name: str) -> str:
    base = (slugify(name) or "structure")[:180]
    slug, n = base, 2
    while Structure.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _structure_from_application(application: Application) -> Structure:
    structure = Structure(
        name=application.structure_name,
        slug=_unique_structure_slug(application.structure_name),
        legal_form=application.legal_form or Structure.LegalForm.ASSOCIATION,
        siret=application.siret,
        commune=application.commune,
        postal_code=application.postal_code,
        contact_name=application.contact_name or application.applicant.get_full_name(),
        contact_email=application.contact_email or application.applicant.email,
        contact_phone=application.contact_phone,
        description=application.project,
    )
    try:
        structure.full_clean()
    except ValidationError as exc:
        raise ValidationError(
            [
                _("La structure décrite dans la candidature est incomplète : %(e)s")
                % {"e": " ".join(exc.messages)}
            ]
        ) from None
    structure.save()
    structure.sectors.set(application.sectors.all())
    return structure


def application_accept(
    *,
    application: Application,
    spaces: Iterable[Space],
    start: date,
    end: date,
    fee_basis: str = Occupancy.FeeBasis.PER_SQM,
    fee_amount: Decimal | int | str = 0,
    charges: Decimal | int | str = 0,
    occupancy_status: str = Occupancy.Status.DRAFT,
) -> Occupancy:
    """Retain an application: create or link its Structure, make the applicant its responsable,
    and give it an Occupancy of the chosen spaces, all or nothing."""
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update()
            .select_related("call__site", "applicant")
            .get(pk=application.pk)
        )
        if not locked.is_reviewable:
            raise ValidationError(
                _("Seule une candidature soumise ou en étude peut être retenue (statut : %(s)s).")
                % {"s": locked.get_status_display()}
            )
        structure = (
            Structure.objects.get(pk=locked.structure_id)
            if locked.structure_id
            else _structure_from_application(locked)
        )
        add_member(structure, locked.applicant, StructureMember.Role.LEAD)
        occupancy = create_occupancy(
            structure=structure,
            site=locked.call.site,
            spaces=spaces,
            start=start,
            end=end,
            fee_basis=fee_basis,
            fee_amount=fee_amount,
            charges=charges,
            status=occupancy_status,
            notes=_("Créée depuis la candidature n° %(n)s à l'appel « %(call)s ».")
            % {"n": locked.pk, "call": locked.call.title},
        )
        locked.structure = structure
        locked.occupancy = occupancy
        locked.status = Application.Status.ACCEPTED
        locked.save(update_fields=["structure", "occupancy", "status", "updated_at"])
        transaction.on_commit(lambda: calls_emails.send_status_changes([locked.pk]))
    application.refresh_from_db()
    return occupancy
