"""French typography the translation catalogue cannot give: elision before a name, "1er" for
the first day of a month, and the language of the content users write.

Source strings are French and carry names as placeholders ("Membres de %(name)s"); a name
starting with a vowel needs "d’" instead of "de " ("Membres d’Atelier Lumen"), which gettext
cannot choose. `elide()` fixes the rendered sentence, only in French and only before the given
name, so the catalogue keeps one msgid and English is left untouched.

The letter h: most French words and names take elision before h (l’hôtel, d’Hélène); a few
start with an aspirated h and do not (la halle, le hangar, du Havre). `de()` elides before h
except before the words of ASPIRATED_H, a short list of the words met in place names; a name
outside the list starting with an aspirated h would be elided (a known limit, kept small).
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

APOSTROPHE = "\u2019"  # ’, the typographic apostrophe the interface uses
# Words starting with an aspirated h: no elision before them (la halle, le hangar).
ASPIRATED_H = frozenset(
    {
        "hall", "halle", "halles", "hameau", "hangar", "hangars", "harpe", "hasard", "haut",
        "haute", "hautes", "hauts", "havre", "hérisson", "héros", "hêtre", "hibou", "hockey",
        "hollande", "homard", "honte", "houblon", "hutte", "hip-hop",
    }
)  # fmt: skip
MONTHS_FR = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
FIRST_DAY = re.compile(rf"(?<![\w/.-])1(?= (?:{MONTHS_FR})\b)", re.IGNORECASE)


def is_french(language: str | None = None) -> bool:
    """Whether `language` (by default the active one) is French."""
    return (language or get_language() or "fr").split("-")[0] == "fr"


def localized(french: str, english: str) -> str:
    """A shared list's item (sector, equipment, document type) in the active language: its
    English text on English pages when filled in, else its French text."""
    if english and (get_language() or "").split("-")[0] == "en":
        return english
    return french


def takes_elision(word: str) -> bool:
    """Whether French elides "de", "le", "la" before `word` (Atelier, Hôtel, Yvette: yes)."""
    word = word.strip()
    if not word:
        return False
    base = unicodedata.normalize("NFD", word[0]).lower()[0]  # É → e
    if base in "aeiouy":
        return True
    if base == "h":
        first_word = re.split(r"[\s’']", word.lower(), maxsplit=1)[0]
        return first_word not in ASPIRATED_H
    return False


def de(name: str) -> str:
    """ "de" before a name, elided when French requires it: d’Atelier, d’Hôtel, de Maison."""
    return f"d{APOSTROPHE}{name}" if takes_elision(name) else f"de {name}"


def elide(text: str, name: str) -> str:
    """The sentence `text`, with "de", "le", "la" or "que" before `name` elided (French
    pages only): "Membres de Atelier" → "Membres d’Atelier". A safe `text` (a rendered
    template) is searched for the name as the template escaped it and stays safe."""
    if not name or not is_french() or not takes_elision(str(name)):
        return text
    safe = isinstance(text, SafeString)
    needle = str(conditional_escape(name)) if safe else str(name)
    pattern = re.compile(rf"(?<!\w)(de|le|la|que|De|Le|La|Que) (?={re.escape(needle)})")
    result = pattern.sub(lambda m: f"{m.group(1)[:-1]}{APOSTROPHE}", str(text))
    return mark_safe(result) if safe else result  # only an apostrophe added to safe text


def ordinal_day(text: str, language: str | None = None) -> str:
    """A formatted date with "1er" for the first day of a month on French pages ("1er juin
    2026", "lundi 1er juin"); other days and other languages unchanged. `language`: the
    active one by default."""
    if not is_french(language):
        return text
    safe = isinstance(text, SafeString)
    result = FIRST_DAY.sub("1er", str(text))
    return mark_safe(result) if safe else result
