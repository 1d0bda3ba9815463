from django.urls import path

from sites import views

app_name = "sites"

# The site page itself (sites:detail) shows its occupants: occupants.site_page, added to this
# namespace by config/urls.py.

urlpatterns = [
    path("", views.directory, name="directory"),
    path("carte.geojson", views.geojson, name="geojson"),
]
