from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImpactConfig(AppConfig):
    name = "impact"
    verbose_name = _("Impact")

    def ready(self) -> None:
        from impact import receivers  # noqa: F401  (connects the receivers of occupants' signals)
