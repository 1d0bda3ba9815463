from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.generic import TemplateView
from django.views.static import serve

from config import views
from sites.sitemaps import SiteSitemap, StaticSitemap, StructureSitemap
from sites.views import home

sitemaps = {"static": StaticSitemap, "sites": SiteSitemap, "structures": StructureSitemap}

urlpatterns = [
    path("", home, name="home"),
    path("lieux/", include("sites.urls")),
    path("compte/structures/", include("occupants.urls")),
    path("compte/", include("accounts.urls")),
    path("structures/", include("occupants.public_urls")),
    path("appels/", include("occupants.calls_urls")),
    path("reservations/", include("events.urls")),
    path("admin/", admin.site.urls),
    path("langue/<str:code>/", views.choose_language, name="choose_language"),
    path(
        "accessibilite/",
        TemplateView.as_view(template_name="pages/accessibility.html"),
        name="accessibility",
    ),
    path("guide/", views.style_guide, name="style_guide"),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("healthz", views.healthz, name="healthz"),
]

if settings.DEBUG:
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]

handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
