from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Réservations et événements")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from events.models import BookingRules, ClosedPeriod, OpeningHours
        from events.rules import on_setup_change, on_space_change
        from sites.models import Site, Space

        for signal in (post_save, post_delete):
            for model in (BookingRules, OpeningHours, ClosedPeriod):
                signal.connect(
                    on_setup_change, sender=model, dispatch_uid=f"setup-{model.__name__}"
                )
            for model in (Site, Space):
                signal.connect(
                    on_space_change, sender=model, dispatch_uid=f"space-{model.__name__}"
                )
