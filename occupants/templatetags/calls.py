"""{% open_calls_for_site site %} and {% open_calls_home %}: open calls, one query each."""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from core import sections
from occupants.calls.views import open_calls_queryset

register = template.Library()

HOME_CALLS = 6
TEMPLATE = "occupants/calls/_open_calls.html"


@register.simple_tag(takes_context=True)
def open_calls_for_site(context: template.Context, site) -> SafeString:
    """A site page's open calls (for an anonymous visitor from the cache, core.sections)."""

    def render() -> str:
        calls = list(open_calls_queryset().filter(site=site))
        return render_to_string(TEMPLATE, {"calls": calls, "heading_id": "site-calls-title"})

    return sections.section(context.get("request"), f"calls:{site.pk}", render)


@register.inclusion_tag(TEMPLATE)
def open_calls_home() -> dict:
    return {"calls": list(open_calls_queryset()[:HOME_CALLS]), "heading_id": "home-calls-title"}
