from django.urls import path

from sites.inventory import views

app_name = "inventory"

urlpatterns = [
    path("", views.building_list, name="list"),
    path("carte.geojson", views.geojson, name="geojson"),
    path("export.<str:fmt>", views.export, name="export"),
    path("nouveau/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/modifier/", views.edit, name="edit"),
    path("<int:pk>/photos/ajouter/", views.photo_add, name="photo_add"),
    path("<int:pk>/documents/ajouter/", views.document_add, name="document_add"),
    path("<int:pk>/devenir-un-lieu/", views.convert, name="convert"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("photos/<int:pk>/miniature/", views.photo, {"size": "thumbnail"}, name="photo_thumbnail"),
    path("documents/<int:pk>/", views.document, name="document"),
]
