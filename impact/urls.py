"""The public impact pages (namespace "impact"), mounted by config/urls.py: a site's reports
under /lieux/<site_slug>/impact/, an operator's portfolio under /impact/operateurs/."""

from django.urls import include, path

from impact import views

app_name = "impact"

site_patterns = [
    path("", views.report_list, name="list"),
    path("<slug:report_slug>/", views.report, name="report"),
]

portfolio_patterns = [
    path("<slug:slug>/", views.portfolio, name="portfolio"),
]

urlpatterns = [
    path("lieux/<slug:site_slug>/impact/", include(site_patterns)),
    path("impact/operateurs/", include(portfolio_patterns)),
]
