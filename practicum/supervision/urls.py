from django.urls import path

from practicum.supervision import views

app_name = "supervision"

urlpatterns = [
    path("", views.supervisor_dashboard, name="supervisor_dashboard"),
]
