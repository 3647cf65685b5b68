from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from practicum import views
from practicum.accounts import views as account_views
from practicum.api.api import api

urlpatterns = [
    path(
        "favicon.ico",
        RedirectView.as_view(url="/static/favicon.svg", permanent=True),
        name="favicon",
    ),
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("dashboard/", account_views.dashboard, name="dashboard"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("practicum.accounts.urls")),
    path("", include("practicum.frameworks.urls")),
    path("", include("practicum.institutions.urls")),
    path("", include("practicum.practice.urls")),
    path("supervision/", include("practicum.supervision.urls")),
    path("reflection/", include("practicum.reflection.urls")),
    path("library/", include("practicum.library.urls")),
    path("credentials/", include("practicum.credentials.urls")),
    path("ethics/", include("practicum.ethics.urls")),
    path("api/v1/", api.urls),
    path("account/api/", include("practicum.api.urls")),
]

handler403 = "practicum.views.permission_denied"
handler404 = "practicum.views.page_not_found"
handler500 = "practicum.views.server_error"
