from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Réservations et événements")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from events.models import BookingRules, ClosedPeriod, OpeningHours
        from events.rules import on_setup_change

        for model in (BookingRules, OpeningHours, ClosedPeriod):
            for signal in (post_save, post_delete):
                signal.connect(
                    on_setup_change, sender=model, dispatch_uid=f"setup-{model.__name__}"
                )
