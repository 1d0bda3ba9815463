"""A trap for the robots that fill in every field of a public, anonymous form.

`HoneypotForm` adds one text field that people never see: its group is visually hidden
(the `visually-hidden` class) and hidden from screen readers (aria-hidden), its input is out
of the keyboard's tab order (tabindex=-1) and not autofilled (autocomplete=off). A submission
that fills it in makes the form invalid with a neutral French error, so the view saves and
sends nothing and answers as it does for any invalid form. The field never reaches
`cleaned_data`, which a view may pass on as it is.

A form inherits from `HoneypotForm` instead of `forms.Form`; its template renders the trap
with `{{ form.<HONEYPOT_FIELD>.as_field_group }}` (core/forms/honeypot.html). No script and
no inline style (CSP).
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

HONEYPOT_FIELD = "website"

REFUSED = _("Votre envoi n'a pas pu être enregistré. Vérifiez le formulaire et réessayez.")


class HoneypotInput(forms.TextInput):
    """Out of the tab order, never autofilled, and never rendered with the value sent back (a
    person whose browser filled it in anyway gets an empty trap on the next try)."""

    def __init__(self, attrs=None) -> None:
        super().__init__({"tabindex": "-1", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        return None


class HoneypotForm(forms.Form):
    website = forms.CharField(
        label=_("Laissez ce champ vide"),
        required=False,
        widget=HoneypotInput,
        template_name="core/forms/honeypot.html",
    )

    def clean(self):
        data = super().clean()
        if data.pop(HONEYPOT_FIELD, ""):
            raise forms.ValidationError(REFUSED, code="honeypot")
        return data
