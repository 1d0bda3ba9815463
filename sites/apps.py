from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SitesConfig(AppConfig):
    name = "sites"
    verbose_name = _("Lieux et espaces")

    def ready(self) -> None:
        from django.db.models import IntegerField

        from sites.db import IntegerFieldIn

        IntegerField.register_lookup(IntegerFieldIn)
