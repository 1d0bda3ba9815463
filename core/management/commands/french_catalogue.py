"""Rebuild locale/fr, the catalogue of the source language (run from the project's root, after
the English `makemessages`: `make messages` runs both).

The interface's strings are written in French, so French pages need no translation, except for
one thing: without a French catalogue, gettext chooses between a French singular and plural by
the source-language rule (n != 1) and writes "0 demandes". This catalogue gives each string
itself as its translation under the French plural rule (n > 1: 0 and 1 take the singular).

It is made from scratch each time (never merged), so no entry can be left fuzzy or stale.
"""

import re
from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, CommandError, call_command
from django.core.management.utils import find_command, popen_wrapper

PLURAL_FORMS = r'"Plural-Forms: nplurals=2; plural=(n > 1);\n"'
IGNORE = [".venv", "static", "bench", "tests"]


class Command(BaseCommand):
    help = "Rebuilds locale/fr/LC_MESSAGES/django.po: each French string as its own translation."

    def handle(self, *args, **options):
        po = Path(settings.LOCALE_PATHS[0]) / "fr" / "LC_MESSAGES" / "django.po"
        po.unlink(missing_ok=True)
        call_command(
            "makemessages", locale=["fr"], ignore_patterns=IGNORE, no_obsolete=True, verbosity=0
        )
        text = po.read_text(encoding="utf-8")
        text = re.sub(
            r'"Plural-Forms: .*?\\n"\n', lambda m: PLURAL_FORMS + "\n", text, count=1, flags=re.S
        )
        text = text.replace(r'"Language: \n"', r'"Language: fr\n"', 1)
        po.write_text(text, encoding="utf-8")
        # msgen: every msgstr (and msgstr[n] of plural entries) becomes its msgid.
        msgen = find_command("msgen")
        if msgen is None:
            raise CommandError("msgen (GNU gettext) is needed to build the French catalogue.")
        _, errors, status = popen_wrapper([msgen, "-o", str(po), str(po)])
        if status:
            raise CommandError(f"msgen failed: {errors}")
        self.stdout.write(f"{po.relative_to(settings.BASE_DIR)}: rebuilt")
