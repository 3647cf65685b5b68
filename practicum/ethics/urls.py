from django.urls import path

from practicum.ethics import views

app_name = "ethics"

urlpatterns = [
    # the public
    path("concerns/new/", views.raise_concern, name="raise_concern"),
    path("concerns/sent/", views.concern_sent, name="concern_sent"),
    path("concerns/suggest/", views.suggest, name="suggest"),
    path("concerns/follow/<str:token>/", views.follow, name="follow"),
    # members
    path("mine/", views.my_cases, name="my_cases"),
    path("mine/panel/", views.member_panel, name="member_panel"),
    path("mine/cases/<int:pk>/", views.my_case, name="my_case"),
    path(
        "mine/cases/<int:pk>/evidence/<int:evidence_pk>/", views.evidence_mine, name="evidence_mine"
    ),
    path("mine/concerns/<int:pk>/", views.my_concern, name="my_concern"),
    # ethics staff
    path("staff/", views.staff_dashboard, name="staff_dashboard"),
    path("staff/cases/<int:pk>/", views.case_detail, name="case"),
    path(
        "staff/cases/<int:pk>/evidence/<int:evidence_pk>/",
        views.staff_evidence,
        name="staff_evidence",
    ),
    path("staff/cases/<int:pk>/<str:action>/", views.case_act, name="case_act"),
]
