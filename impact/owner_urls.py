"""The owners' and funders' read-only view (namespace "owner"), under /proprietaire/."""

from django.urls import path

from impact import owner_views

app_name = "owner"

urlpatterns = [
    path("", owner_views.index, name="index"),
    path("lieux/<slug:slug>/", owner_views.site, name="site"),
]
