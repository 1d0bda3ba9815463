"""Supprimer mon compte: a person erases their own account from Mon compte with their password,
unless they are the last responsable of a structure or an administrator; they are logged out
and told by e-mail at the address they had."""

import html

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from occupants import services
from occupants.erasure import ErasureRefused, person_erase
from occupants.forms import AccountEraseForm
from occupants.models import StructureMember

PASSWORD = "motdepasse-de-test"
ERASE = reverse("accounts:erase")
SETTINGS = reverse("accounts:settings")
LOGIN = reverse("accounts:login")


def text(response) -> str:
    return html.unescape(response.content.decode())


def unchanged(user) -> bool:
    fresh = User.objects.get(pk=user.pk)
    return fresh.is_active and fresh.email == user.email and fresh.check_password(PASSWORD)


# --- The page --------------------------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_the_login(client):
    response = client.get(ERASE)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={ERASE}"


def test_mon_compte_links_to_the_page(client, crew):
    client.force_login(crew.max)
    page = text(client.get(SETTINGS))
    assert f'<a class="button button-danger" href="{ERASE}">Supprimer mon compte…</a>' in page


def test_the_page_says_what_is_erased_what_stays_and_asks_for_the_password(
    client, crew, django_assert_max_num_queries
):
    client.force_login(crew.max)
    with django_assert_max_num_queries(4):  # session, user, the refusal's check, memberships
        response = client.get(ERASE)
    assert response.status_code == 200
    page = text(response)
    assert "<h1>Supprimer mon compte</h1>" in page
    assert "max@atelier-x.example.org sera fermé et anonymisé" in page
    assert "la suppression ne peut pas être annulée" in page
    assert "Vous quittez vos structures : Atelier X." in page
    assert "leurs réservations de salles et leurs événements" in page
    assert 'type="password" name="password"' in page
    assert 'autocomplete="current-password"' in page
    assert f'href="{SETTINGS}">Non, garder mon compte</a>' in page


# --- Refusals --------------------------------------------------------------------------------


def test_a_wrong_password_is_refused_in_french_and_changes_nothing(client, crew):
    client.force_login(crew.max)
    response = client.post(ERASE, {"password": "pas-le-bon"})
    assert response.status_code == 200
    page = text(response)
    assert "Mot de passe incorrect : votre compte n'est pas supprimé." in page
    assert "data-error-summary" in page
    assert unchanged(crew.max)
    assert StructureMember.objects.filter(user=crew.max).exists()
    assert mail.outbox == []
    assert client.get(SETTINGS).status_code == 200  # still logged in


def test_an_empty_password_is_asked_for_in_french(client, crew):
    client.force_login(crew.max)
    response = client.post(ERASE, {"password": ""})
    assert "Ce champ est obligatoire." in text(response)
    assert unchanged(crew.max)


def test_a_nul_byte_in_the_password_gets_a_french_error_and_changes_nothing(client, crew):
    client.force_login(crew.max)
    response = client.post(ERASE, {"password": PASSWORD + "\x00"})
    assert response.status_code == 400
    assert "Requête invalide" in text(response)
    assert unchanged(crew.max)
    # The form refuses it too, should it ever be reached another way.
    form = AccountEraseForm(crew.max, {"password": PASSWORD + "\x00"})
    assert not form.is_valid()
    assert form.errors["password"] == ["Le caractère nul n’est pas autorisé."]


def test_wrong_passwords_are_capped_as_logins_are_and_then_even_the_right_one_waits(
    client, crew, settings
):
    settings.AXES_FAILURE_LIMIT = 2
    client.force_login(crew.max)
    for _ in range(2):
        assert "Mot de passe incorrect" in text(client.post(ERASE, {"password": "faux"}))

    response = client.post(ERASE, {"password": PASSWORD})

    assert "Trop d'essais : réessayez dans 15 minutes. Votre compte est intact." in text(response)
    assert unchanged(crew.max)
    # The cap is the account's: another person is not held back.
    client.force_login(crew.uma)
    assert client.post(ERASE, {"password": PASSWORD}).status_code == 302


def test_the_last_responsable_is_refused_with_a_link_to_the_members_page(client, crew):
    client.force_login(crew.lea)
    members = reverse("occupants:members", args=[crew.x.slug])

    for response in (client.get(ERASE), client.post(ERASE, {"password": PASSWORD})):
        assert response.status_code == 200
        page = text(response)
        assert "Vous êtes la seule personne responsable de la structure « Atelier X »" in page
        assert "Nommez d'abord une autre personne responsable" in page
        assert f'<a href="{members}">Membres de Atelier X</a>' in page
        assert 'name="password"' not in page
    assert unchanged(crew.lea)
    assert mail.outbox == []


def test_the_refusal_names_every_structure_left_without_a_responsable(client, crew):
    services.add_member(crew.y, crew.lea, StructureMember.Role.LEAD)  # with yann: not alone
    solo = services.add_member(
        crew.y.__class__.objects.create(name="Solo", slug="solo", legal_form="collectif"),
        crew.lea,
        StructureMember.Role.LEAD,
    )
    client.force_login(crew.lea)
    page = text(client.get(ERASE))
    assert "responsable des structures « Atelier X », « Solo »" in page
    assert page.count("Membres de ") == 2
    assert f'href="{reverse("occupants:members", args=[solo.structure.slug])}"' in page
    assert "Collectif Y" not in page


def test_once_another_responsable_is_named_the_former_last_one_may_leave(client, crew):
    services.change_member_role(
        StructureMember.objects.get(user=crew.max), StructureMember.Role.LEAD
    )
    client.force_login(crew.lea)
    response = client.post(ERASE, {"password": PASSWORD})
    assert response.status_code == 302
    assert list(crew.x.members.values_list("user__email", "role")) == [
        ("max@atelier-x.example.org", "responsable")
    ]


@pytest.mark.parametrize("who", ["alice", "olga", "mara"])
def test_an_administrator_is_refused_and_asked_to_turn_to_another(client, crew, who):
    user = getattr(crew, who)
    client.force_login(user)
    for response in (client.get(ERASE), client.post(ERASE, {"password": PASSWORD})):
        assert response.status_code == 200
        page = text(response)
        assert "Un compte qui a accès à l'administration ne peut pas être supprimé ici" in page
        assert "demandez à un autre administrateur" in page
        assert 'name="password"' not in page
    assert unchanged(user)


# --- The erasure -----------------------------------------------------------------------------


def test_erasing_anonymises_the_account_logs_out_and_mails_the_address_it_had(
    client, crew, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    User.objects.filter(pk=crew.max.pk).update(language="en")
    client.force_login(crew.max)

    # Fixed steps, whatever the person's structures, applications or documents; only a
    # rewritten text (admin history, a booking's purpose) costs one more. One of them locks the
    # person's structures (occupants.services.lock_structures).
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        django_assert_max_num_queries(42),
    ):
        response = client.post(ERASE, {"password": PASSWORD})

    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Votre compte est supprimé."]
    max_ = User.objects.get(pk=crew.max.pk)
    assert max_.email == f"erased-{max_.pk}@invalid"
    assert (max_.full_name, max_.is_active, max_.has_usable_password()) == ("", False, False)
    assert not StructureMember.objects.filter(user=max_).exists()
    assert StructureMember.objects.filter(user=crew.lea).exists()  # the structure lives on
    # Logged out: Mon compte asks for a login again.
    assert client.get(SETTINGS)["Location"].startswith(LOGIN)
    login = client.post(LOGIN, {"username": "max@atelier-x.example.org", "password": PASSWORD})
    assert login.status_code == 200 and "Adresse e-mail ou mot de passe incorrect" in text(login)
    # Once, after the commit, to the old address, in the account's language.
    assert len(callbacks) >= 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["max@atelier-x.example.org"]
    assert message.subject == "Your account on Interstices is deleted"
    assert "your account max@atelier-x.example.org on Interstices is deleted" in message.body


def test_the_home_page_says_the_account_is_deleted(client, crew):
    client.force_login(crew.max)
    response = client.post(ERASE, {"password": PASSWORD}, follow=True)
    assert response.redirect_chain == [(reverse("home"), 302)]
    assert "Votre compte est supprimé." in text(response)
    assert 'href="/compte/connexion/' in text(response)  # the header offers the login


def test_a_person_who_never_chose_a_language_is_written_to_in_that_of_the_page(
    client, crew, settings, django_capture_on_commit_callbacks
):
    client.force_login(crew.max)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(ERASE, {"password": PASSWORD})
    assert mail.outbox[0].subject == "Your account on Interstices is deleted"
    assert "You can no longer log in with it." in mail.outbox[0].body


def test_the_mail_is_in_the_language_being_read_when_none_was_chosen(
    crew, django_capture_on_commit_callbacks
):
    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        person_erase(email="max@atelier-x.example.org", by=crew.max)
    assert mail.outbox[0].subject == "Votre compte sur Interstices est supprimé"
    assert "Vous ne pouvez plus vous y connecter." in mail.outbox[0].body


# --- The service -----------------------------------------------------------------------------


def test_the_mail_waits_for_the_commit(crew, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        person_erase(email="Max@Atelier-X.example.org", by=crew.max)
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [["max@atelier-x.example.org"]]


def test_a_person_may_erase_only_themselves(crew):
    with pytest.raises(PermissionDenied):
        person_erase(email="lea@atelier-x.example.org", by=crew.max)
    assert unchanged(crew.lea) and unchanged(crew.max)


def test_the_service_refuses_the_last_responsable_too_and_changes_nothing(crew):
    with pytest.raises(ErasureRefused) as refused:
        person_erase(email="lea@atelier-x.example.org", by=crew.lea)
    assert refused.value.code == "sole_lead"
    assert refused.value.structures == [crew.x]
    assert unchanged(crew.lea)
    assert mail.outbox == []


def test_the_operator_erases_the_last_responsable_and_nobody_is_mailed(crew):
    changes = person_erase(email="lea@atelier-x.example.org")
    assert "memberships removed: Atelier X" in changes
    assert not User.objects.get(pk=crew.lea.pk).is_active
    assert mail.outbox == []


def test_sole_leads_are_the_responsables_alone_in_their_structure(crew):
    assert set(StructureMember.objects.sole_leads().values_list("user__email", flat=True)) == {
        "lea@atelier-x.example.org",
        "yann@collectif-y.example.org",
    }
    services.add_member(crew.x, crew.max, StructureMember.Role.LEAD)
    assert list(StructureMember.objects.sole_leads().values_list("user__email", flat=True)) == [
        "yann@collectif-y.example.org"
    ]
