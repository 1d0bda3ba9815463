"""Account workflows: sign-up and the proof that a person reads the address they gave.

A new account's address is unverified until its owner opens the link sent to it (or completes a
password reset, or joins through an invitation, which prove the same). Until then the account
can log in and prepare things, but nothing it does reaches other people: services that would
(submitting an application) call require_verified_email().
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import emails, language
from accounts.models import User

VERIFICATION_SALT = "accounts.email-verification"


class VerificationError(ValidationError):
    """The link is unknown, altered or expired: the page says so, nothing changes."""


def _signer(email: str) -> signing.TimestampSigner:
    # The address is part of the key: a link made for an account's old address stops working
    # once the address changes.
    return signing.TimestampSigner(salt=f"{VERIFICATION_SALT}:{email.lower()}")


def email_verification_token(user: User) -> str:
    return _signer(user.email).sign(str(user.pk))


def user_for_verification_token(token: str) -> User:
    invalid = VerificationError(
        _("Ce lien de confirmation n'est pas valide. Copiez-le en entier depuis l'e-mail reçu."),
        code="invalid",
    )
    pk = (token or "").partition(":")[0]
    if not (pk.isascii() and pk.isdigit() and len(pk) <= 18):  # not "²", nor past a bigint
        raise invalid
    user = get_user_model().objects.filter(pk=int(pk), is_active=True).first()
    if user is None:
        raise invalid
    try:
        _signer(user.email).unsign(token, max_age=settings.EMAIL_VERIFICATION_MAX_AGE)
    except signing.SignatureExpired:
        raise VerificationError(
            _("Ce lien de confirmation a expiré. Connectez-vous pour en recevoir un nouveau."),
            code="expired",
        ) from None
    except signing.BadSignature:
        raise invalid from None
    return user


def mark_email_verified(user: User) -> None:
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])


def email_verify(*, token: str) -> User:
    with transaction.atomic():
        user = user_for_verification_token(token)
        mark_email_verified(user)
    return user


def email_verification_send(*, user: User) -> None:
    """E-mail the account's owner a link that verifies its address, after commit. The owner
    asks for it themselves (signing up, asking again): the page's language serves if the
    account has none."""
    token = email_verification_token(user)
    address = user.email
    written_in = language.of(user, fallback=translation.get_language())
    transaction.on_commit(lambda: emails.send_verification(address, token, written_in))


def require_verified_email(user: User) -> None:
    """Raise a French ValidationError unless the user's address is verified."""
    if user.email_verified_at is None:
        raise ValidationError(
            _(
                "Confirmez d'abord votre adresse e-mail : ouvrez le lien que nous vous avons "
                "envoyé, ou demandez-en un nouveau."
            ),
            code="email_unverified",
        )


def account_signup(*, email: str, password: str, full_name: str, language_code: str = "") -> None:
    """Create an unverified account and send its confirmation link, or, when the address already
    has an account, send it "you already have an account" instead. Returns nothing: the caller
    answers the same either way, so the page never tells whether an address is registered.
    `language_code`: the interface's language at sign-up, recorded as the account's."""
    UserModel = get_user_model()
    email = UserModel.objects.normalize_email(email).lower()
    with transaction.atomic():
        if not UserModel.objects.filter(email__iexact=email).exists():
            try:
                with transaction.atomic():
                    user = UserModel.objects.create_user(
                        email=email,
                        password=password,
                        full_name=full_name,
                        language=language_code if language.is_known(language_code) else "",
                    )
            except IntegrityError:
                pass  # Another sign-up for this address won the race: it has an account now.
            else:
                email_verification_send(user=user)
                return
        # Hash the password all the same, so that the time taken tells nothing either.
        make_password(password)
        transaction.on_commit(lambda: emails.send_account_exists(email))
