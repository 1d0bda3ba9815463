"""The managers' impact pages, under /impact/gestion/ (namespace "impact_manager")."""

from django.urls import path

from impact import manager_views as views

app_name = "impact_manager"

urlpatterns = [
    path("", views.index, name="index"),
    path("lieux/<slug:slug>/observations/", views.observations, name="observations"),
    path(
        "lieux/<slug:slug>/observations/nouvelle/",
        views.observation_create,
        name="observation_create",
    ),
    path("lieux/<slug:slug>/questionnaire/", views.questionnaire, name="questionnaire"),
    path("observations/<int:pk>/", views.observation_edit, name="observation_edit"),
    path("observations/<int:pk>/preuve/", views.observation_evidence, name="observation_evidence"),
    path("observations/<int:pk>/valider/", views.observation_validate, name="observation_validate"),
    path("observations/<int:pk>/publier/", views.observation_publish, name="observation_publish"),
    path(
        "observations/<int:pk>/depublier/",
        views.observation_unpublish,
        name="observation_unpublish",
    ),
    path("observations/<int:pk>/supprimer/", views.observation_delete, name="observation_delete"),
]
