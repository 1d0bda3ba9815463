"""Managers' report pages, under /impact/gestion/rapports/ (namespace "impact_reports")."""

from django.urls import path

from impact import report_manager_views as views

app_name = "impact_reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("nouveau/", views.report_create, name="create"),
    path("<int:pk>/modifier/", views.report_edit, name="edit"),
    path("<int:pk>/chiffres/", views.report_figures, name="figures"),
    path("<int:pk>/apercu/", views.report_preview, name="preview"),
    path("<int:pk>/publier/", views.report_publish, name="publish"),
]
