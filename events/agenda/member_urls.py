"""Occupants' event pages (events.agenda.member_views), under /reservations/evenements/; names
in the "events" namespace, all starting with my_event."""

from django.urls import path

from events.agenda import member_views

urlpatterns = [
    path("", member_views.my_events, name="my_events"),
    path("nouveau/", member_views.create, name="my_event_new"),
    path("<int:pk>/", member_views.detail, name="my_event"),
    path("<int:pk>/modifier/", member_views.edit, name="my_event_edit"),
    path("<int:pk>/dates/ajouter/", member_views.add_timing, name="my_event_timing_add"),
    path("<int:pk>/proposer/", member_views.submit, name="my_event_submit"),
    path("<int:pk>/annuler/", member_views.cancel, name="my_event_cancel"),
    path("dates/<int:pk>/modifier/", member_views.move_timing, name="my_event_timing_move"),
    path("dates/<int:pk>/retirer/", member_views.remove_timing, name="my_event_timing_remove"),
]
