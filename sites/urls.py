from django.urls import path

from sites import views

app_name = "sites"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("carte.geojson", views.geojson, name="geojson"),
    path("<slug:slug>/", views.detail, name="detail"),
]
