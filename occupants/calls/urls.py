from django.urls import path

from occupants.calls import views

app_name = "calls"

urlpatterns = [
    path("", views.call_list, name="list"),
    path("inscription/", views.signup, name="signup"),
    path("inscription/envoyee/", views.signup_done, name="signup_done"),
    path("mes-candidatures/", views.my_applications, name="mine"),
    path("mes-candidatures/<int:pk>/", views.application_detail, name="application"),
    path("mes-candidatures/<int:pk>/pieces/", views.document_upload, name="document_upload"),
    path(
        "mes-candidatures/<int:pk>/pieces/<int:document_pk>/",
        views.document_download,
        name="document_download",
    ),
    path(
        "mes-candidatures/<int:pk>/pieces/<int:document_pk>/retirer/",
        views.document_delete,
        name="document_delete",
    ),
    path("mes-candidatures/<int:pk>/soumettre/", views.application_submit, name="submit"),
    path("mes-candidatures/<int:pk>/desister/", views.application_withdraw, name="withdraw"),
    path("<slug:slug>/", views.call_detail, name="detail"),
    path("<slug:slug>/candidater/", views.apply, name="apply"),
]
