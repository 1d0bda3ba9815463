"""Forms of the registration pages: register, record attendance."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.honeypot import HoneypotForm
from events.models import Public
from events.models.registrations import MAX_PLACES

# Attendance counts: more people than a large festival is a typing mistake.
MAX_ATTENDANCE = 100_000


class RegistrationForm(HoneypotForm):
    """Anyone may register: the form carries the robots' trap (core.honeypot)."""

    name = forms.CharField(
        label=_("Nom"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("Vous y recevrez la confirmation et le lien pour annuler."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    places = forms.TypedChoiceField(
        label=_("Nombre de places"),
        coerce=int,
        initial=1,
        choices=[(n, str(n)) for n in range(1, MAX_PLACES + 1)],
    )
    public = forms.ChoiceField(
        label=_("Vous venez plutôt en tant que… (facultatif)"),
        required=False,
        choices=[("", _("Je préfère ne pas le dire")), *Public.choices],
        help_text=_("Pour les statistiques du lieu, sans votre nom."),
    )


class AttendanceForm(forms.Form):
    total = forms.IntegerField(
        label=_("Nombre total de participant·e·s"),
        min_value=0,
        max_value=MAX_ATTENDANCE,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in Public.choices:
            self.fields[f"public_{value}"] = forms.IntegerField(
                label=label,
                required=False,
                min_value=0,
                max_value=MAX_ATTENDANCE,
            )

    @property
    def public_fields(self):
        return [self[f"public_{value}"] for value in Public.values]

    def counts(self) -> dict[str, int]:
        return {
            value: self.cleaned_data.get(f"public_{value}") or 0
            for value in Public.values
            if self.cleaned_data.get(f"public_{value}")
        }

    def clean(self):
        data = super().clean()
        total = data.get("total")
        if total is not None and not self.errors:
            counted = sum(self.counts().values())
            if counted > total:
                raise forms.ValidationError(
                    _(
                        "La somme des participant·e·s par public (%(sum)d) dépasse le total "
                        "(%(total)d)."
                    ),
                    params={"sum": counted, "total": total},
                )
        return data
