"""Registration pages of the agenda, mounted at /agenda/ (config/urls.py)."""

from django.urls import path

from events.agenda import registration_views as views

app_name = "agenda_registrations"

urlpatterns = [
    path("<slug:slug>/inscription/", views.register, name="register"),
    path("inscription/<slug:token>/annuler/", views.cancel, name="cancel"),
    path("<slug:slug>/inscrits/", views.registrants, name="registrants"),
    path("<slug:slug>/frequentation/", views.attendance, name="attendance"),
]
