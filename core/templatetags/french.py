"""Template side of core.text: `{% load french %}`.

- `{{ sentence|elide:name }}`: "Membres de Atelier" → "Membres d’Atelier" on French pages
  (with `{% blocktranslate … asvar sentence %}`);
- `{{ name|de }}`: "d’Atelier", "de Maison" (French sentences written in French only);
- `{{ day|date:"j F Y"|ordinal_day }}`: "1er juin 2026" on French pages;
- `<div{% content_lang %}>{{ site.description }}</div>`: ` lang="fr"` on pages in another
  language, as the content users write is French (WCAG 3.1.2, language of parts).
"""

from django import template
from django.utils.safestring import mark_safe

from core import text

register = template.Library()


@register.filter(is_safe=True)
def elide(sentence, name):
    return text.elide(sentence, name)


@register.filter(name="de")
def de(name):
    return text.de(str(name))


@register.filter(is_safe=True)
def ordinal_day(formatted):
    return text.ordinal_day(formatted)


@register.simple_tag
def content_lang() -> str:
    """` lang="fr"` (with its leading space) on pages in another language than French, the
    language users write their content in; nothing on French pages."""
    return "" if text.is_french() else mark_safe(' lang="fr"')
