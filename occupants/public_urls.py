from django.urls import path

from occupants import public_views

app_name = "structures"

urlpatterns = [
    path("", public_views.directory, name="directory"),
    path("<slug:slug>/", public_views.detail, name="detail"),
]
