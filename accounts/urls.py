from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

app_name = "accounts"

# Mon espace (accounts:dashboard) shows structures and sites, and Supprimer mon compte
# (accounts:erase) erases what occupants and the apps above hold: occupants.dashboard and
# occupants.account_erase, added to this namespace by config/urls.py.

urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("parametres/", views.account_settings, name="settings"),
    path("parametres/mot-de-passe/", views.PasswordChangeView.as_view(), name="password_change"),
    path("mot-de-passe/oubli/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "mot-de-passe/oubli/envoye/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/termine/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # Before the token route, which would otherwise take "renvoyer" for a token.
    path("verifier/renvoyer/", views.email_verification_resend, name="email_verification_resend"),
    path("verifier/<str:token>/", views.email_verify, name="email_verify"),
]
