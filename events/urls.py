from django.urls import include, path

from events import views

app_name = "events"

urlpatterns = [
    path("", views.index, name="index"),
    path("lieux/<slug:slug>/jour/", views.site_day, name="site_day"),
    path("espaces/<int:pk>/semaine/", views.space_week, name="space_week"),
    path("espaces/<int:pk>/reserver/", views.book_space, name="book"),
    path("trouver/", views.find_slot, name="find"),
    path("mes-reservations/", views.my_bookings, name="mine"),
    path("structures/<slug:slug>/", views.structure_bookings, name="structure_bookings"),
    path("reservation/<int:pk>/", views.booking_detail, name="detail"),
    path("reservation/<int:pk>/annuler/", views.booking_cancel, name="cancel"),
    path("reservation/<int:pk>/reservation.ics", views.booking_ics, name="ics"),
    path("evenements/", include("events.agenda.member_urls")),
    path("gestion/", include("events.manager_urls")),
    path("flux/", include("events.feed_urls")),
]
