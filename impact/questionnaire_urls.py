"""The public questionnaire of a site, under /lieux/<slug>/ (namespace "impact_questionnaire")."""

from django.urls import path

from impact import questionnaire_views as views

app_name = "impact_questionnaire"

urlpatterns = [
    path("<slug:slug>/questionnaire/", views.answer, name="answer"),
    path("<slug:slug>/questionnaire/merci/", views.thanks, name="thanks"),
]
