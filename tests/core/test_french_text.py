"""French typography the catalogue cannot give: elision before a name and "1er" for the first
day of a month, on French pages only."""

import pytest
from django.template import Context, Template
from django.utils import translation

from core.text import de, elide, ordinal_day


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Atelier", "d’Atelier"),
        ("Hôtel", "d’Hôtel"),
        ("Maison", "de Maison"),
        ("Écluse", "d’Écluse"),
        ("Yvette", "d’Yvette"),
        ("Halle aux Cuirs", "de Halle aux Cuirs"),  # an aspirated h: no elision
        ("hangar 12", "de hangar 12"),
    ],
)
def test_de_elides_before_a_vowel_or_a_mute_h(name, expected):
    assert de(name) == expected


def test_a_sentence_is_elided_before_the_name_on_french_pages_only():
    with translation.override("fr"):
        assert elide("Membres de Atelier Lumen", "Atelier Lumen") == "Membres d’Atelier Lumen"
        assert elide("Salles de Maison Verte", "Maison Verte") == "Salles de Maison Verte"
        # Only before the name: the sentence's own words are left as written.
        assert elide("Liste de amis de Orage", "Orage") == "Liste de amis d’Orage"
    with translation.override("en"):
        assert elide("Members de Atelier", "Atelier") == "Members de Atelier"


def test_the_template_filter_elides_an_escaped_name_and_keeps_the_sentence_safe():
    template = Template(
        "{% load i18n french %}{% blocktranslate with name=n asvar sentence %}"
        "Membres de {{ name }}{% endblocktranslate %}{{ sentence|elide:n }}"
    )
    with translation.override("fr"):
        html = template.render(Context({"n": "Atelier <Lumen> & Co"}))
    assert html == "Membres d’Atelier &lt;Lumen&gt; &amp; Co"


def test_the_first_day_of_a_month_reads_1er_in_french_and_stays_1_in_english():
    with translation.override("fr"):
        assert ordinal_day("1 juin 2026") == "1er juin 2026"
        assert ordinal_day("lundi 1 juin") == "lundi 1er juin"
        assert ordinal_day("11 juin 2026") == "11 juin 2026"
        assert ordinal_day("21 juin 2026") == "21 juin 2026"
    with translation.override("en"):
        assert ordinal_day("1 June 2026") == "1 June 2026"


def test_content_lang_marks_french_content_on_pages_in_another_language_only():
    template = Template("{% load french %}<p{% content_lang %}>Tissage à la main.</p>")
    with translation.override("fr"):
        assert template.render(Context()) == "<p>Tissage à la main.</p>"
    with translation.override("en"):
        assert template.render(Context()) == '<p lang="fr">Tissage à la main.</p>'
