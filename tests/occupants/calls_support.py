"""Builders for the calls-for-applications tests (plain functions, no fixtures)."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from occupants.models import Application, ApplicationDocument, Call, DocumentType, Lot, VisitDate
from sites.models import Space
from tests.factories import SpaceFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def doc_type(slug: str) -> DocumentType:
    names = {"statuts": "Statuts", "kbis": "Extrait Kbis", "assurance": "Attestation d'assurance"}
    return DocumentType.objects.get_or_create(slug=slug, defaults={"name": names.get(slug, slug)})[
        0
    ]


def make_call(
    site,
    *,
    title: str = "Appel ateliers 2026",
    slug: str | None = None,
    status: str = Call.Status.PUBLISHED,
    opens_in_days: int = -10,
    closes_in_days: int = 20,
    rolling: bool = False,
    documents: tuple[str, ...] = ("statuts",),
    lots: int = 1,
) -> Call:
    now = timezone.now()
    call = Call.objects.create(
        site=site,
        title=title,
        slug=slug or f"{site.slug}-{Call.objects.count() + 1}",
        description="Des ateliers et bureaux pour dix-huit mois.",
        opens_at=now + timedelta(days=opens_in_days),
        closes_at=now + timedelta(days=closes_in_days),
        rolling=rolling,
        status=status,
    )
    call.required_documents.set([doc_type(s) for s in documents])
    for n in range(lots):
        make_lot(call, name=f"Lot {n + 1}")
    return call


def make_lot(call: Call, *, space: Space | None = None, name: str = "Lot", **fields) -> Lot:
    if space is None:
        space = SpaceFactory(site=call.site, kind=Space.Kind.WORKSHOP, surface=Decimal("30"))
    defaults = {
        "kind": space.kind,
        "level": space.level,
        "surface_min": space.surface,
        "surface_max": space.surface,
        "price_per_sqm": Decimal("8.50"),
    }
    return Lot.objects.create(call=call, space=space, name=name, **(defaults | fields))


def make_visit(call: Call, days: int = 3) -> VisitDate:
    start = timezone.now() + timedelta(days=days)
    return VisitDate.objects.create(
        call=call, start=start, end=start + timedelta(hours=2), place="Accueil, rez-de-chaussée"
    )


def make_application(call: Call, user, **fields) -> Application:
    defaults = {
        "structure_name": "Atelier des Possibles",
        "legal_form": "association",
        "commune": "Asnières-sur-Seine",
        "postal_code": "92600",
        "contact_name": "Camille Candidate",
        "contact_email": "camille@example.org",
        "project": "Un atelier de réparation de vélos ouvert au quartier.",
        "desired_start": timezone.localdate(),
        "duration_months": 12,
    }
    application = Application.objects.create(call=call, applicant=user, **(defaults | fields))
    application.lots.set(call.lots.all())
    return application


def submitted(call: Call, user, **fields) -> Application:
    return make_application(
        call, user, status=Application.Status.SUBMITTED, submitted_at=timezone.now(), **fields
    )


def pdf_file(name: str = "statuts.pdf", extra: int = 0) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES + b"0" * extra, content_type="application/pdf")


def png_file(name: str = "kbis.png", extra: int = 0) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (20, 10), "red").save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue() + b"0" * extra, content_type="image/png")


def attach(application: Application, slug: str = "statuts") -> ApplicationDocument:
    upload = pdf_file()
    return ApplicationDocument.objects.create(
        application=application,
        document_type=doc_type(slug),
        file=upload,
        original_name=upload.name,
        size=upload.size,
    )
