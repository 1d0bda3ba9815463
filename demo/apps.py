from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo and bulk data (seed_demo, seed_bulk, demo_logins): may import every app, and no app
    imports it."""

    name = "demo"
