"""GET status per persona for this app's views (merged by the authorisation-matrix test).
Centre pages belong to institution administrators (403 for others); another centre's objects
are 404 (test_views.py proves it)."""

from conftest import access_row

NOPE = {"pk": 999999}

ROWS = {
    # public
    "institutions:directory": access_row(200, 200, 200, 200),
    "institutions:status_check": access_row(200, 200, 200, 200),
    "institutions:centre_public": access_row(404, 404, 404, 404, {"code": "nope"}),
    "institutions:invitation": access_row(410, 410, 410, 410, {"token": "not-a-token"}),
    # the centre's administrators
    "institutions:dashboard": access_row(302, 403, 403, 403),
    "institutions:centre": access_row(302, 403, 403, 403, NOPE),
    "institutions:centre_edit": access_row(302, 403, 403, 403, NOPE),
    "institutions:mentors": access_row(302, 403, 403, 403, NOPE),
    "institutions:member_invite": access_row(405, 405, 405, 405, NOPE),
    "institutions:member_remove": access_row(405, 405, 405, 405, NOPE),
    "institutions:programme_create": access_row(302, 403, 403, 403, NOPE),
    "institutions:programme": access_row(302, 403, 403, 403, NOPE),
    "institutions:programme_edit": access_row(302, 403, 403, 403, NOPE),
    "institutions:cohort_create": access_row(302, 403, 403, 403, NOPE),
    "institutions:cohort": access_row(302, 403, 403, 403, NOPE),
    "institutions:import_upload": access_row(302, 403, 403, 403, NOPE),
    "institutions:import_preview": access_row(302, 403, 403, 403, NOPE),
    "institutions:import_commit": access_row(405, 405, 405, 405, NOPE),
    "institutions:claim_decide": access_row(405, 405, 405, 405, NOPE),
    # mentors
    "institutions:claim_request": access_row(405, 405, 405, 405),
    "institutions:memberships": access_row(302, 200, 200, 200),
    "institutions:membership_leave": access_row(405, 405, 405, 405, NOPE),
    "institutions:membership_sharing": access_row(405, 405, 405, 405, NOPE),
    # staff
    "institutions:staff_centres": access_row(302, 403, 403, 200),
    "institutions:staff_centre": access_row(302, 403, 403, 404, NOPE),
    # accreditation (credentials/accreditation_views.py, kept here so the two apps' rows do not
    # collide in one file)
    "credentials:accreditation_apply": access_row(302, 403, 403, 403, NOPE),
    "credentials:accreditation_detail": access_row(302, 403, 403, 403, NOPE),
    "credentials:accreditation_receipt": access_row(302, 403, 403, 404, NOPE),
    "credentials:accreditation_document": access_row(
        302, 403, 403, 404, {"pk": 999999, "document_pk": 1}
    ),
    "credentials:accreditation_queue": access_row(302, 403, 403, 200),
    "credentials:accreditation_review": access_row(302, 403, 403, 404, NOPE),
    "credentials:accreditation_act": access_row(405, 405, 405, 405, NOPE),
    # the reflective tools as printable templates (reflection/blank_views.py)
    "reflection:printable_tools": access_row(302, 403, 403, 403),
}
