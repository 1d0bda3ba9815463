"""After erase_person, the person's name and e-mail are nowhere: no text column of any table, no
file name and no file under the public or private media folders."""

from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import models

from events.models import Booking
from occupants import services
from occupants.models import (
    Application,
    ApplicationDocument,
    Invitation,
    StructureMember,
)
from tests.events.factories import BookingFactory, RoomFactory
from tests.occupants.calls_support import PDF_BYTES, doc_type, make_call, submitted
from tests.occupants.factories import SpaceFactory, StructureFactory, UserFactory

NAME = "Zélie Quartermaine"
EMAIL = "zelie.quartermaine@exemple-unique.org"
NEEDLES = ("quartermaine", EMAIL)
TEXT_FIELDS = (models.CharField, models.TextField, models.FileField, models.JSONField)


def pdf_naming_her() -> bytes:
    return PDF_BYTES + f"% {NAME} <{EMAIL}>\n".encode()


@pytest.fixture
def media(settings, tmp_path):
    """Media folders of this test alone, so that the scan sees only what it wrote."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "media-private"
    return settings


@pytest.fixture
def zelie(cast, media):
    """Zélie: responsable of her workshop on site A (with a signed agreement), contact of it,
    candidate to two calls with documents and prose naming her, booker of a room, invited
    elsewhere, logged in, named in the admin history and in the login-throttling records."""
    from axes.models import AccessAttempt

    person = UserFactory(email=EMAIL, full_name=NAME)
    workshop = StructureFactory(
        name="Atelier du Quai", contact_name=NAME, contact_email=EMAIL.upper()
    )
    services.add_member(workshop, person, StructureMember.Role.LEAD)
    occupancy = services.create_occupancy(
        structure=workshop,
        site=cast.site_a,
        spaces=[SpaceFactory(site=cast.site_a)],
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
    )
    # The structure's contract: kept, and its uploaded name no longer says whose it is.
    occupancy.agreement.save("convention-quartermaine.pdf", ContentFile(PDF_BYTES))

    for site, status in ((cast.site_a, "submitted"), (cast.site_b, "draft")):
        application = submitted(
            make_call(site),
            person,
            structure_name="Céramiques Quartermaine",
            siret="",
            contact_name=NAME,
            contact_email=EMAIL,
            contact_phone="06 12 34 56 78",
            project=f"Je suis {NAME}, céramiste : j'ouvre mon atelier au quartier.",
            manager_comment=f"Appelé {NAME} le 3 mars, très motivée.",
        )
        if status == "draft":
            Application.objects.filter(pk=application.pk).update(status="brouillon")
        for slug in ("statuts", "kbis"):
            ApplicationDocument.objects.create(
                application=application,
                document_type=doc_type(slug),
                file=ContentFile(pdf_naming_her(), name=f"{slug}-quartermaine.pdf"),
                original_name=f"{slug}-Quartermaine.pdf",
                size=len(pdf_naming_her()),
            )
        LogEntry.objects.log_actions(
            user_id=cast.mara.pk,
            queryset=[application],
            action_flag=CHANGE,
            change_message="Statut modifié",
        )

    BookingFactory(
        space=RoomFactory(site=cast.site_a),
        structure=workshop,
        booked_by=person,
        purpose=f"Atelier portes ouvertes de {NAME}",
    )
    services.invite(StructureFactory(name="Autre collectif"), EMAIL, "membre", cast.alice)
    AccessAttempt.objects.create(
        username=EMAIL, ip_address="203.0.113.5", user_agent="test", failures_since_start=1
    )
    return person, workshop, occupancy


def findings() -> list[str]:
    found = []
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, TEXT_FIELDS)]
        if not fields:
            continue
        names = [f.attname for f in fields]
        for row in model._default_manager.values_list("pk", *names):
            for name, value in zip(names, row[1:], strict=True):
                text = str(value or "").lower()
                if any(needle in text for needle in NEEDLES):
                    found.append(f"{model._meta.label}#{row[0]}.{name}: {value!r}")
    for root in (settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT):
        for path in Path(root).rglob("*"):
            if any(needle in str(path).lower() for needle in NEEDLES):
                found.append(f"file name {path}")
            elif path.is_file() and any(
                needle.encode() in path.read_bytes().lower() for needle in NEEDLES
            ):
                found.append(f"file contents {path}")
    return found


def test_the_scan_finds_the_person_before_the_erasure(client, zelie):
    client.force_login(zelie[0])
    found = "\n".join(findings())

    for where in (
        "accounts.User",
        "occupants.Structure",
        "occupants.Application#",
        "occupants.ApplicationDocument",
        "occupants.Invitation",
        "events.Booking",
        "axes.AccessAttempt",
        "file contents",
    ):
        assert where in found


def test_erase_person_leaves_no_trace_of_name_or_email_in_any_table_or_file(
    client, zelie, django_capture_on_commit_callbacks
):
    person, workshop, occupancy = zelie
    client.force_login(person)
    out = StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("erase_person", EMAIL, stdout=out)

    assert findings() == []
    output = out.getvalue()
    assert "application documents deleted: 4" in output
    assert "application texts erased: 2" in output
    assert "booking purposes anonymised: 1" in output
    # What is not hers stays, for the site's history and figures.
    assert Application.objects.filter(applicant=person).count() == 2
    assert set(Application.objects.values_list("status", flat=True)) == {"soumise", "brouillon"}
    assert Booking.objects.filter(booked_by=person, structure=workshop).exists()
    occupancy.refresh_from_db()
    assert occupancy.agreement.storage.exists(occupancy.agreement.name)
    assert Invitation.objects.filter(structure__name="Autre collectif").exists()


def test_dry_run_keeps_documents_files_and_texts(zelie, django_capture_on_commit_callbacks):
    out = StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("erase_person", EMAIL, "--dry-run", stdout=out)

    assert "would: application documents deleted: 4" in out.getvalue()
    documents = ApplicationDocument.objects.all()
    assert documents.count() == 4
    assert all(d.file.storage.exists(d.file.name) for d in documents)
    assert Application.objects.filter(project__icontains="quartermaine").count() == 2
