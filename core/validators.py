"""Validators shared by apps of different layers."""

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

PHONE_VALIDATOR = RegexValidator(
    r"^\+?[0-9 .()-]{6,20}$", _("Indiquez un numéro de téléphone (chiffres, espaces, +).")
)
