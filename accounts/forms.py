from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.db import transaction
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts import language
from accounts.models import User

LOGIN_ERRORS = {
    "invalid_login": _(
        "Adresse e-mail ou mot de passe incorrect. Après 5 essais manqués, la connexion est "
        "bloquée 15 minutes."
    ),
    "inactive": _("Ce compte est désactivé."),
}


class _LowerCaseLoginMixin:
    """E-mail logins are case-insensitive; lower-casing them before authenticate() also means
    django-axes counts "Olga@…" and "olga@…" as the same account, so case games cannot
    get around the lock."""

    def clean_username(self) -> str:
        return (self.cleaned_data.get("username") or "").strip().lower()


class LoginForm(_LowerCaseLoginMixin, AuthenticationForm):
    username = forms.EmailField(
        label=_("Adresse e-mail"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = LOGIN_ERRORS


class AdminLoginForm(_LowerCaseLoginMixin, AdminAuthenticationForm):
    """The admin's login form (admin.site.login_form), same rules as the site's."""

    username = forms.EmailField(
        label=_("Adresse e-mail"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        **LOGIN_ERRORS,
        "invalid_login": _(
            "Adresse e-mail ou mot de passe incorrect, ou compte sans accès à l'administration. "
            "Après 5 essais manqués, la connexion est bloquée 15 minutes."
        ),
    }


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Sends the reset link once the request's transaction has committed, built from SITE_URL:
    Django would otherwise take the domain from the request's Host header, which the visitor
    writes, and could mail a victim a link to someone else's server."""

    def save(self, **kwargs) -> None:
        site = urlsplit(settings.SITE_URL)
        kwargs["domain_override"] = site.netloc
        kwargs["use_https"] = site.scheme == "https"
        kwargs["extra_email_context"] = {
            **(kwargs.get("extra_email_context") or {}),
            "site_url": settings.SITE_URL,
        }
        super().save(**kwargs)

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        # In the account's language, else in that of the page the link was asked from.
        written_in = language.of(context["user"], fallback=get_language())

        def send() -> None:
            with translation.override(written_in):
                super(PasswordResetForm, self).send_mail(
                    subject_template_name, email_template_name, context, *args, **kwargs
                )

        transaction.on_commit(send)


class AccountSettingsForm(forms.ModelForm):
    """Mon compte: the person's name and language. Their address is their login and would need
    verifying again: it is not changed here."""

    # Required here: whoever saves this form has chosen (blank is only "never chose").
    language = forms.ChoiceField(
        label=_("Langue des e-mails et de l'interface"), choices=settings.LANGUAGES
    )

    class Meta:
        model = User
        fields = ("full_name", "language")
        labels = {"full_name": _("Nom complet")}
        widgets = {"full_name": forms.TextInput(attrs={"autocomplete": "name"})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.language:
            # Never chosen: offer the language the person is reading the page in.
            current = get_language()
            self.initial["language"] = (
                current if language.is_known(current) else settings.LANGUAGE_CODE
            )


class AdminUserCreationForm(auth_forms.AdminUserCreationForm):
    """The admin's "add user" form for an e-mail login (the stock one expects a username)."""

    class Meta:
        model = User
        fields = ("email", "full_name")


class AdminUserChangeForm(auth_forms.UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
