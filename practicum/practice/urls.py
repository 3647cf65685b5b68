from django.urls import path

from practicum.practice import views

app_name = "practice"

urlpatterns = [
    path("", views.mentor_dashboard, name="mentor_dashboard"),
]
