"""{% pending_events_count user %}: how many events of the sites a user manages wait for
validation (the managers' navigation shows it)."""

from __future__ import annotations

from django import template

from events.models import Event

register = template.Library()


@register.simple_tag
def pending_events_count(user) -> int:
    return Event.objects.manageable_by(user).filter(moderation=Event.Moderation.PENDING).count()
