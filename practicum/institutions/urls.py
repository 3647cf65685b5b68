from django.urls import path

from practicum.institutions import views

app_name = "institutions"

urlpatterns = [
    # public
    path("centres/", views.directory, name="directory"),
    path("centres/check/", views.status_check, name="status_check"),
    path("centres/<str:code>/", views.centre_public, name="centre_public"),
    path("institution/join/<str:token>/", views.invitation, name="invitation"),
    # the centre's administrators
    path("institution/", views.dashboard, name="dashboard"),
    path("institution/centres/<int:pk>/", views.centre, name="centre"),
    path("institution/centres/<int:pk>/edit/", views.centre_edit, name="centre_edit"),
    path("institution/centres/<int:pk>/mentors/", views.mentors, name="mentors"),
    path("institution/centres/<int:pk>/invite/", views.member_invite, name="member_invite"),
    path("institution/members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path(
        "institution/centres/<int:pk>/programmes/new/",
        views.programme_create,
        name="programme_create",
    ),
    path("institution/programmes/<int:pk>/", views.programme, name="programme"),
    path("institution/programmes/<int:pk>/edit/", views.programme_edit, name="programme_edit"),
    path("institution/programmes/<int:pk>/cohorts/new/", views.cohort_create, name="cohort_create"),
    path("institution/cohorts/<int:pk>/", views.cohort, name="cohort"),
    path("institution/cohorts/<int:pk>/import/", views.import_upload, name="import_upload"),
    path("institution/imports/<int:pk>/", views.import_preview, name="import_preview"),
    path("institution/imports/<int:pk>/commit/", views.import_commit, name="import_commit"),
    path("institution/graduates/<int:pk>/decide/", views.claim_decide, name="claim_decide"),
    # mentors
    path("institution/claims/", views.claim_request, name="claim_request"),
    path("institution/memberships/", views.memberships, name="memberships"),
    path(
        "institution/memberships/<int:pk>/leave/", views.membership_leave, name="membership_leave"
    ),
    path(
        "institution/memberships/<int:pk>/sharing/",
        views.membership_sharing,
        name="membership_sharing",
    ),
    # staff
    path("institution/staff/centres/", views.staff_centres, name="staff_centres"),
    path("institution/staff/centres/<int:pk>/", views.staff_centre, name="staff_centre"),
]
