"""FastSelect renders the HTML of Django's Select (but its blank lines), escaped the same way."""

import re

import pytest
from django import forms

from sites.widgets import FastSelect

CHOICES = [("", "Tous les lieux"), ("a&b", 'L\'atelier <b> "quai"'), ("x", "X"), (3, "Trois")]
GROUPED = [("Groupe", [("1", "un"), ("2", "deux")]), ("3", "trois")]


def without_blank_lines(html) -> str:
    return re.sub(r"\n\s*\n", "\n", str(html))


@pytest.mark.parametrize(
    ("choices", "value"),
    [
        (CHOICES, ""),
        (CHOICES, "a&b"),
        (CHOICES, None),
        (CHOICES, 3),
        (CHOICES, "inconnu"),
        (GROUPED, "2"),
    ],
)
def test_fast_select_renders_like_django_select(choices, value):
    attrs = {"id": "id_site", "aria-invalid": True, "disabled": False, "aria-describedby": "a<b"}
    expected = forms.Select(choices=choices).render("site", value, attrs)
    assert without_blank_lines(FastSelect(choices=choices).render("site", value, attrs)) == (
        without_blank_lines(expected)
    )


def test_fast_select_escapes_labels_and_values():
    html = FastSelect(choices=CHOICES).render("site", "a&b")
    assert (
        '<option value="a&amp;b" selected>L&#x27;atelier &lt;b&gt; &quot;quai&quot;</option>'
        in html
    )
    assert "<b>" not in html
