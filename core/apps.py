from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Building blocks that know no app: database helpers, images, charts, the admin's scoping."""

    name = "core"

    def ready(self) -> None:
        from django.db.models import IntegerField

        from core.db import IntegerFieldIn

        IntegerField.register_lookup(IntegerFieldIn)
