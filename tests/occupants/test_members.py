"""Members and invitations: services and the Mon espace pages of a structure."""

import html
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from occupants import services
from occupants.models import Invitation, StructureMember
from occupants.views import INVITATION_SESSION_KEY


def invite_url(token: str) -> str:
    return reverse("occupants:invitation", kwargs={"token": token})


# --- services -------------------------------------------------------------------------------


def test_invitation_stores_only_the_token_hash_and_mails_once_after_commit(
    crew, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        invitation, token = services.invite(crew.x, "Nina@Example.org", "membre", crew.lea)
        assert mail.outbox == []  # nothing leaves before the commit

    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nina@example.org"]
    assert "Atelier X" in mail.outbox[0].subject
    assert invite_url(token) in mail.outbox[0].body
    assert invitation.token_hash == services.hash_token(token)
    assert token not in invitation.token_hash
    assert invitation.expires_at > timezone.now() + timedelta(days=6)


def test_invitation_of_an_existing_member_is_refused(crew):
    with pytest.raises(ValidationError, match="déjà membre"):
        services.invite(crew.x, "MAX@atelier-x.example.org", "membre", crew.lea)
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(("email", "role"), [("pas-une-adresse", "membre"), ("a@b.org", "chef")])
def test_invitation_with_bad_input_is_refused(crew, email, role):
    with pytest.raises(ValidationError):
        services.invite(crew.x, email, role, crew.lea)
    assert not Invitation.objects.exists()


def test_new_invitation_replaces_the_pending_one(crew):
    _first, old_token = services.invite(crew.x, "nina@example.org", "membre", crew.lea)
    services.invite(crew.x, "nina@example.org", "membre", crew.lea)

    with pytest.raises(services.InvitationError, match="expiré"):
        services.get_pending_invitation(old_token)


def test_accepting_creates_the_account_and_the_membership_once(crew):
    _invitation, token = services.invite(crew.x, "nina@example.org", "responsable", crew.lea)

    member = services.accept_invitation(token, "un-mot-de-passe-solide", "Nina Nouvelle")

    assert member.role == StructureMember.Role.LEAD
    assert member.user.check_password("un-mot-de-passe-solide")
    assert member.user.full_name == "Nina Nouvelle"
    with pytest.raises(services.InvitationError, match="déjà été utilisé"):
        services.accept_invitation(token, "un-mot-de-passe-solide", "Nina Nouvelle")


def test_expired_or_unknown_links_are_refused(crew):
    invitation, token = services.invite(crew.x, "nina@example.org", "membre", crew.lea)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())

    with pytest.raises(services.InvitationError, match="expiré"):
        services.accept_invitation(token, "un-mot-de-passe-solide", "Nina")
    with pytest.raises(services.InvitationError, match="pas valide"):
        services.accept_invitation("inventé", "un-mot-de-passe-solide", "Nina")
    assert not User.objects.filter(email="nina@example.org").exists()


def test_weak_password_is_refused_and_nothing_is_saved(crew):
    _invitation, token = services.invite(crew.x, "nina@example.org", "membre", crew.lea)

    with pytest.raises(ValidationError) as excinfo:
        services.accept_invitation(token, "1234", "")

    assert set(excinfo.value.message_dict) == {"password", "full_name"}
    assert not User.objects.filter(email="nina@example.org").exists()
    assert services.get_pending_invitation(token)


def test_existing_account_must_log_in_to_accept(crew):
    _invitation, token = services.invite(crew.x, "uma@example.org", "membre", crew.lea)

    with pytest.raises(ValidationError, match="connectez-vous"):
        services.accept_invitation(token, "un-mot-de-passe-solide", "Uma")
    crew.uma.refresh_from_db()
    assert crew.uma.check_password("motdepasse-de-test")

    member = services.accept_invitation(token, user=crew.uma)
    assert member.structure == crew.x


def test_another_account_cannot_accept_an_invitation_sent_to_another_address(crew):
    invitation, token = services.invite(crew.x, "nina@example.org", "membre", crew.lea)

    with pytest.raises(ValidationError, match="envoyée à une autre adresse e-mail"):
        services.accept_invitation(token, user=crew.uma)

    assert not StructureMember.objects.filter(structure=crew.x, user=crew.uma).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert services.get_pending_invitation(token) == invitation


def test_the_invited_address_accepts_whatever_its_case(crew):
    crew.uma.email = "Uma@Example.ORG"
    crew.uma.save(update_fields=["email"])
    _invitation, token = services.invite(crew.x, "uMA@example.org", "membre", crew.lea)

    member = services.accept_invitation(token, user=crew.uma)

    assert (member.structure, member.user) == (crew.x, crew.uma)


def test_last_responsable_cannot_be_removed_or_demoted(crew):
    lead = StructureMember.objects.get(structure=crew.x, user=crew.lea)

    with pytest.raises(ValidationError, match="dernier"):
        services.remove_member(lead)
    with pytest.raises(ValidationError):
        services.change_member_role(lead, StructureMember.Role.MEMBER)

    services.add_member(crew.x, crew.max, StructureMember.Role.LEAD)
    services.remove_member(lead)
    assert not StructureMember.objects.filter(pk=lead.pk).exists()


def test_add_member_is_idempotent_and_promotes(crew):
    services.add_member(crew.x, crew.max, StructureMember.Role.MEMBER)
    member = services.add_member(crew.x, crew.max, StructureMember.Role.LEAD)
    assert member.role == StructureMember.Role.LEAD
    assert StructureMember.objects.filter(structure=crew.x, user=crew.max).count() == 1


# --- pages ----------------------------------------------------------------------------------


def test_responsable_invites_from_mon_espace(crew, client, django_capture_on_commit_callbacks):
    client.force_login(crew.lea)
    url = reverse("occupants:members", kwargs={"slug": crew.x.slug})

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"email": "nina@example.org", "role": "membre"}, follow=True)

    assert "Invitation envoyée à nina@example.org" in response.content.decode()
    assert len(mail.outbox) == 1
    assert Invitation.objects.get().invited_by == crew.lea


def test_invitation_form_errors_are_shown_in_french(crew, client):
    client.force_login(crew.lea)
    url = reverse("occupants:members", kwargs={"slug": crew.x.slug})

    response = client.post(url, {"email": "max@atelier-x.example.org", "role": "membre"})

    assert response.status_code == 200
    assert "déjà membre" in response.content.decode()
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("name", ["edit", "members"])
def test_plain_member_and_other_structures_get_404_on_responsable_pages(crew, client, name):
    client.force_login(crew.max)
    assert client.get(reverse(f"occupants:{name}", kwargs={"slug": crew.x.slug})).status_code == 404
    client.force_login(crew.yann)
    assert client.get(reverse(f"occupants:{name}", kwargs={"slug": crew.x.slug})).status_code == 404


def test_member_of_y_cannot_read_x(crew, client):
    client.force_login(crew.yann)
    response = client.get(reverse("occupants:detail", kwargs={"slug": crew.x.slug}))
    assert response.status_code == 404


def test_member_of_x_cannot_remove_y_member(crew, client):
    client.force_login(crew.lea)
    yann = StructureMember.objects.get(structure=crew.y, user=crew.yann)

    for slug in (crew.x.slug, crew.y.slug):
        url = reverse("occupants:member_remove", kwargs={"slug": slug, "pk": yann.pk})
        assert client.post(url).status_code == 404
        assert client.get(url).status_code == 404
    assert StructureMember.objects.filter(pk=yann.pk).exists()


def test_responsable_removes_a_member_but_not_the_last_responsable(crew, client):
    client.force_login(crew.lea)
    max_ = StructureMember.objects.get(structure=crew.x, user=crew.max)
    lea = StructureMember.objects.get(structure=crew.x, user=crew.lea)

    client.post(reverse("occupants:member_remove", kwargs={"slug": crew.x.slug, "pk": max_.pk}))
    response = client.post(
        reverse("occupants:member_remove", kwargs={"slug": crew.x.slug, "pk": lea.pk}), follow=True
    )

    assert not StructureMember.objects.filter(pk=max_.pk).exists()
    assert StructureMember.objects.filter(pk=lea.pk).exists()
    assert "dernier ou la dernière responsable" in response.content.decode()


def test_member_removal_asks_for_confirmation_and_a_get_removes_nobody(crew, client):
    client.force_login(crew.lea)
    max_ = StructureMember.objects.get(structure=crew.x, user=crew.max)
    url = reverse("occupants:member_remove", kwargs={"slug": crew.x.slug, "pk": max_.pk})
    members_page = client.get(reverse("occupants:members", kwargs={"slug": crew.x.slug}))
    assert f'href="{url}"' in members_page.content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert f'action="{url}"' in response.content.decode()
    assert StructureMember.objects.filter(pk=max_.pk).exists()
    client.post(url)
    assert not StructureMember.objects.filter(pk=max_.pk).exists()


def test_invitee_sets_password_and_lands_on_the_structure(crew, client):
    _invitation, token = services.invite(crew.x, "nina@example.org", "membre", crew.lea)

    response = client.get(invite_url(token))
    assert response.status_code == 302
    assert token not in response["Location"]
    page = client.get(response["Location"])
    assert "Rejoindre Atelier X" in page.content.decode()

    response = client.post(
        reverse("occupants:invitation_accept"),
        {
            "full_name": "Nina",
            "password1": "un-mot-de-passe-solide",
            "password2": "un-mot-de-passe-solide",
        },
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse(
        "occupants:detail", kwargs={"slug": crew.x.slug}
    )
    assert response.context["user"].email == "nina@example.org"
    assert INVITATION_SESSION_KEY not in client.session
    assert StructureMember.objects.filter(structure=crew.x, user__email="nina@example.org").exists()


def test_invitee_mismatched_passwords_get_a_french_error(crew, client):
    _invitation, token = services.invite(crew.x, "nina@example.org", "membre", crew.lea)
    client.get(invite_url(token))

    response = client.post(
        reverse("occupants:invitation_accept"),
        {
            "full_name": "Nina",
            "password1": "un-mot-de-passe-solide",
            "password2": "autre-chose-123",
        },
    )

    assert response.status_code == 200
    assert "ne correspondent pas" in response.content.decode()
    assert not User.objects.filter(email="nina@example.org").exists()


@pytest.mark.parametrize("state", ["used", "expired", "unknown"])
def test_dead_links_give_a_french_message(crew, client, state):
    invitation, token = services.invite(crew.x, "nina@example.org", "membre", crew.lea)
    if state == "used":
        services.accept_invitation(token, "un-mot-de-passe-solide", "Nina")
    elif state == "expired":
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    else:
        token = "nimporte-quoi"

    response = client.get(invite_url(token), follow=True)

    assert response.status_code == 410
    assert {"used": "déjà été utilisé", "expired": "a expiré", "unknown": "pas valide"}[state] in (
        response.content.decode()
    )


def test_logged_in_person_links_their_existing_account(crew, client):
    _invitation, token = services.invite(crew.x, "uma@example.org", "membre", crew.lea)
    client.get(invite_url(token))
    page = client.get(reverse("occupants:invitation_accept"))
    assert "connectez-vous" in page.content.decode()

    client.force_login(crew.uma)
    client.get(invite_url(token))
    response = client.post(reverse("occupants:invitation_accept"))

    assert response.status_code == 302
    assert StructureMember.objects.filter(structure=crew.x, user=crew.uma).exists()


def test_another_logged_in_account_is_told_and_cannot_join(crew, client):
    invitation, token = services.invite(crew.x, "nina@example.org", "membre", crew.lea)
    client.force_login(crew.uma)
    client.get(invite_url(token))

    page = client.get(reverse("occupants:invitation_accept"))
    response = client.post(reverse("occupants:invitation_accept"))

    for answer in (page, response):
        content = html.unescape(answer.content.decode())
        assert "envoyée à une autre adresse e-mail" in content
        assert "Connectez-vous avec le compte de cette adresse" in content
        assert "nina@example.org" not in content
        assert "n•••@example.org" in content
        assert "Rejoindre la structure" not in content
    assert page.status_code == 200
    assert response.status_code == 403
    assert not StructureMember.objects.filter(structure=crew.x, user=crew.uma).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert client.session[INVITATION_SESSION_KEY] == token


def test_responsable_edits_profile_and_contact(crew, client):
    client.force_login(crew.lea)
    url = reverse("occupants:edit", kwargs={"slug": crew.x.slug})
    data = {
        "name": "Atelier X rénové",
        "legal_form": "association",
        "description": "Sérigraphie et reliure.",
        "website": "https://atelier-x.example.org",
        "commune": "Clichy",
        "postal_code": "92110",
        "people_count": 4,
        "siret": "732 829 320 00074",
        "public_profile": "on",
        "contact_name": "Léa",
        "contact_email": "lea@atelier-x.example.org",
        "contact_phone": "01 02 03 04 05",
    }

    response = client.post(url, data)

    assert response.status_code == 302, response.context["form"].errors
    crew.x.refresh_from_db()
    assert (crew.x.name, crew.x.siret, crew.x.departement) == (
        "Atelier X rénové",
        "73282932000074",
        "92",
    )


def test_invalid_siret_and_bad_logo_are_refused(crew, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(crew.lea)
    url = reverse("occupants:edit", kwargs={"slug": crew.x.slug})
    data = {
        "name": "Atelier X",
        "legal_form": "association",
        "people_count": 2,
        "siret": "73282932000075",
        "logo": SimpleUploadedFile("logo.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
    }

    response = client.post(url, data)

    assert response.status_code == 200
    content = response.content.decode()
    assert "Ce SIRET n&#x27;est pas valide" in content
    assert "SVG" in content
    crew.x.refresh_from_db()
    assert crew.x.siret == ""
    assert not crew.x.logo


def test_structure_page_shows_practical_info_to_members(crew, client):
    client.force_login(crew.max)
    response = client.get(reverse("occupants:detail", kwargs={"slug": crew.x.slug}))

    content = response.content.decode()
    assert "Bureau A1" in content
    assert crew.site_a.address in content
    assert "contact@atelier-x.example.org" in content
    assert "200,00" in content or "200.00" in content  # 8 €/m² × 25 m²
    assert reverse("occupants:edit", kwargs={"slug": crew.x.slug}) not in content


def test_a_structure_slugged_invitation_keeps_its_pages(crew, client):
    crew.x.slug = "invitation"
    crew.x.save()
    client.force_login(crew.lea)
    for name in ("detail", "edit", "members"):
        response = client.get(reverse(f"occupants:{name}", kwargs={"slug": "invitation"}))
        assert response.status_code == 200
        assert "Atelier X" in response.content.decode()
