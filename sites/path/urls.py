"""The project path pages, under /parcours/ (namespace "path")."""

from django.urls import path

from sites.path import views

app_name = "path"

urlpatterns = [
    path("", views.portfolio, name="portfolio"),
    path("lieux/<slug:slug>/", views.timeline, name="timeline"),
    path("lieux/<slug:slug>/historique/", views.history, name="history"),
    path("lieux/<slug:slug>/statut/", views.change_status, name="status"),
    path("lieux/<slug:slug>/modele/", views.apply_template, name="apply_template"),
    path("lieux/<slug:slug>/phases/ajouter/", views.stage_add, name="stage_add"),
    path("phases/<int:pk>/", views.stage_edit, name="stage_edit"),
    path("phases/<int:pk>/supprimer/", views.stage_delete, name="stage_delete"),
    path("phases/<int:pk>/deplacer/", views.stage_move, name="stage_move"),
    path("phases/<int:pk>/etapes/ajouter/", views.step_add, name="step_add"),
    path("etapes/<int:pk>/", views.step_edit, name="step_edit"),
    path("etapes/<int:pk>/supprimer/", views.step_delete, name="step_delete"),
    path("etapes/<int:pk>/deplacer/", views.step_move, name="step_move"),
    path("etapes/<int:pk>/document/", views.step_document, name="step_document"),
]
