from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Réservations et événements")

    def ready(self) -> None:
        from django.core.signals import request_finished, request_started
        from django.db.models.signals import post_delete, post_save

        from events import receivers  # noqa: F401  (connects the receivers of occupants' signals)
        from events.models import BookingRules, ClosedPeriod, OpeningHours
        from events.rules import end_request, on_setup_change, on_space_change, start_request
        from sites.models import Site, Space

        request_started.connect(start_request, dispatch_uid="booking-setup-request-start")
        request_finished.connect(end_request, dispatch_uid="booking-setup-request-end")

        for signal in (post_save, post_delete):
            for model in (BookingRules, OpeningHours, ClosedPeriod):
                signal.connect(
                    on_setup_change, sender=model, dispatch_uid=f"setup-{model.__name__}"
                )
            for model in (Site, Space):
                signal.connect(
                    on_space_change, sender=model, dispatch_uid=f"space-{model.__name__}"
                )
