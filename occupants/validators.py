from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.validators import PHONE_VALIDATOR  # noqa: F401  (its home before the inventory)

PDF_MAX_BYTES = 10 * 1024 * 1024


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def validate_siret(value: str) -> None:
    """14 digits with a valid Luhn key (La Poste SIRETs 356000000xxxxx: digit sum % 5 == 0)."""
    digits = value.replace(" ", "")
    if not (len(digits) == 14 and digits.isascii() and digits.isdigit()):
        raise ValidationError(_("Un SIRET compte 14 chiffres."), code="siret_length")
    if digits.startswith("356000000"):
        if sum(int(c) for c in digits) % 5 == 0:
            return
    elif luhn_ok(digits):
        return
    raise ValidationError(
        _("Ce SIRET n'est pas valide (clé de contrôle incorrecte)."), code="siret_checksum"
    )


def validate_pdf(upload) -> None:
    """A PDF by its content, not its name, and no larger than PDF_MAX_BYTES."""
    if upload.size is not None and upload.size > PDF_MAX_BYTES:
        raise ValidationError(
            _("Le fichier dépasse %(max)s Mo."), params={"max": PDF_MAX_BYTES // (1024 * 1024)}
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(position)
    if b"%PDF-" not in head[:1024]:
        raise ValidationError(_("Ce fichier n'est pas un PDF."), code="not_pdf")
