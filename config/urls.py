from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.static import serve

from accounts import urls as accounts_urls
from config import views
from config.sitemaps import (
    EventSitemap,
    ImpactReportSitemap,
    SiteSitemap,
    StaticSitemap,
    StructureSitemap,
)
from occupants import account_erase, dashboard, site_page
from sites import urls as sites_urls
from sites.views import home

sitemaps = {
    "static": StaticSitemap,
    "sites": SiteSitemap,
    "structures": StructureSitemap,
    "events": EventSitemap,
    "impact": ImpactReportSitemap,
}

# Pages that show or change what a lower app may not know live in occupants and join the
# namespace of the app they belong to here: the site page, Mon espace and the erasure of one's
# account.
sites_patterns = [
    *sites_urls.urlpatterns,
    path("<slug:slug>/", site_page.detail, name="detail"),
]
accounts_patterns = [
    *accounts_urls.urlpatterns,
    path("mon-espace/", dashboard.dashboard, name="dashboard"),
    path("parametres/supprimer/", account_erase.account_erase, name="erase"),
]

urlpatterns = [
    path("", home, name="home"),
    path(
        "lieux/<slug:site_slug>/impact/<slug:report_slug>/telecharger/",
        include("impact.download_urls"),
    ),
    path("lieux/", include("impact.questionnaire_urls")),
    path("lieux/", include((sites_patterns, sites_urls.app_name))),
    path("inventaire/", include("sites.inventory.urls")),
    path("compte/structures/", include("occupants.urls")),
    path("compte/", include((accounts_patterns, accounts_urls.app_name))),
    path("structures/", include("occupants.public_urls")),
    path("appels/", include("occupants.calls.urls")),
    path("reservations/", include("events.urls")),
    path("agenda/", include("events.agenda.feed_urls")),
    path("agenda/", include("events.agenda.registration_urls")),
    path("agenda/", include("events.agenda.urls")),
    path("impact/gestion/rapports/", include("impact.report_manager_urls")),
    # The public impact pages: /lieux/<site_slug>/impact/… and /impact/operateurs/<slug>/.
    path("", include("impact.urls")),
    path("impact/gestion/", include("impact.manager_urls")),
    path("parcours/", include("sites.path.urls")),
    path("proprietaire/", include("impact.owner_urls")),
    path("admin/", admin.site.urls),
    path("langue/<str:code>/", views.choose_language, name="choose_language"),
    path(
        "accessibilite/",
        views.accessibility_statement,
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
