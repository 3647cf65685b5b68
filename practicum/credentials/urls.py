from django.urls import path

from practicum.credentials import views

app_name = "credentials"

urlpatterns = [
    path("staff/", views.staff_dashboard, name="staff_dashboard"),
    path("institution/", views.institution_dashboard, name="institution_dashboard"),
]
