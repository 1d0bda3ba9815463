from __future__ import annotations

from pathlib import PurePath

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.honeypot import HoneypotForm
from core.images import reencode_image
from occupants.calls import services as calls_services
from occupants.models import (
    ATTACHMENT_MAX_BYTES,
    Application,
    ApplicationDocument,
    Call,
    DocumentType,
    Occupancy,
    Structure,
)
from occupants.validators import validate_pdf
from sites.models import Space

TOO_BIG = _("Le fichier dépasse %(max)s Mo.")


class SignupForm(HoneypotForm):
    # The trap (core.honeypot) comes last, next to the button.
    field_order = ("full_name", "email", "password1", "password2")

    full_name = forms.CharField(
        label=_("Nom complet"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Adresse e-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password1 = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("8 caractères au moins, pas uniquement des chiffres ni un mot trop courant."),
    )
    password2 = forms.CharField(
        label=_("Confirmation du mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_email(self) -> str:
        # Whether the address has an account is never said here: accounts.services.account_signup
        # e-mails the address instead.
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("Les deux mots de passe ne correspondent pas."))
        elif p1 and data.get("email"):
            user = get_user_model()(email=data["email"], full_name=data.get("full_name", ""))
            try:
                validate_password(p1, user)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


class ApplicationForm(forms.ModelForm):
    """What a candidate writes. Drafts may be incomplete; calls_services checks at submission."""

    class Meta:
        model = Application
        fields = [
            "structure",
            "structure_name",
            "legal_form",
            "sectors",
            "siret",
            "commune",
            "postal_code",
            "contact_name",
            "contact_email",
            "contact_phone",
            "project",
            "lots",
            "wanted_surface",
            "space_kind",
            "desired_start",
            "duration_months",
        ]
        widgets = {
            "sectors": forms.CheckboxSelectMultiple,
            "lots": forms.CheckboxSelectMultiple,
            "desired_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "project": forms.Textarea(attrs={"rows": 8}),
        }
        help_texts = {
            "project": _("Votre activité, ce que vous ferez dans le lieu, ce que vous apporterez."),
        }

    def __init__(self, *args, call: Call, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.call = call
        structures = self.fields["structure"]
        structures.queryset = Structure.objects.of_member(user).order_by("name")
        structures.empty_label = _("— Une nouvelle structure, décrite ci-dessous —")
        structures.help_text = _("L'une de vos structures, ou une nouvelle.")
        structures.error_messages["invalid_choice"] = _(
            "Choisissez l'une des structures dont vous êtes membre."
        )
        lots = self.fields["lots"]
        # Only this call's lots: an id from another call or site is refused by the field.
        lots.queryset = call.lots.select_related("space").order_by("position", "pk")
        lots.error_messages["invalid_choice"] = _("Ce lot ne fait pas partie de cet appel.")
        lots.error_messages["invalid_pk_value"] = _("Ce lot ne fait pas partie de cet appel.")
        lots.label_from_instance = self._lot_label
        self.fields["wanted_surface"].min_value = 1
        self.fields["wanted_surface"].widget.attrs["min"] = 1
        self.fields["duration_months"].widget.attrs["max"] = 120
        self.fields["duration_months"].validators.append(
            lambda v: _check_range(v, 1, 120, _("Entre 1 et 120 mois."))
        )

    @staticmethod
    def _lot_label(lot) -> str:
        low, high = floatformat(lot.surface_min, "-1"), floatformat(lot.surface_max, "-1")
        surface = f"{low} m²" if low == high else f"{low}–{high} m²"
        parts = [lot.name, lot.get_kind_display(), surface]
        if lot.price_per_sqm is not None:
            parts.append(_("%(p)s €/m²/mois") % {"p": floatformat(lot.price_per_sqm, "-2")})
        return " · ".join(str(p) for p in parts)

    def clean_wanted_surface(self):
        value = self.cleaned_data.get("wanted_surface")
        if value is not None and value <= 0:
            raise ValidationError(_("Indiquez une surface positive."))
        return value

    def clean(self):
        data = super().clean()
        # A new draft says something: an empty form saves no blank application.
        if self.instance.pk is None and not self.errors and not any(data.values()):
            raise ValidationError(
                _(
                    "Le formulaire est vide : renseignez au moins votre structure ou votre "
                    "projet pour enregistrer un brouillon."
                ),
                code="empty",
            )
        return data


def _check_range(value, low, high, message) -> None:
    if value is not None and not (low <= value <= high):
        raise ValidationError(message)


class AttachmentField(forms.FileField):
    """A PDF (checked by content) or a JPEG/PNG (re-encoded by core.images, EXIF dropped)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault(
            "widget",
            forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
        )
        super().__init__(*args, **kwargs)

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None:
            return None
        if upload.size is not None and upload.size > ATTACHMENT_MAX_BYTES:
            raise ValidationError(TOO_BIG, params={"max": ATTACHMENT_MAX_BYTES // (1024 * 1024)})
        upload.seek(0)
        head = upload.read(8)
        upload.seek(0)
        stem = PurePath(upload.name or "document").stem[:80] or "document"
        if head.startswith(b"%PDF-"):
            validate_pdf(upload)
            upload.name = f"{stem}.pdf"
            return upload
        if not head.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")):
            raise ValidationError(
                _("Format refusé : envoyez un PDF, un JPEG ou un PNG."), code="attachment_format"
            )
        image: SimpleUploadedFile = reencode_image(upload.read(), upload.name or "image")
        return image


class DocumentForm(forms.ModelForm):
    file = AttachmentField(label=_("Fichier (PDF, JPEG ou PNG)"))

    class Meta:
        model = ApplicationDocument
        fields = ["document_type", "file"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext(
            "%(max)s Mo au plus par fichier ; %(count)s pièces jointes et %(total)s Mo au plus "
            "par candidature."
        ) % {
            "max": ATTACHMENT_MAX_BYTES // calls_services.MB,
            "count": calls_services.MAX_DOCUMENTS,
            "total": calls_services.MAX_DOCUMENTS_BYTES // calls_services.MB,
        }
        self.fields["document_type"].queryset = DocumentType.objects.all()
        self.fields["document_type"].error_messages["invalid_choice"] = _(
            "Choisissez un type de document de la liste."
        )


class AcceptForm(forms.Form):
    """The occupancy a retained application gets (admin)."""

    spaces = forms.ModelMultipleChoiceField(
        label=_("Espaces attribués"),
        queryset=Space.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Cet espace n'appartient pas au lieu de l'appel.")},
    )
    start = forms.DateField(
        label=_("Début"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("Fin"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    fee_basis = forms.ChoiceField(
        label=_("Redevance exprimée en"), choices=Occupancy.FeeBasis.choices
    )
    fee_amount = forms.DecimalField(
        label=_("Montant de la redevance (€)"), min_value=0, max_digits=10, decimal_places=2
    )
    charges = forms.DecimalField(
        label=_("Charges mensuelles (€)"), min_value=0, max_digits=10, decimal_places=2, initial=0
    )
    occupancy_status = forms.ChoiceField(
        label=_("Statut de la convention"),
        choices=[
            (Occupancy.Status.DRAFT, Occupancy.Status.DRAFT.label),
            (Occupancy.Status.SIGNED, Occupancy.Status.SIGNED.label),
        ],
    )

    def __init__(self, *args, application: Application, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["spaces"].queryset = Space.objects.filter(
            site_id=application.call.site_id
        ).order_by("level", "name")
