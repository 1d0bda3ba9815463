"""The robots' trap of the public forms (core.honeypot): empty, the form behaves as without it;
filled in, the form is invalid with a neutral French error; never sent back."""

from __future__ import annotations

from django import forms
from django.utils import translation

from core.honeypot import HONEYPOT_FIELD, HoneypotForm
from tests.core.honeypot_support import assert_hidden_from_people


class NameForm(HoneypotForm):
    name = forms.CharField()


def test_an_empty_trap_leaves_the_form_valid_and_out_of_its_data():
    for data in ({"name": "Zoé"}, {"name": "Zoé", HONEYPOT_FIELD: ""}):
        form = NameForm(data)
        assert form.is_valid()
        assert form.cleaned_data == {"name": "Zoé"}


def test_a_filled_in_trap_makes_the_form_invalid_with_a_neutral_french_error():
    with translation.override("fr"):
        form = NameForm({"name": "Zoé", HONEYPOT_FIELD: "https://spam.example"})
        assert not form.is_valid()
        assert form.non_field_errors() == [
            "Votre envoi n'a pas pu être enregistré. Vérifiez le formulaire et réessayez."
        ]
        assert not form[HONEYPOT_FIELD].errors


def test_the_trap_is_rendered_hidden_from_people_and_without_the_value_sent():
    form = NameForm({"name": "Zoé", HONEYPOT_FIELD: "https://spam.example"})
    form.is_valid()
    page = form[HONEYPOT_FIELD].as_field_group()
    assert_hidden_from_people(page)
    assert "spam.example" not in page
