"""{% open_calls_for_site site %} and {% open_calls_home %}: open calls, one query each."""

from django import template

from occupants.calls.views import open_calls_queryset

register = template.Library()

HOME_CALLS = 6


@register.inclusion_tag("occupants/calls/_open_calls.html")
def open_calls_for_site(site) -> dict:
    return {
        "calls": list(open_calls_queryset().filter(site=site)),
        "heading_id": "site-calls-title",
    }


@register.inclusion_tag("occupants/calls/_open_calls.html")
def open_calls_home() -> dict:
    return {"calls": list(open_calls_queryset()[:HOME_CALLS]), "heading_id": "home-calls-title"}
