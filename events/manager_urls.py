"""Managers' booking pages, under /reservations/gestion/ (names in the "events" namespace)."""

from django.urls import path

from events import manager_views

urlpatterns = [
    path("", manager_views.index, name="manager_index"),
    path("demandes/", manager_views.queue, name="manager_queue"),
    path("demandes/<int:pk>/valider/", manager_views.approve, name="manager_approve"),
    path("demandes/<int:pk>/refuser/", manager_views.refuse, name="manager_refuse"),
    path("location/", manager_views.outside_booking, name="manager_outside"),
    path("export/", manager_views.export, name="manager_export"),
    path("lieux/<slug:slug>/calendrier/", manager_views.calendar, name="manager_calendar"),
    path("lieux/<slug:slug>/statistiques/", manager_views.statistics, name="manager_statistics"),
]
