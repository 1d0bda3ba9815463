from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OccupantsConfig(AppConfig):
    name = "occupants"
    verbose_name = _("Occupants")

    def ready(self) -> None:
        from occupants import checks, receivers  # noqa: F401  (registers checks and receivers)
