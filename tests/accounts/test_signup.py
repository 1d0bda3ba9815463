"""Open sign-up: the address is verified by a signed link before anything reaches other people,
the page never tells whether an address has an account, and the e-mails a visitor can trigger
(sign-ups, password resets, new links) are capped per address and per client IP."""

import html
import re
import time
from types import SimpleNamespace

import pytest
from django.core import mail, signing
from django.urls import reverse

from accounts.models import User
from accounts.services import email_verification_token
from occupants import services as occupant_services
from occupants.models import Application
from tests.factories import UserFactory
from tests.occupants.calls_support import make_application, make_call
from tests.occupants.factories import StructureFactory

pytestmark = pytest.mark.django_db

PASSWORD = "un-long-mot-de-passe-42"
SIGNUP = reverse("calls:signup")
RESET = reverse("accounts:password_reset")
SITE_URL = "https://interstices.example.org"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE_URL


def sign_up(client, email, *, ip="192.0.2.10", password=PASSWORD, **extra):
    return client.post(
        SIGNUP,
        {
            "full_name": "Nina Nouvelle",
            "email": email,
            "password1": password,
            "password2": password,
        },
        REMOTE_ADDR=ip,
        **extra,
    )


def text(response) -> str:
    return html.unescape(response.content.decode())


def without_csrf(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def link_in(message, path_prefix: str) -> str:
    match = re.search(rf"(\S+{re.escape(path_prefix)}\S*)", message.body)
    assert match, message.body
    return match.group(1)


def verification_path(message) -> str:
    url = link_in(message, "/compte/verifier/")
    assert url.startswith(SITE_URL + "/compte/verifier/")
    return url.removeprefix(SITE_URL)


# --- The same answer whether or not the address has an account -------------------------------


def test_signing_up_with_a_known_address_answers_byte_for_byte_like_a_new_one(
    client, django_capture_on_commit_callbacks
):
    known = UserFactory(email="uma@example.org")
    other = type(client)()
    with django_capture_on_commit_callbacks(execute=True):
        new_answer = sign_up(client, "nina@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        known_answer = sign_up(other, "Uma@Example.org")

    for answer in (new_answer, known_answer):
        assert answer.status_code == 302
    assert known_answer.content == new_answer.content
    assert dict(known_answer.headers) == dict(new_answer.headers)
    assert set(known_answer.cookies) == set(new_answer.cookies) == set()
    new_page, known_page = client.get(new_answer["Location"]), other.get(known_answer["Location"])
    assert without_csrf(known_page.content.decode()) == without_csrf(new_page.content.decode())
    assert "Vérifiez votre messagerie" in text(new_page)

    # Nobody is logged in, the known account is untouched.
    assert "_auth_user_id" not in client.session and "_auth_user_id" not in other.session
    known.refresh_from_db()
    assert known.check_password("motdepasse-de-test")
    assert User.objects.filter(email__iexact="uma@example.org").count() == 1

    # The e-mails differ: a confirmation link for the new address, "you have an account" for the
    # known one, with its login and reset links.
    new_mail, known_mail = mail.outbox
    assert new_mail.to == ["nina@example.org"]
    assert "Confirmez votre adresse" in new_mail.subject
    verification_path(new_mail)
    assert known_mail.to == ["uma@example.org"]
    assert known_mail.subject == "Vous avez déjà un compte sur Interstices"
    assert SITE_URL + reverse("accounts:login") in known_mail.body
    assert SITE_URL + reverse("accounts:password_reset") in known_mail.body
    assert "/compte/verifier/" not in known_mail.body


def test_a_second_sign_up_for_an_unconfirmed_address_changes_nothing(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = sign_up(client, "nina@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        second = sign_up(client, "nina@example.org", password="un-autre-mot-de-passe-77")
    assert second.content == first.content and second["Location"] == first["Location"]
    user = User.objects.get(email="nina@example.org")
    assert user.check_password(PASSWORD)
    assert [m.subject for m in mail.outbox][1] == "Vous avez déjà un compte sur Interstices"


def test_the_sign_up_form_no_longer_says_that_an_address_is_taken(client, cast):
    response = sign_up(client, "uma@example.org", password="123")
    assert response.status_code == 200
    assert "existe déjà" not in text(response)
    assert "Ce mot de passe est trop court" in text(response)


# --- The link that verifies the address ------------------------------------------------------


def test_the_link_shows_a_button_and_only_the_button_verifies(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client, "nina@example.org")
    path = verification_path(mail.outbox[0])
    user = User.objects.get(email="nina@example.org")

    # A mail filter that fetches the link confirms nothing.
    page = client.get(path)
    assert page.status_code == 200
    assert "Confirmer mon adresse" in text(page)
    user.refresh_from_db()
    assert user.email_verified_at is None

    response = client.post(path)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    user.refresh_from_db()
    assert user.email_verified_at is not None
    assert "est confirmée" in text(client.get(response["Location"]))


def test_a_logged_in_person_confirming_goes_back_to_their_space(client):
    user = UserFactory(email_verified_at=None)
    client.force_login(user)
    response = client.post(reverse("accounts:email_verify", args=[email_verification_token(user)]))
    assert response["Location"] == reverse("accounts:dashboard")
    user.refresh_from_db()
    assert user.email_verified


def test_an_expired_link_is_refused_with_a_french_message(client, monkeypatch):
    user = UserFactory(email_verified_at=None)
    path = reverse("accounts:email_verify", args=[email_verification_token(user)])
    later = time.time() + 3 * 24 * 3600 + 60
    monkeypatch.setattr(signing, "time", SimpleNamespace(time=lambda: later))
    for response in (client.get(path), client.post(path)):
        assert response.status_code == 410
        assert "Ce lien de confirmation a expiré" in text(response)
    user.refresh_from_db()
    assert user.email_verified_at is None


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: "99999" + token[token.index(":") :],
        lambda token: "nimporte-quoi",
    ],
)
def test_an_altered_link_is_refused(client, tamper):
    user = UserFactory(email_verified_at=None)
    path = reverse("accounts:email_verify", args=[tamper(email_verification_token(user))])
    response = client.post(path)
    assert response.status_code == 410
    assert "n'est pas valide" in text(response)
    user.refresh_from_db()
    assert user.email_verified_at is None


def test_a_link_for_another_account_does_not_verify_this_one(client):
    nina = UserFactory(email="nina@example.org", email_verified_at=None)
    uma = UserFactory(email="uma@example.org", email_verified_at=None)
    token = email_verification_token(nina)
    forged = f"{uma.pk}{token[token.index(':') :]}"
    assert client.post(reverse("accounts:email_verify", args=[forged])).status_code == 410
    uma.refresh_from_db()
    assert uma.email_verified_at is None


def test_a_link_stops_working_once_the_address_changes(client):
    user = UserFactory(email="nina@example.org", email_verified_at=None)
    token = email_verification_token(user)
    user.email = "nina.nouvelle@example.org"
    user.save(update_fields=["email"])
    assert client.post(reverse("accounts:email_verify", args=[token])).status_code == 410


def test_a_password_reset_proves_the_address_too(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="nina@example.org", email_verified_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(RESET, {"email": "nina@example.org"})
    path = link_in(mail.outbox[0], "/compte/mot-de-passe/nouveau/").removeprefix(SITE_URL)
    form_url = client.get(path, follow=True).redirect_chain[-1][0]
    new = "un-nouveau-mot-de-passe-42"
    client.post(form_url, {"new_password1": new, "new_password2": new})
    user.refresh_from_db()
    assert user.email_verified_at is not None


def test_an_account_made_through_an_invitation_starts_verified(db):
    structure = StructureFactory()
    _invitation, token = occupant_services.invite(structure, "invitee@example.org")
    member = occupant_services.accept_invitation(token, PASSWORD, "Ines Invitée")
    assert member.user.email_verified_at is not None


def test_a_superuser_made_from_the_command_line_starts_verified(db):
    admin = User.objects.create_superuser("root@example.org", PASSWORD)
    assert admin.email_verified


# --- Until verified, nothing reaches other people ----------------------------------------------


@pytest.fixture
def draft(cast):
    call = make_call(cast.site_a, documents=())
    nina = UserFactory(email="nina@example.org", email_verified_at=None)
    return make_application(call, nina)


def test_an_unverified_candidate_cannot_submit_and_is_told_how_to_verify(
    client, draft, django_capture_on_commit_callbacks
):
    client.force_login(draft.applicant)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("calls:submit", args=[draft.pk]), follow=True)
    assert "Confirmez d'abord votre adresse e-mail" in text(response)
    assert "Renvoyer le lien de confirmation" in text(response)
    draft.refresh_from_db()
    assert draft.status == Application.Status.DRAFT
    assert not mail.outbox


def test_the_submit_service_itself_refuses_an_unverified_candidate(draft):
    from django.core.exceptions import ValidationError

    from occupants.calls.services import application_submit

    with pytest.raises(ValidationError) as caught:
        application_submit(application=draft, user=draft.applicant)
    assert caught.value.code == "email_unverified"
    draft.refresh_from_db()
    assert draft.status == Application.Status.DRAFT


def test_once_verified_the_candidate_submits(client, draft, django_capture_on_commit_callbacks):
    client.force_login(draft.applicant)
    client.post(reverse("accounts:email_verify", args=[email_verification_token(draft.applicant)]))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("calls:submit", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == Application.Status.SUBMITTED


def test_an_unverified_person_asks_for_a_new_link_a_few_times_only(
    client, draft, django_capture_on_commit_callbacks
):
    client.force_login(draft.applicant)
    resend = reverse("accounts:email_verification_resend")
    back = draft.get_absolute_url()
    for _ in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(resend, {"next": back})
        assert response["Location"] == back
    assert len(mail.outbox) == 5
    assert all(m.to == ["nina@example.org"] for m in mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(resend, {"next": back}, follow=True)
    assert "Plusieurs liens vous ont déjà été envoyés" in text(page)
    assert len(mail.outbox) == 5
    # The links sent work.
    client.post(verification_path(mail.outbox[-1]))
    draft.applicant.refresh_from_db()
    assert draft.applicant.email_verified


def test_a_verified_person_gets_no_new_link(client):
    user = UserFactory()
    client.force_login(user)
    page = client.post(reverse("accounts:email_verification_resend"), follow=True)
    assert "déjà confirmée" in text(page)
    assert not mail.outbox


def test_the_banner_shows_only_to_unverified_people(client):
    client.force_login(UserFactory(email_verified_at=None))
    assert "Renvoyer le lien de confirmation" in text(client.get(reverse("accounts:dashboard")))
    client.force_login(UserFactory())
    assert "Renvoyer le lien de confirmation" not in text(client.get(reverse("accounts:dashboard")))


# --- Throttles: per address and per IP, same answer, nothing sent past them ---------------------


def test_a_sixth_sign_up_for_one_address_within_the_hour_sends_nothing(
    client, django_capture_on_commit_callbacks
):
    answers = []
    for n in range(6):
        with django_capture_on_commit_callbacks(execute=True):
            answers.append(sign_up(client, "nina@example.org", ip=f"192.0.2.{n}"))
    assert len(mail.outbox) == 5
    assert answers[5].content == answers[0].content
    assert answers[5]["Location"] == answers[0]["Location"]


def test_a_twenty_first_sign_up_from_one_ip_creates_and_sends_nothing(
    client, django_capture_on_commit_callbacks
):
    answers = []
    for n in range(21):
        with django_capture_on_commit_callbacks(execute=True):
            answers.append(sign_up(client, f"personne{n}@example.org"))
    assert len(mail.outbox) == 20
    assert not User.objects.filter(email="personne20@example.org").exists()
    assert answers[20]["Location"] == answers[0]["Location"]
    # Another address still signs up.
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client, "personne20@example.org", ip="198.51.100.7")
    assert User.objects.filter(email="personne20@example.org").exists()


def test_the_sign_up_throttle_follows_the_client_behind_the_proxy(
    client, settings, django_capture_on_commit_callbacks
):
    settings.REVERSE_PROXY_COUNT = 1
    for n in range(21):
        with django_capture_on_commit_callbacks(execute=True):
            # Each request forges its own left-hand address; the proxy appends the real one.
            sign_up(
                client,
                f"personne{n}@example.org",
                ip="10.0.0.2",
                HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.9",
            )
    assert len(mail.outbox) == 20


def request_reset(client, email, ip="192.0.2.10"):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=ip)


def test_a_sixth_reset_request_for_one_address_sends_nothing(
    client, django_capture_on_commit_callbacks
):
    UserFactory(email="nina@example.org")
    answers = []
    for n in range(6):
        with django_capture_on_commit_callbacks(execute=True):
            answers.append(request_reset(client, "Nina@example.org", ip=f"192.0.2.{n}"))
    assert len(mail.outbox) == 5
    assert (
        answers[5]["Location"] == answers[0]["Location"] == reverse("accounts:password_reset_done")
    )


def test_a_twenty_first_reset_request_from_one_ip_sends_nothing(
    client, django_capture_on_commit_callbacks
):
    users = UserFactory.create_batch(21)
    for user in users:
        with django_capture_on_commit_callbacks(execute=True):
            answer = request_reset(client, user.email)
    assert len(mail.outbox) == 20
    assert answer["Location"] == reverse("accounts:password_reset_done")
    with django_capture_on_commit_callbacks(execute=True):
        request_reset(client, users[-1].email, ip="198.51.100.7")
    assert len(mail.outbox) == 21


# --- Links in e-mails come from SITE_URL, never from the Host header ---------------------------


def test_sign_up_mails_asked_through_a_forged_host_link_to_site_url(
    client, settings, django_capture_on_commit_callbacks
):
    settings.ALLOWED_HOSTS = ["testserver", "evil.example"]
    UserFactory(email="uma@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client, "nina@example.org", HTTP_HOST="evil.example")
        sign_up(client, "uma@example.org", HTTP_HOST="evil.example")
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert "evil.example" not in message.body
        urls = re.findall(r"https?://\S+", message.body)
        assert urls and all(url.startswith(SITE_URL + "/") for url in urls)
