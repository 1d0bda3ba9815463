"""{% registration_status event as status %}: whether one may register for an event on the
platform now (status.closed: why not) and its places left (None: no capacity)."""

from django import template

from events.agenda import registrations

register = template.Library()


@register.simple_tag
def registration_status(event) -> dict:
    closed = registrations.closed_reason(event)
    return {
        "closed": closed,
        "places_left": None if closed else registrations.places_left(event),
    }
