"""Calendar feeds, under /reservations/flux/ (names in the "events" namespace)."""

from django.urls import path

from events import feeds

urlpatterns = [
    path("", feeds.feeds_page, name="feeds"),
    path("reinitialiser/", feeds.reset_feed, name="feed_reset"),
    path("salles/<int:pk>.ics", feeds.space_feed, name="feed_space"),
    path("prive/<str:token>.ics", feeds.private_feed, name="feed_private"),
]
