"""The agenda's feeds, under /agenda/ (names in the "agenda_feeds" namespace): iCalendar
(events.agenda.ical) and OpenAgenda's JSON (events.agenda.openagenda)."""

from django.urls import path

from events.agenda import ical, openagenda

app_name = "agenda_feeds"

urlpatterns = [
    path("agenda.ics", ical.agenda_feed, name="agenda"),
    path("lieux/<slug:site>/agenda.ics", ical.site_feed, name="site"),
    path("lieux/<slug:site>/openagenda.json", openagenda.site_export_view, name="openagenda"),
    path("<slug:slug>/evenement.ics", ical.event_feed, name="event"),
]
