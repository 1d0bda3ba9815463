"""Finds the robots' trap (core.honeypot) in a page, for the tests of the forms that carry it."""

from __future__ import annotations

from html.parser import HTMLParser

from core.honeypot import HONEYPOT_FIELD


class _TrapFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.open_divs: list[dict] = []
        self.input: dict | None = None
        self.wrapper: dict | None = None

    def handle_starttag(self, tag, attrs) -> None:
        attributes = dict(attrs)
        if tag == "div":
            self.open_divs.append(attributes)
        elif tag == "input" and attributes.get("name") == HONEYPOT_FIELD:
            self.input = attributes
            self.wrapper = self.open_divs[-1] if self.open_divs else None

    def handle_endtag(self, tag) -> None:
        if tag == "div" and self.open_divs:
            self.open_divs.pop()


def trap(page: str) -> tuple[dict, dict]:
    """The trap's <input> attributes and those of the <div> around it."""
    finder = _TrapFinder()
    finder.feed(page)
    assert finder.input is not None, "the page has no trap"
    assert finder.wrapper is not None, "the trap is not wrapped"
    return finder.input, finder.wrapper


def assert_hidden_from_people(page: str) -> None:
    """Out of the tab order, never autofilled, hidden on screen and from screen readers, with no
    inline style (CSP)."""
    field, wrapper = trap(page)
    assert field["tabindex"] == "-1"
    assert field["autocomplete"] == "off"
    assert "value" not in field
    assert wrapper["aria-hidden"] == "true"
    assert "visually-hidden" in wrapper["class"].split()
    assert "style" not in field and "style" not in wrapper
