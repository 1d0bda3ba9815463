from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SitesConfig(AppConfig):
    name = "sites"
    verbose_name = _("Lieux et espaces")

    def import_models(self) -> None:
        super().import_models()
        # The vacant-space inventory's models live in their own package, which imports
        # sites.models: registered from here rather than from the end of sites.models, which
        # would make the two modules import each other.
        import_module("sites.inventory.models")

    def ready(self) -> None:
        # The admin's autodiscovery imports sites.admin only.
        import_module("sites.inventory.admin")
