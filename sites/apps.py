from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SitesConfig(AppConfig):
    name = "sites"
    verbose_name = _("Lieux et espaces")

    def ready(self) -> None:
        from django.db.models import IntegerField
        from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

        from sites import page_cache
        from sites.db import IntegerFieldIn

        IntegerField.register_lookup(IntegerFieldIn)

        # Any model, any app: a public page may show it (see page_cache.IGNORED_MODELS).
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(page_cache.on_model_change, dispatch_uid=f"page-cache-{signal!r}")
        # A deployment migrates: pages cached by the previous code are not served again.
        post_migrate.connect(page_cache.on_migrate, sender=self, dispatch_uid="page-cache-migrate")
