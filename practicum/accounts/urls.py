from django.urls import path

from practicum.accounts import views

app_name = "accounts"

urlpatterns = [
    path("account/profile/", views.profile_edit, name="profile"),
    path("language/", views.language_switch, name="language"),
    path("account/restricted/", views.restricted, name="restricted"),
    path("mentors/<str:public_id>/", views.public_profile, name="public_profile"),
    path("mentors/<str:public_id>/photo/", views.profile_photo, name="profile_photo"),
]
