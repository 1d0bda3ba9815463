"""Managers' booking pages, under /reservations/gestion/ (names in the "events" namespace)."""

from django.urls import path

from events import manager_views
from events.agenda import manager_views as agenda_manager

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

# The managers' event pages (events.agenda.manager_views).
urlpatterns += [
    path("lieux/<slug:slug>/agenda/", agenda_manager.agenda_calendar, name="manager_agenda"),
    path("evenements/", agenda_manager.moderation_queue, name="manager_event_queue"),
    path("evenements/<int:pk>/publier/", agenda_manager.publish, name="manager_event_publish"),
    path("evenements/<int:pk>/refuser/", agenda_manager.refuse, name="manager_event_refuse"),
]
