"""No template holds what the Content Security Policy refuses (script-src and style-src 'self').

The browser tests catch a violation only on the pages they open; this reads every template, so
an inline script, event handler or style on a page no browser test visits fails here too.
"""

from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATES = sorted((Path(settings.BASE_DIR) / "templates").rglob("*.html"))


class InlineCodeFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        names = {name for name, _value in attrs}
        # A data block (JSON-LD) is never run, and CSP does not apply to it.
        data_block = dict(attrs).get("type") == "application/ld+json"
        if tag == "script" and "src" not in names and not data_block:
            self.problems.append(f"ligne {line} : <script> sans src")
        if tag == "style":
            self.problems.append(f"ligne {line} : <style>")
        for name, value in attrs:
            if name.startswith("on") or name.startswith("hx-on") or name == "style":
                self.problems.append(f"ligne {line} : attribut {name}")
            elif (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"ligne {line} : URL javascript: dans {name}")


def test_templates_are_found():
    assert len(TEMPLATES) > 20


@pytest.mark.parametrize(
    "template", TEMPLATES, ids=[str(t.relative_to(settings.BASE_DIR)) for t in TEMPLATES]
)
def test_template_has_no_inline_script_or_style(template):
    finder = InlineCodeFinder()
    finder.feed(template.read_text(encoding="utf-8"))
    finder.close()
    assert not finder.problems, "refusé par la CSP : " + ", ".join(finder.problems)
