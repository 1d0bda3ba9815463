"""The public impact pages (namespace "impact"), included at the root by config/urls.py: a
site's reports under /lieux/<site_slug>/impact/, an operator's portfolio under
/impact/operateurs/<slug>/."""

from django.urls import path

from impact import views

app_name = "impact"

urlpatterns = [
    path("lieux/<slug:site_slug>/impact/", views.report_list, name="list"),
    path("lieux/<slug:site_slug>/impact/<slug:report_slug>/", views.report, name="report"),
    path("impact/operateurs/<slug:slug>/", views.portfolio, name="portfolio"),
]
