"""Parts of the demo that need models from later issues, each skipped when they are missing."""

from __future__ import annotations

import importlib.util

from django.apps import apps


def has_models(*labels: str) -> bool:
    for label in labels:
        try:
            apps.get_model(label)
        except LookupError:
            return False
    return True


def run_all(ctx) -> None:
    # Imported lazily: these modules import models that may not exist yet.
    if importlib.util.find_spec("sites.demo.occupants") and has_models(
        "occupants.Structure", "occupants.Occupancy", "occupants.StructureMember"
    ):
        from sites.demo import occupants

        occupants.seed(ctx)
