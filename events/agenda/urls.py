"""The public agenda: every site's public events (/agenda/) and an event's page."""

from django.urls import path

from events.agenda import views

app_name = "agenda"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.event, name="event"),
]
