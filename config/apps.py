from django.contrib.admin.apps import AdminConfig


class IntersticesAdminConfig(AdminConfig):
    """django.contrib.admin, with config.admin_site.IntersticesAdminSite as admin.site."""

    default_site = "config.admin_site.IntersticesAdminSite"
