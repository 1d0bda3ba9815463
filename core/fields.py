"""Model fields shared by the apps."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.choices import flatten_choices
from django.utils.translation import gettext_lazy as _


class ChoiceListField(models.JSONField):
    """A list of values of a fixed list, stored as JSON (no ArrayField on SQLite), each value
    at most once, edited as checkboxes.

    `choices_of` is the list (a TextChoices' .choices). It is not written into migrations: the
    list changes without a schema change. Without it, any list of distinct strings is valid and
    the model checks its values itself. A subclass may reword the messages through
    default_error_messages (or a field through error_messages)."""

    default_error_messages = {
        "not_in_list": _("Choisissez dans la liste."),
        "repeated": _("Chaque choix ne compte qu'une fois."),
    }

    def __init__(self, *args, choices_of=None, **kwargs) -> None:
        self.choices_of = choices_of
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("choices_of", None)
        return name, path, args, kwargs

    def validate(self, value, model_instance) -> None:
        super().validate(value, model_instance)
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ValidationError(self.error_messages["not_in_list"], code="invalid")
        if self.choices_of is not None:
            valid = {str(choice) for choice, _label in flatten_choices(self.choices_of)}
            if not set(value) <= valid:
                raise ValidationError(self.error_messages["not_in_list"], code="invalid")
        if len(set(value)) != len(value):
            raise ValidationError(self.error_messages["repeated"], code="invalid")

    def formfield(self, **kwargs):
        if self.choices_of is None:
            return super().formfield(**kwargs)
        form_class = kwargs.pop("form_class", None) or forms.MultipleChoiceField
        kwargs.pop("choices_form_class", None)
        defaults = {
            "choices": self.choices_of,
            "required": not self.blank,
            "label": self.verbose_name,
            "help_text": self.help_text,
            "widget": forms.CheckboxSelectMultiple,
        }
        return form_class(**{**defaults, **kwargs})
