from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts import throttle
from occupants.models import Sector, Structure, StructureMember


class StructureProfileForm(forms.ModelForm):
    """What a structure's responsable may edit from Mon espace (the slug stays as it is)."""

    # Longer than 14 so that "732 829 320 00074" as printed on a Kbis is accepted, then compacted.
    siret = forms.CharField(
        label=_("SIRET"), max_length=20, required=False, help_text=_("14 chiffres, facultatif.")
    )

    class Meta:
        model = Structure
        fields = [
            "name",
            "legal_form",
            "sectors",
            "description",
            "website",
            "logo",
            "commune",
            "postal_code",
            "people_count",
            "siret",
            "public_profile",
            "contact_name",
            "contact_email",
            "contact_phone",
        ]
        widgets = {
            "sectors": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "contact_email": _("Visible des membres et des gestionnaires du lieu, jamais publiée."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sectors"].queryset = Sector.objects.order_by("name")

    CONTACT_FIELDS = ("contact_name", "contact_email", "contact_phone")

    def profile_fields(self) -> list:
        return [self[name] for name in self.fields if name not in self.CONTACT_FIELDS]

    def contact_fields(self) -> list:
        return [self[name] for name in self.CONTACT_FIELDS]

    def clean_siret(self) -> str:
        return (self.cleaned_data.get("siret") or "").replace(" ", "")


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse e-mail de la personne à inviter"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label=_("Rôle"), choices=StructureMember.Role.choices, initial=StructureMember.Role.MEMBER
    )


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(
        label=_("Votre nom"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    password1 = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Confirmation du mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("Les deux mots de passe ne correspondent pas."))
        return cleaned


class AccountEraseForm(forms.Form):
    """Supprimer mon compte: the person confirms with their current password. Tries are capped
    per account as logins are (AXES_FAILURE_LIMIT within AXES_COOLOFF_TIME), so that a
    session left open cannot be used to guess the password here."""

    password = forms.CharField(
        label=_("Votre mot de passe actuel"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, *args, **kwargs) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        window = settings.AXES_COOLOFF_TIME
        tries = throttle.count(
            "account_erase", str(self.user.pk), window=int(window.total_seconds())
        )
        if tries > settings.AXES_FAILURE_LIMIT:
            raise ValidationError(
                _("Trop d'essais : réessayez dans %(minutes)d minutes. Votre compte est intact."),
                code="throttled",
                params={"minutes": int(window.total_seconds() // 60)},
            )
        if not self.user.check_password(password):
            raise ValidationError(
                _("Mot de passe incorrect : votre compte n'est pas supprimé."),
                code="password_incorrect",
            )
        return password
