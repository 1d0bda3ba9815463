"""The candidate's side: sign up, draft, attachments, submission, isolation."""

import html
import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.models import User
from occupants.models import Application, ApplicationDocument, Call
from tests.factories import SiteFactory, UserFactory
from tests.occupants.calls_support import (
    attach,
    make_application,
    make_call,
    pdf_file,
    png_file,
    submitted,
)
from tests.occupants.factories import StructureFactory, StructureMemberFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def call(cast) -> Call:
    return make_call(cast.site_a, documents=("statuts", "assurance"), lots=2)


@pytest.fixture
def camille(client):
    user = UserFactory(email="camille@example.org", full_name="Camille Candidate")
    client.force_login(user)
    return user


def form_data(call: Call, **overrides) -> dict:
    data = {
        "structure": "",
        "structure_name": "Atelier des Possibles",
        "legal_form": "association",
        "siret": "",
        "commune": "Asnières-sur-Seine",
        "postal_code": "92600",
        "contact_name": "Camille",
        "contact_email": "camille@example.org",
        "contact_phone": "01 23 45 67 89",
        "project": "Un atelier de réparation de vélos.",
        "lots": [str(lot.pk) for lot in call.lots.all()],
        "wanted_surface": "30",
        "space_kind": "atelier",
        "desired_start": timezone.localdate().isoformat(),
        "duration_months": "12",
    }
    return data | overrides


# --- Sign-up --------------------------------------------------------------------------------


def signup_data(**overrides) -> dict:
    data = {
        "full_name": "Nina Nouvelle",
        "email": "Nina@Example.org",
        "password1": "un-long-mot-de-passe-42",
        "password2": "un-long-mot-de-passe-42",
    }
    return data | overrides


def test_signup_creates_an_unverified_account_that_logs_in_with_its_password(
    client, call, django_capture_on_commit_callbacks
):
    apply_url = reverse("calls:apply", args=[call.slug])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("calls:signup"), signup_data(next=apply_url))
    assert response.status_code == 302
    done = client.get(response["Location"])
    assert "Vérifiez votre messagerie" in text(done)
    # The page's login link carries on to the call.
    assert f"?next={apply_url}" in done.content.decode()
    assert "_auth_user_id" not in client.session
    user = User.objects.get(email="nina@example.org")
    assert user.email_verified_at is None
    assert [m.to for m in mail.outbox] == [["nina@example.org"]]
    login = client.post(
        reverse("accounts:login"),
        {"username": "nina@example.org", "password": "un-long-mot-de-passe-42", "next": apply_url},
    )
    assert login["Location"] == apply_url
    assert client.get(apply_url).status_code == 200


def test_signup_refuses_a_weak_password(client, cast):
    response = client.post(
        reverse("calls:signup"),
        {"full_name": "X", "email": "new@example.org", "password1": "123", "password2": "123"},
    )
    assert response.status_code == 200
    assert "Ce mot de passe est trop court" in text(response)
    assert not User.objects.filter(email="new@example.org").exists()


def test_a_signup_with_the_trap_filled_in_creates_no_account_and_sends_nothing(client, db):
    response = client.post(reverse("calls:signup"), signup_data(website="http://spam.example"))
    assert response.status_code == 200
    assert "Votre envoi n'a pas pu être enregistré" in text(response)
    assert not User.objects.filter(email="nina@example.org").exists()
    assert mail.outbox == []
    html = response.content.decode()
    # The trap is the form's last field, out of the tab order and hidden from screen readers.
    assert html.index('name="password2"') < html.index('name="website"')
    assert 'name="website"' in html and 'tabindex="-1"' in html and 'aria-hidden="true"' in html


def test_signup_ignores_an_offsite_next(client, db):
    response = client.post(reverse("calls:signup"), signup_data(next="https://evil.example.com/"))
    assert response["Location"] == (
        reverse("calls:signup_done") + "?next=" + reverse("calls:mine").replace("/", "%2F")
    )


# --- Draft, resume, tampered ids --------------------------------------------------------------


def test_apply_needs_an_account(client, call):
    response = client.get(reverse("calls:apply", args=[call.slug]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_candidate_saves_a_draft_and_resumes_it(client, call, camille):
    response = client.post(reverse("calls:apply", args=[call.slug]), form_data(call))
    application = Application.objects.get()
    assert response["Location"] == application.get_absolute_url()
    assert application.status == Application.Status.DRAFT
    assert application.applicant == camille
    assert set(application.lots.all()) == set(call.lots.all())
    # Applying again resumes the same draft.
    again = client.get(reverse("calls:apply", args=[call.slug]))
    assert again["Location"] == application.get_absolute_url()
    page = client.get(application.get_absolute_url())
    assert "Atelier des Possibles" in page.content.decode()
    client.post(application.get_absolute_url(), form_data(call, project="Projet revu."))
    application.refresh_from_db()
    assert application.project == "Projet revu."


def test_an_empty_application_form_saves_no_blank_draft(client, call, camille):
    # What a browser sends for the untouched form: every field, empty.
    empty = {name: "" for name in form_data(call) if name not in ("lots", "sectors")}
    response = client.post(reverse("calls:apply", args=[call.slug]), empty)
    assert response.status_code == 200
    assert "Le formulaire est vide" in text(response)
    assert not Application.objects.exists()
    page = client.get(reverse("calls:apply", args=[call.slug]))
    assert "Ma candidature : " in text(page)


def test_lot_of_another_call_is_refused_and_nothing_saved(client, call, camille, cast):
    other = make_call(cast.site_c, title="Autre appel")
    data = form_data(call, lots=[str(other.lots.get().pk)])
    response = client.post(reverse("calls:apply", args=[call.slug]), data)
    assert response.status_code == 200
    assert "Ce lot ne fait pas partie de cet appel." in text(response)
    assert not Application.objects.exists()


def test_tampered_lot_on_a_draft_keeps_the_draft_unchanged(client, call, camille, cast):
    application = make_application(call, camille, project="Avant")
    other = make_call(cast.site_c, title="Autre appel")
    data = form_data(call, project="Après", lots=[str(other.lots.get().pk), "abc"])
    response = client.post(application.get_absolute_url(), data)
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.project == "Avant"


def test_structure_the_candidate_does_not_belong_to_is_refused(client, call, camille):
    foreign = StructureFactory(name="Pas la mienne")
    response = client.post(
        reverse("calls:apply", args=[call.slug]), form_data(call, structure=str(foreign.pk))
    )
    assert "Choisissez l'une des structures dont vous êtes membre." in text(response)
    assert not Application.objects.exists()


def test_candidate_may_apply_for_a_structure_they_belong_to(client, call, camille):
    mine = StructureFactory(name="La mienne")
    StructureMemberFactory(structure=mine, user=camille)
    client.post(
        reverse("calls:apply", args=[call.slug]),
        form_data(call, structure=str(mine.pk), structure_name=""),
    )
    assert Application.objects.get().structure == mine


def test_closed_call_takes_no_new_application(client, cast, camille):
    closed = make_call(cast.site_a, opens_in_days=-30, closes_in_days=-1)
    response = client.post(reverse("calls:apply", args=[closed.slug]), form_data(closed))
    assert response.status_code == 302
    assert not Application.objects.exists()


# --- Attachments ----------------------------------------------------------------------------


def upload(client, application, file, doc="statuts"):
    from occupants.models import DocumentType

    return client.post(
        reverse("calls:document_upload", args=[application.pk]),
        {"document_type": DocumentType.objects.get(slug=doc).pk, "file": file},
    )


def test_pdf_and_png_attachments_are_accepted(client, call, camille):
    application = make_application(call, camille)
    assert upload(client, application, pdf_file())["Location"] == application.get_absolute_url()
    assert upload(client, application, png_file(), doc="assurance").status_code == 302
    names = sorted(d.original_name for d in application.documents.all())
    assert names == ["kbis.png", "statuts.pdf"]
    document = application.documents.get(original_name="statuts.pdf")
    download = client.get(reverse("calls:document_download", args=[application.pk, document.pk]))
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_an_image_attachment_is_stored_re_encoded_without_its_exif(client, call, camille):
    exif = Image.Exif()
    exif[0x010F] = "AppareilSecret"  # Make
    exif.get_ifd(0x8825)[2] = (48.0, 54.0, 12.5)  # GPS latitude
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(out, "JPEG", exif=exif)
    photo = out.getvalue() + b"<script>alert(1)</script>"
    application = make_application(call, camille)
    sent = SimpleUploadedFile("kbis.jpg", photo, content_type="image/jpeg")
    assert upload(client, application, sent, doc="kbis").status_code == 302
    with application.documents.get().file.open("rb") as stored:
        data = stored.read()
    assert b"AppareilSecret" not in data and b"<script>" not in data
    assert not Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (lambda: pdf_file(extra=11 * 1024 * 1024), "Le fichier dépasse 10 Mo."),
        (lambda: png_file(extra=11 * 1024 * 1024), "Le fichier dépasse 10 Mo."),
        (
            lambda: SimpleUploadedFile(
                "statuts.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
            ),
            "Format refusé : envoyez un PDF, un JPEG ou un PNG.",
        ),
        (
            lambda: SimpleUploadedFile(
                "logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", content_type="image/svg"
            ),
            "Format refusé : envoyez un PDF, un JPEG ou un PNG.",
        ),
        (
            lambda: SimpleUploadedFile(
                "photo.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 20, content_type="image/png"
            ),
            "L'image est incomplète ou endommagée.",
        ),
    ],
    ids=["oversized", "oversized-image", "not-a-pdf", "svg", "broken-png"],
)
def test_bad_attachments_are_refused_with_a_clear_message(client, call, camille, file, message):
    application = make_application(call, camille)
    response = upload(client, application, file())
    assert response.status_code == 400
    body = text(response)
    assert message in body or "Ce fichier n'est pas une image lisible" in body
    assert not ApplicationDocument.objects.exists()


def test_unknown_document_type_is_a_form_error(client, call, camille):
    application = make_application(call, camille)
    response = client.post(
        reverse("calls:document_upload", args=[application.pk]),
        {"document_type": "999999", "file": pdf_file()},
    )
    assert response.status_code == 400
    assert not ApplicationDocument.objects.exists()


def test_the_upload_form_states_the_limits(client, call, camille):
    application = make_application(call, camille)
    page = text(client.get(application.get_absolute_url()))
    assert "10 Mo au plus par fichier ; 10 pièces jointes et 30 Mo au plus par candidature" in page


def test_an_application_holds_at_most_ten_attachments(client, call, camille):
    application = make_application(call, camille)
    for _n in range(10):
        attach(application)

    response = upload(client, application, pdf_file("onzième.pdf"))

    assert response.status_code == 400
    assert "Une candidature compte 10 pièces jointes au plus" in text(response)
    assert application.documents.count() == 10
    application.documents.first().delete()
    assert upload(client, application, pdf_file("onzième.pdf")).status_code == 302
    assert application.documents.count() == 10


def test_attachments_of_an_application_total_at_most_30_mb(client, call, camille):
    application = make_application(call, camille)
    for _n in range(3):
        attach(application)
    application.documents.update(size=int(9.7 * 1024 * 1024))  # as if 29.1 MB had been sent

    response = upload(client, application, pdf_file(extra=2 * 1024 * 1024))

    assert response.status_code == 400
    body = text(response)
    assert "ne peuvent dépasser 30 Mo au total (29,1 Mo déjà envoyés)" in body
    assert application.documents.count() == 3
    assert upload(client, application, pdf_file(extra=800 * 1024)).status_code == 302


def test_uploads_are_throttled_per_account(client, call, camille):
    from occupants.calls.services import UPLOADS_PER_HOUR

    application = make_application(call, camille)
    url = reverse("calls:document_upload", args=[application.pk])
    for _n in range(UPLOADS_PER_HOUR):  # refused ones count too: each was received and read
        assert client.post(url, {"document_type": "0", "file": pdf_file()}).status_code == 400

    response = upload(client, application, pdf_file())

    assert response.status_code == 429
    assert "plus de 30 fichiers dans l'heure" in text(response)
    assert not ApplicationDocument.objects.exists()
    other = UserFactory()
    client.force_login(other)
    assert upload(client, make_application(call, other), pdf_file()).status_code == 302


# --- Submission ---------------------------------------------------------------------------


def test_submission_with_missing_documents_is_refused(client, call, camille):
    application = make_application(call, camille)
    attach(application, "statuts")
    response = client.post(reverse("calls:submit", args=[application.pk]), follow=True)
    assert "Pièces manquantes : Attestation d'assurance." in text(response)
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT
    assert not mail.outbox


def test_late_submission_is_refused(client, cast, camille):
    call = make_call(cast.site_a, documents=())
    application = make_application(call, camille)
    Call.objects.filter(pk=call.pk).update(
        opens_at=timezone.now() - timedelta(days=30), closes_at=timezone.now() - timedelta(hours=1)
    )
    response = client.post(reverse("calls:submit", args=[application.pk]), follow=True)
    assert "les candidatures ne sont plus acceptées" in text(response)
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT


def test_rolling_call_accepts_submissions_after_its_closing_date(
    client, cast, camille, django_capture_on_commit_callbacks
):
    call = make_call(cast.site_a, documents=(), rolling=True, opens_in_days=-30, closes_in_days=-1)
    application = make_application(call, camille)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("calls:submit", args=[application.pk]))
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_submission_sends_one_confirmation_after_commit(
    client, call, camille, django_capture_on_commit_callbacks
):
    application = make_application(call, camille)
    attach(application, "statuts")
    attach(application, "assurance")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("calls:submit", args=[application.pk]))
    assert not mail.outbox  # nothing before the commit
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["camille@example.org"]
    assert "Candidature reçue" in mail.outbox[0].subject
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert application.submitted_at is not None
    # A second submit changes nothing and sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("calls:submit", args=[application.pk]))
    assert len(mail.outbox) == 1


def test_submitted_application_can_no_longer_be_edited(client, call, camille):
    application = submitted(call, camille, project="Figé")
    client.post(application.get_absolute_url(), form_data(call, project="Changé"))
    application.refresh_from_db()
    assert application.project == "Figé"
    response = upload(client, application, pdf_file())
    assert response.status_code == 302
    assert not application.documents.exists()


@pytest.mark.parametrize(
    ("status", "reviewable"),
    [
        (Application.Status.DRAFT, False),
        (Application.Status.SUBMITTED, True),
        (Application.Status.REVIEW, True),
        (Application.Status.ACCEPTED, False),
        (Application.Status.REFUSED, False),
        (Application.Status.WITHDRAWN, False),
    ],
)
def test_only_a_submitted_or_reviewed_application_awaits_a_decision(status, reviewable):
    assert Application(status=status).is_reviewable is reviewable


def test_candidate_withdraws_a_submitted_application(client, call, camille):
    application = submitted(call, camille)
    client.post(reverse("calls:withdraw", args=[application.pk]))
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN


def test_submitting_asks_for_confirmation_and_a_get_submits_nothing(client, call, camille):
    application = make_application(call, camille)
    attach(application, "statuts")
    attach(application, "assurance")
    submit_url = reverse("calls:submit", args=[application.pk])
    page = client.get(application.get_absolute_url()).content.decode()
    assert f'href="{submit_url}"' in page and f'action="{submit_url}"' not in page
    response = client.get(submit_url)
    assert response.status_code == 200
    assert f'action="{submit_url}"' in response.content.decode()
    assert "Oui, soumettre ma candidature" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT
    assert not mail.outbox


def test_withdrawing_asks_for_confirmation_and_a_get_withdraws_nothing(client, call, camille):
    application = submitted(call, camille)
    withdraw_url = reverse("calls:withdraw", args=[application.pk])
    response = client.get(withdraw_url)
    assert response.status_code == 200
    assert f'action="{withdraw_url}"' in response.content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_confirmation_of_a_step_already_taken_sends_back_to_the_application(client, call, camille):
    application = submitted(call, camille)
    response = client.get(reverse("calls:submit", args=[application.pk]), follow=True)
    assert response.redirect_chain[-1][0] == application.get_absolute_url()
    assert "ne peut plus être modifiée" in text(response)
    client.post(reverse("calls:withdraw", args=[application.pk]))
    response = client.get(reverse("calls:withdraw", args=[application.pk]), follow=True)
    assert response.redirect_chain[-1][0] == application.get_absolute_url()
    assert "ne peut plus être retirée" in text(response)


def test_removing_an_attachment_asks_for_confirmation_and_a_get_removes_nothing(
    client, call, camille
):
    application = make_application(call, camille)
    document = attach(application, "statuts")
    delete_url = reverse("calls:document_delete", args=[application.pk, document.pk])
    page = client.get(application.get_absolute_url()).content.decode()
    # The draft links to the confirmation page; no form posts the removal from there.
    assert f'href="{delete_url}"' in page and f'action="{delete_url}"' not in page
    response = client.get(delete_url)
    assert response.status_code == 200
    body = response.content.decode()
    assert f'action="{delete_url}"' in body
    assert document.original_name in text(response)
    assert "Oui, retirer la pièce jointe" in body
    assert f'href="{application.get_absolute_url()}"' in body  # the way back
    assert application.documents.filter(pk=document.pk).exists()


def test_confirmed_removal_of_an_attachment_deletes_it_and_its_file(client, call, camille):
    application = make_application(call, camille)
    document = attach(application, "statuts")
    storage, name = document.file.storage, document.file.name
    response = client.post(reverse("calls:document_delete", args=[application.pk, document.pk]))
    assert response["Location"] == application.get_absolute_url()
    assert not application.documents.exists()
    assert not storage.exists(name)


def test_attachment_of_a_submitted_application_has_no_removal_page(client, call, camille):
    application = submitted(call, camille)
    document = application.documents.first() or attach(application, "statuts")
    response = client.get(
        reverse("calls:document_delete", args=[application.pk, document.pk]), follow=True
    )
    assert response.redirect_chain[-1][0] == application.get_absolute_url()
    assert "ne peut plus être modifiée" in text(response)
    assert ApplicationDocument.objects.filter(pk=document.pk).exists()


# --- Isolation ----------------------------------------------------------------------------


def test_candidate_sees_only_their_own_applications(client, call, camille, cast):
    mine = make_application(call, camille, structure_name="La mienne")
    other = make_application(call, cast.uma, structure_name="Celle d'Uma")
    document = attach(other)
    page = text(client.get(reverse("calls:mine")))
    assert "La mienne" in page
    assert "Uma" not in page
    assert client.get(mine.get_absolute_url()).status_code == 200
    for url in (
        other.get_absolute_url(),
        reverse("calls:document_download", args=[other.pk, document.pk]),
        reverse("calls:document_download", args=[mine.pk, document.pk]),
    ):
        assert client.get(url).status_code == 404
    for name in ("submit", "withdraw", "document_upload"):
        assert client.post(reverse(f"calls:{name}", args=[other.pk])).status_code == 404
    for delete in (
        reverse("calls:document_delete", args=[other.pk, document.pk]),
        reverse("calls:document_delete", args=[mine.pk, document.pk]),
    ):
        assert client.get(delete).status_code == 404
        assert client.post(delete).status_code == 404
    assert ApplicationDocument.objects.filter(pk=document.pk).exists()


def test_one_application_per_call_and_person_in_the_database(call, camille):
    from django.db import IntegrityError, transaction

    make_application(call, camille)
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(call=call, applicant=camille, structure_name="Bis")


def test_call_must_close_after_it_opens(cast):
    from django.db import IntegrityError, transaction

    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        Call.objects.create(site=SiteFactory(), title="T", slug="t", opens_at=now, closes_at=now)


def test_submission_rechecks_lots_and_membership_saved_earlier(client, call, camille, cast):
    mine = StructureFactory(name="La mienne")
    membership = StructureMemberFactory(structure=mine, user=camille)
    application = make_application(call, camille, structure=mine)
    attach(application, "statuts")
    attach(application, "assurance")
    other = make_call(cast.site_c, title="Autre appel")
    application.lots.add(other.lots.get())  # written around the form
    membership.delete()
    response = client.post(reverse("calls:submit", args=[application.pk]), follow=True)
    page = text(response)
    assert "Un des lots choisis ne fait pas partie de cet appel." in page
    assert "Vous n'êtes plus membre de la structure choisie" in page
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT
