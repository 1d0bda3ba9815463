from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Réservations et événements")

    def ready(self) -> None:
        from events import receivers  # noqa: F401  (connects the receivers of occupants' signals)
