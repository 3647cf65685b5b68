from django.urls import path

from practicum.supervision import application_views, centre_views, group_views, lab_views, views

app_name = "supervision"

urlpatterns = [
    path("", views.supervisor_dashboard, name="supervisor_dashboard"),
    path("mine/", views.my_supervision, name="my_supervision"),
    # supervisors: directory, profiles, becoming one (application_views.py)
    path("supervisors/", views.directory, name="directory"),
    path("supervisors/<str:public_id>/", views.supervisor_profile, name="supervisor_profile"),
    path("supervisors/<str:public_id>/book/", views.book, name="book"),
    path("profile/", views.profile_edit, name="profile_edit"),
    path("apply/", application_views.application_create, name="application_create"),
    path("applications/<int:pk>/", application_views.application_detail, name="application_detail"),
    path("staff/applications/", application_views.application_queue, name="application_queue"),
    path(
        "staff/applications/<int:pk>/",
        application_views.application_review,
        name="application_review",
    ),
    # one-to-one: availability and bookings
    path("availability/", views.availability, name="availability"),
    path("availability/windows/<int:pk>/delete/", views.window_delete, name="window_delete"),
    path(
        "availability/exceptions/<int:pk>/delete/", views.exception_delete, name="exception_delete"
    ),
    path("bookings/<str:code>/", views.booking_detail, name="booking_detail"),
    path("bookings/<str:code>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("bookings/<str:code>/reschedule/", views.booking_reschedule, name="booking_reschedule"),
    path("bookings/<str:code>/attendance/", views.booking_attendance, name="booking_attendance"),
    # groups (group_views.py)
    path("groups/", group_views.group_list, name="group_list"),
    path("groups/new/", group_views.group_create, name="group_create"),
    path("groups/<str:code>/", group_views.group_detail, name="group_detail"),
    path("groups/<str:code>/join/", group_views.group_join, name="group_join"),
    path("groups/<str:code>/leave/", group_views.group_leave, name="group_leave"),
    path("groups/<str:code>/invitation/", group_views.group_invitation, name="group_invitation"),
    path("groups/<str:code>/manage/", group_views.group_manage, name="group_manage"),
    path("groups/<str:code>/invite/", group_views.group_invite, name="group_invite"),
    path("groups/<str:code>/schedule/", group_views.group_schedule, name="group_schedule"),
    path(
        "groups/<str:code>/members/<int:pk>/",
        group_views.group_member_decide,
        name="group_member_decide",
    ),
    path(
        "group-sessions/<str:code>/",
        group_views.group_session_detail,
        name="group_session_detail",
    ),
    path(
        "group-sessions/<str:code>/attendance/",
        group_views.group_session_attendance,
        name="group_session_attendance",
    ),
    path(
        "group-sessions/<str:code>/cancel/",
        group_views.group_session_cancel,
        name="group_session_cancel",
    ),
    # labs (lab_views.py)
    path("labs/", lab_views.lab_list, name="lab_list"),
    path("labs/<str:code>/", lab_views.lab_detail, name="lab_detail"),
    path("labs/<str:code>/register/", lab_views.lab_register, name="lab_register"),
    path("labs/<str:code>/cancel/", lab_views.lab_cancel, name="lab_cancel"),
    path("labs/<str:code>/attendance/", lab_views.lab_attendance, name="lab_attendance"),
    path("staff/labs/", lab_views.lab_admin_list, name="lab_admin_list"),
    path("staff/labs/new/", lab_views.lab_create, name="lab_create"),
    path("staff/labs/<str:code>/", lab_views.lab_edit, name="lab_edit"),
    # arranged by a training centre for its own mentors (centre_views.py)
    path("centres/<int:pk>/", centre_views.centre_supervision, name="centre_supervision"),
    path(
        "centres/<int:pk>/groups/new/",
        centre_views.centre_group_create,
        name="centre_group_create",
    ),
    path("centres/<int:pk>/labs/new/", centre_views.centre_lab_create, name="centre_lab_create"),
    # after a session; calendar
    path("log/<int:pk>/notes/", views.attendance_notes, name="attendance_notes"),
    path("feedback/", views.feedback_view, name="feedback"),
    path("calendar/", views.calendar_settings, name="calendar_settings"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
