"""Every French string of the interface has an English translation.

The test extracts the messages from the current sources into a copy of the catalogues, exactly
as `make messages` would, then checks that no entry is left untranslated or fuzzy. A string added
to the code without its translation fails here, not in front of an English-speaking user.
"""

import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

LOCALE = Path(settings.BASE_DIR) / "locale"
# Not sources of messages, and large: left out of the copy the extraction runs in.
COPY_SKIP = (".*", "staticfiles", "var", "media", "node_modules", "build", "*.egg-info", "vendor")
COPY_SKIP += ("__pycache__", "*.mo", "*.sqlite3*", "bench")
IGNORE = [".venv/*", "static/*", "bench/*", "tests/*", "node_modules/*", "staticfiles/*", "media/*"]


def parse_po(path: Path) -> list[dict]:
    """A small .po reader: msgid, msgid_plural, msgstr[...] and the fuzzy flag."""
    entries: list[dict] = []
    current: dict = {}
    key = None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if current.get("msgid") is not None:
                entries.append(current)
            current, key = {}, None
            continue
        if line.startswith("#,"):
            current["fuzzy"] = "fuzzy" in line
        elif line.startswith("#"):
            continue
        else:
            match = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d+\])?|msgctxt) "(.*)"$', line)
            if match:
                key = match.group(1)
                current[key] = match.group(2)
            elif line.startswith('"') and key:
                current[key] += line[1:-1]
    return [e for e in entries if e.get("msgid")]  # the header has an empty msgid


def untranslated(entries: list[dict]) -> list[str]:
    missing = []
    for entry in entries:
        strs = [v for k, v in entry.items() if k.startswith("msgstr")]
        if entry.get("fuzzy") or not strs or not all(strs):
            missing.append(entry["msgid"])
    return missing


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext (xgettext) is not installed")
def test_every_interface_string_has_an_english_translation(tmp_path, monkeypatch):
    # makemessages writes each source's messages to the catalogue of the closest `locale`
    # directory above it: run in the project itself, it would update the committed catalogue
    # and leave the copy as it was. It runs in a copy of the sources instead.
    project = tmp_path / "project"
    shutil.copytree(
        settings.BASE_DIR,
        project,
        ignore=shutil.ignore_patterns(*COPY_SKIP),
    )
    copy = project / "locale"
    monkeypatch.chdir(project)
    with override_settings(LOCALE_PATHS=[copy]):
        call_command("makemessages", locale=["en"], ignore_patterns=IGNORE, verbosity=0)
        call_command(
            "makemessages",
            locale=["en"],
            domain="djangojs",
            ignore_patterns=[*IGNORE[:1], "static/vendor/*", "staticfiles/*"],
            verbosity=0,
        )
    for po in sorted((copy / "en" / "LC_MESSAGES").glob("*.po")):
        missing = untranslated(parse_po(po))
        assert not missing, f"{po.name}: {len(missing)} untranslated: {missing[:15]}"


def test_the_committed_catalogue_is_compiled_and_used():
    with translation.override("en"):
        assert translation.gettext("Lieux") == "Sites"
        assert translation.gettext("Connexion") == "Log in"


def test_the_french_catalogue_gives_every_plural_string_the_french_rule():
    """French is the source language, but without its own catalogue gettext would write
    "0 demandes" (the source rule n != 1). `make messages` rebuilds locale/fr
    (manage.py french_catalogue): every plural string of the interface must be in it."""
    english = parse_po(LOCALE / "en" / "LC_MESSAGES" / "django.po")
    french_po = LOCALE / "fr" / "LC_MESSAGES" / "django.po"
    assert "Plural-Forms: nplurals=2; plural=(n > 1);" in french_po.read_text(encoding="utf-8")
    french = {(e.get("msgctxt"), e["msgid"]): e for e in parse_po(french_po) if "msgid_plural" in e}
    missing = [
        e["msgid"]
        for e in english
        if "msgid_plural" in e
        and not all(
            french.get((e.get("msgctxt"), e["msgid"]), {}).get(f"msgstr[{i}]") for i in (0, 1)
        )
    ]
    assert not missing, f"run `make messages`: {missing[:10]}"
    with translation.override("fr"):
        assert translation.ngettext("%(n)d jour", "%(n)d jours", 0) == "%(n)d jour"
