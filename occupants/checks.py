"""System checks of the occupants app."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, register


@register()
def private_media_is_not_public(app_configs=None, **kwargs) -> list[Error]:
    """Files in PRIVATE_MEDIA_ROOT are read only through views that check who asks: inside
    MEDIA_ROOT, the web server would publish them to anyone."""
    public = Path(settings.MEDIA_ROOT).resolve()
    private = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    if private.is_relative_to(public):
        return [
            Error(
                "PRIVATE_MEDIA_ROOT is inside MEDIA_ROOT, which the web server publishes.",
                hint="Choose a PRIVATE_MEDIA_ROOT outside MEDIA_ROOT.",
                id="occupants.E001",
            )
        ]
    return []
