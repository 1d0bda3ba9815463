"""CSV and ZIP exports of applications, streamed so that memory stays flat as a call grows."""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.exports import csv_number
from occupants.models import Application, ApplicationDocument

CHUNK = 64 * 1024
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    if isinstance(value, Decimal):
        return csv_number(value)
    text = "" if value is None else str(value)
    # A spreadsheet would run a cell starting with these as a formula (CSV injection).
    return "'" + text if text.startswith(FORMULA_START) else text


def export_queryset(queryset: QuerySet[Application]) -> QuerySet[Application]:
    return (
        queryset.select_related("call__site", "applicant", "structure")
        .prefetch_related(
            "sectors",
            "lots",
            Prefetch(
                "documents", queryset=ApplicationDocument.objects.select_related("document_type")
            ),
        )
        .order_by("call_id", "pk")
    )


def header() -> list[str]:
    return [
        _("N°"),
        _("Appel"),
        _("Lieu"),
        _("Statut"),
        _("Soumise le"),
        _("Structure"),
        _("Forme juridique"),
        _("Secteurs"),
        _("SIRET"),
        _("Commune"),
        _("Code postal"),
        _("Contact"),
        _("E-mail du contact"),
        _("Téléphone du contact"),
        _("Compte candidat"),
        _("Lots souhaités"),
        _("Surface souhaitée (m²)"),
        _("Type d'espace"),
        _("Début souhaité"),
        _("Durée (mois)"),
        _("Note /20"),
        _("Commentaire"),
        _("Pièces jointes"),
        _("Projet"),
    ]


def row(application: Application) -> list[str]:
    submitted = (
        timezone.localtime(application.submitted_at).strftime("%Y-%m-%d %H:%M")
        if application.submitted_at
        else ""
    )
    values = [
        application.pk,
        application.call.title,
        application.call.site.name,
        application.get_status_display(),
        submitted,
        application.structure.name if application.structure else application.structure_name,
        application.get_legal_form_display(),
        ", ".join(s.label for s in application.sectors.all()),
        application.siret,
        application.commune,
        application.postal_code,
        application.contact_name,
        application.contact_email,
        application.contact_phone,
        application.applicant.email,
        ", ".join(lot.name for lot in application.lots.all()),
        application.wanted_surface if application.wanted_surface is not None else "",
        application.get_space_kind_display(),
        application.desired_start.isoformat() if application.desired_start else "",
        application.duration_months if application.duration_months is not None else "",
        application.score if application.score is not None else "",
        application.manager_comment,
        len(application.documents.all()),
        application.project,
    ]
    return [_cell(v) for v in values]


class _Buffer:
    """A write-only file whose content is taken back chunk by chunk."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


class _Echo:
    def write(self, value: str) -> str:
        return value


def stream_csv(queryset: QuerySet[Application]) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff"  # lets spreadsheet software read UTF-8 accents right
    yield writer.writerow(header())
    for application in export_queryset(queryset).iterator(chunk_size=500):
        yield writer.writerow(row(application))


def _csv_bytes(applications: Iterable[Application]) -> bytes:
    return "".join(stream_csv_rows(applications)).encode("utf-8")


def stream_csv_rows(applications: Iterable[Application]) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff"
    yield writer.writerow(header())
    for application in applications:
        yield writer.writerow(row(application))


def _folder(application: Application) -> str:
    name = application.structure.name if application.structure else application.structure_name
    return f"{application.pk:05d}-{slugify(name)[:60] or 'candidature'}"


def stream_zip(queryset: QuerySet[Application]) -> Iterator[bytes]:
    """A ZIP with candidatures.csv and one folder per application holding its documents.

    zipfile writes to a non-seekable buffer (data descriptors), and each document is copied in
    CHUNK-sized pieces, so at most one chunk is held in memory at a time."""
    buffer = _Buffer()
    # Prefetch runs per chunk of 500 with iterator(): memory is bounded by that.
    applications = list(export_queryset(queryset))
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("candidatures.csv", _csv_bytes(applications))
        yield buffer.take()
        for application in applications:
            folder = _folder(application)
            sheet = "\n".join(
                f"{label} : {value}"
                for label, value in zip(header(), row(application), strict=True)
            )
            archive.writestr(f"{folder}/candidature.txt", sheet.encode("utf-8"))
            yield buffer.take()
            used: set[str] = set()
            for document in application.documents.all():
                name = f"{slugify(document.document_type.name)[:40]}-{document.original_name}"
                while name in used:
                    name = f"_{name}"
                used.add(name)
                try:
                    source = document.file.open("rb")
                except FileNotFoundError:
                    continue
                with source, archive.open(f"{folder}/{name}", "w", force_zip64=True) as target:
                    while chunk := source.read(CHUNK):
                        target.write(chunk)
                        yield buffer.take()
                yield buffer.take()
    yield buffer.take()
