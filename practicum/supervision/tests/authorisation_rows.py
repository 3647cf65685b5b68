"""GET status per persona for this app's views (merged by the authorisation-matrix test).

Personas: anonymous, a mentor, a mentor who is also a supervisor, credentialing staff with MFA.
"""

from conftest import access_row

NO_PK = {"pk": 999999}
NO_CODE = {"code": "nope"}
NOBODY = {"public_id": "nobody"}

ROWS = {
    "supervision:supervisor_dashboard": access_row(302, 403, 200, 403),
    "supervision:my_supervision": access_row(302, 200, 200, 403),
    # supervisors: directory, profiles, applications
    "supervision:directory": access_row(302, 200, 200, 403),
    "supervision:supervisor_profile": access_row(302, 404, 404, 403, NOBODY),
    "supervision:book": access_row(302, 404, 404, 403, NOBODY),
    "supervision:profile_edit": access_row(302, 403, 200, 403),
    "supervision:application_create": access_row(302, 200, 200, 403),
    "supervision:application_detail": access_row(302, 404, 404, 403, NO_PK),
    "supervision:application_queue": access_row(302, 403, 403, 200),
    "supervision:application_review": access_row(302, 403, 403, 404, NO_PK),
    # one-to-one (a supervisor without a profile is sent to write it first)
    "supervision:availability": access_row(302, 403, 302, 403),
    "supervision:window_delete": access_row(302, 403, 405, 403, NO_PK),
    "supervision:exception_delete": access_row(302, 403, 405, 403, NO_PK),
    "supervision:booking_detail": access_row(302, 404, 404, 403, NO_CODE),
    "supervision:booking_cancel": access_row(302, 405, 405, 403, NO_CODE),
    "supervision:booking_reschedule": access_row(302, 404, 404, 403, NO_CODE),
    "supervision:booking_attendance": access_row(302, 403, 405, 403, NO_CODE),
    # groups
    "supervision:group_list": access_row(302, 200, 200, 403),
    "supervision:group_create": access_row(302, 403, 200, 403),
    "supervision:group_detail": access_row(302, 404, 404, 403, NO_CODE),
    "supervision:group_join": access_row(302, 405, 405, 403, NO_CODE),
    "supervision:group_leave": access_row(302, 405, 405, 403, NO_CODE),
    "supervision:group_invitation": access_row(302, 405, 405, 403, NO_CODE),
    "supervision:group_manage": access_row(302, 403, 404, 403, NO_CODE),
    "supervision:group_invite": access_row(302, 403, 405, 403, NO_CODE),
    "supervision:group_schedule": access_row(302, 403, 405, 403, NO_CODE),
    "supervision:group_member_decide": access_row(
        302, 403, 405, 403, {"code": "nope", "pk": 999999}
    ),
    "supervision:group_session_detail": access_row(302, 404, 404, 403, NO_CODE),
    "supervision:group_session_attendance": access_row(302, 403, 405, 403, NO_CODE),
    "supervision:group_session_cancel": access_row(302, 403, 405, 403, NO_CODE),
    # labs
    "supervision:lab_list": access_row(302, 200, 200, 403),
    "supervision:lab_detail": access_row(302, 404, 404, 403, NO_CODE),
    "supervision:lab_register": access_row(302, 405, 405, 403, NO_CODE),
    "supervision:lab_cancel": access_row(302, 405, 405, 403, NO_CODE),
    "supervision:lab_attendance": access_row(302, 403, 404, 403, NO_CODE),
    "supervision:lab_admin_list": access_row(302, 403, 403, 200),
    "supervision:lab_create": access_row(302, 403, 403, 200),
    "supervision:lab_edit": access_row(302, 403, 403, 404, NO_CODE),
    # after a session; calendar
    "supervision:attendance_notes": access_row(302, 404, 404, 403, NO_PK),
    "supervision:feedback": access_row(302, 403, 200, 403),
    "supervision:calendar_settings": access_row(302, 200, 200, 403),
    "supervision:calendar_feed": access_row(404, 404, 404, 404, {"token": "nope"}),
    # a training centre's groups and labs for its mentors (institution administrators of
    # that centre; another centre is a 404: test_reserved.py)
    "supervision:centre_supervision": access_row(302, 403, 403, 403, NO_PK),
    "supervision:centre_group_create": access_row(302, 403, 403, 403, NO_PK),
    "supervision:centre_lab_create": access_row(302, 403, 403, 403, NO_PK),
}
