from django.urls import path

from practicum.ethics import views

app_name = "ethics"

urlpatterns = [
    path("staff/", views.staff_dashboard, name="staff_dashboard"),
]
