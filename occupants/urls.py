from django.urls import path

from occupants import views

app_name = "occupants"

# Structure pages first: "invitation" is a possible structure slug, and no invitation address has
# the shape of a structure page (tokens are 43 random characters, never "modifier" or "membres").
urlpatterns = [
    path("<slug:slug>/", views.structure_detail, name="detail"),
    path("<slug:slug>/modifier/", views.structure_edit, name="edit"),
    path("<slug:slug>/membres/", views.members, name="members"),
    path("<slug:slug>/membres/<int:pk>/retirer/", views.member_remove, name="member_remove"),
    path("<slug:slug>/conventions/<int:pk>/", views.agreement_download, name="agreement"),
    path("invitation/accepter/", views.invitation_accept, name="invitation_accept"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
]
