from django.urls import path

from practicum.frameworks import views

app_name = "frameworks"

urlpatterns = [
    path("frameworks/", views.index, name="index"),
    path("frameworks/code-of-ethics/", views.code_of_ethics, name="code"),
    path("frameworks/code-of-ethics/<str:version>/", views.code_of_ethics, name="code_version"),
    path("frameworks/competencies/", views.competencies, name="competencies"),
    path(
        "frameworks/competencies/<str:version>/",
        views.competencies,
        name="competencies_version",
    ),
    path("frameworks/supervision-readiness/", views.readiness, name="readiness"),
    path(
        "frameworks/supervision-readiness/<str:version>/",
        views.readiness,
        name="readiness_version",
    ),
    path("frameworks/search/", views.search, name="search"),
    path("onboarding/pledge/", views.pledge, name="pledge"),
]
