from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OccupantsConfig(AppConfig):
    name = "occupants"
    verbose_name = _("Occupants")

    def ready(self) -> None:
        from occupants import checks  # noqa: F401  (registers the system checks)
