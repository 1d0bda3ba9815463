"""Parts of the demo that need models from later issues, each skipped when they are missing."""

from __future__ import annotations

import importlib.util

from demo.installed import has_models


def run_all(ctx) -> None:
    if has_models("sites.VacantBuilding"):
        from demo import inventory

        inventory.seed(ctx)
    from demo import path

    path.seed(ctx)
    # Imported lazily: these modules import models that may not exist yet.
    if importlib.util.find_spec("demo.occupants") and has_models(
        "occupants.Structure", "occupants.Occupancy", "occupants.StructureMember"
    ):
        from demo import occupants

        with_bookings = has_models("events.Booking")
        if with_bookings:
            from demo import history

            history.prepare(ctx)
        occupants.seed(ctx)
        if with_bookings and has_models("events.Event", "events.EventTiming"):
            from demo import agenda

            agenda.seed(ctx)  # before the past bookings: it writes its past dates' rooms
        if with_bookings:
            history.seed(ctx)
    if has_models("impact.Observation", "impact.ImpactReport"):
        from demo import impact

        impact.seed(ctx)  # after the past bookings and events, which its figures read
