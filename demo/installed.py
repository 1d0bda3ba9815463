"""Whether the models a part of the demo needs are installed (the demo may load before them)."""

from __future__ import annotations

from django.apps import apps


def has_models(*labels: str) -> bool:
    for label in labels:
        try:
            apps.get_model(label)
        except LookupError:
            return False
    return True
