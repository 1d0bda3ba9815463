"""core.fields.ChoiceListField: a list of values of a fixed list, stored as JSON, each value at
most once, edited as checkboxes (an event's publics, an observation's publics and occasions)."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from core.fields import ChoiceListField
from events.models import Public
from events.models.agenda import PublicsField


class Colour(models.TextChoices):
    RED = "rouge", "Rouge"
    BLUE = "bleu", "Bleu"


def _messages(field, value) -> list[str]:
    with pytest.raises(ValidationError) as error:
        field.clean(value, None)
    return error.value.messages


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (["rouge", "vert"], "Choisissez dans la liste."),
        (["rouge", "rouge"], "Chaque choix ne compte qu'une fois."),
        ("rouge", "Choisissez dans la liste."),
        ({"rouge": True}, "Choisissez dans la liste."),
        ([1], "Choisissez dans la liste."),
    ],
)
def test_a_choice_list_refuses_a_value_outside_its_list_a_duplicate_a_non_list(value, message):
    assert _messages(ChoiceListField("couleurs", choices_of=Colour.choices), value) == [message]


def test_a_choice_list_accepts_distinct_values_of_its_list_and_is_empty_by_default():
    field = ChoiceListField("couleurs", choices_of=Colour.choices)
    assert field.clean(["bleu", "rouge"], None) == ["bleu", "rouge"]
    assert field.get_default() == [] and field.clean([], None) == []


def test_a_choice_list_without_a_list_takes_any_distinct_strings_and_leaves_the_rest_to_its_model():
    field = ChoiceListField("effets")
    assert field.clean(["n_importe_lequel"], None) == ["n_importe_lequel"]
    assert _messages(field, ["a", "a"]) == ["Chaque choix ne compte qu'une fois."]
    assert _messages(field, [None]) == ["Choisissez dans la liste."]


def test_a_choice_list_is_edited_as_checkboxes_of_its_list_and_is_optional_when_blank():
    formfield = ChoiceListField("couleurs", choices_of=Colour.choices).formfield()
    assert isinstance(formfield, forms.MultipleChoiceField)
    assert isinstance(formfield.widget, forms.CheckboxSelectMultiple)
    assert list(formfield.choices) == Colour.choices
    assert not formfield.required
    assert formfield.clean([]) == []
    with pytest.raises(ValidationError):
        formfield.clean(["vert"])
    required = ChoiceListField("couleurs", choices_of=Colour.choices, blank=False).formfield()
    assert required.required


def test_a_choice_lists_values_stay_out_of_its_migrations():
    """The list changes without a schema change: no migration for a new public."""
    _name, path, _args, kwargs = ChoiceListField(
        "couleurs", choices_of=Colour.choices
    ).deconstruct()
    assert path == "core.fields.ChoiceListField" and "choices_of" not in kwargs


def test_publics_are_a_choice_list_of_the_platforms_publics_in_their_own_words():
    field = PublicsField("publics")
    assert field.clean([Public.CHILDREN, Public.FAMILIES], None) == ["enfants", "familles"]
    assert _messages(field, ["enfants", "martiens"]) == ["Choisissez les publics dans la liste."]
    assert _messages(field, ["enfants", "enfants"]) == ["Chaque public ne compte qu'une fois."]
    assert [value for value, _label in field.formfield().choices] == Public.values
