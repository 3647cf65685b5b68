"""GET status per persona for this app's views (merged by the authorisation-matrix test).

The matrix runs without the credential rules loaded, so pages of a credential type are 404
there; their own tests load the rules (tests/conftest.py).
"""

from conftest import access_row

NOPE = {"pk": 999999}

ROWS = {
    # the mentor's pages
    "credentials:index": access_row(302, 200, 200, 403),
    "credentials:dashboard_panel": access_row(302, 200, 200, 403),
    "credentials:type_detail": access_row(302, 404, 404, 403, {"code": "CMM"}),
    "credentials:apply": access_row(302, 405, 405, 403, {"code": "CMM"}),
    "credentials:application_detail": access_row(302, 404, 404, 403, NOPE),
    "credentials:application_step": access_row(
        302, 404, 404, 403, {"pk": 999999, "step": "eligibility"}
    ),
    "credentials:application_submit": access_row(302, 405, 405, 403, NOPE),
    "credentials:application_discard": access_row(302, 405, 405, 403, NOPE),
    "credentials:application_answer": access_row(302, 405, 405, 403, NOPE),
    "credentials:receipt": access_row(302, 404, 404, 403, NOPE),
    "credentials:application_document": access_row(
        302, 404, 404, 403, {"pk": 999999, "document_pk": 1}
    ),
    "credentials:credential_detail": access_row(302, 404, 404, 403, NOPE),
    "credentials:certificate": access_row(302, 404, 404, 403, NOPE),
    "credentials:renew": access_row(302, 405, 405, 403, NOPE),
    "credentials:declare": access_row(302, 200, 200, 403),
    # credentialing staff (with MFA)
    "credentials:staff_dashboard": access_row(302, 403, 403, 200),
    "credentials:queue": access_row(302, 403, 403, 200),
    "credentials:declared_queue": access_row(302, 403, 403, 200),
    "credentials:declared_review": access_row(302, 403, 403, 404, NOPE),
    "credentials:declared_evidence": access_row(302, 403, 403, 404, NOPE),
    "credentials:declared_act": access_row(302, 403, 403, 405, NOPE),
    "credentials:review": access_row(302, 403, 403, 404, NOPE),
    "credentials:assign": access_row(302, 403, 403, 405, NOPE),
    "credentials:mark_paid": access_row(302, 403, 403, 405, NOPE),
    "credentials:request_info": access_row(302, 403, 403, 405, NOPE),
    "credentials:decide": access_row(302, 403, 403, 405, NOPE),
    "credentials:add_note": access_row(302, 403, 403, 405, NOPE),
    "credentials:record_contact": access_row(302, 403, 403, 405, NOPE),
    "credentials:staff_document": access_row(302, 403, 403, 404, {"pk": 999999, "document_pk": 1}),
    "credentials:credential_list": access_row(302, 403, 403, 200),
    "credentials:credential_manage": access_row(302, 403, 403, 404, NOPE),
    "credentials:institution_dashboard": access_row(302, 403, 403, 403),
    # public
    "credentials:verify": access_row(200, 200, 200, 200),
    "credentials:verify_code": access_row(404, 404, 404, 404, {"code": "nope"}),
    "credentials:qr": access_row(404, 404, 404, 404, {"code": "nope"}),
    "credentials:badge_jwt": access_row(404, 404, 404, 404, {"code": "nope"}),
    "credentials:badge_check": access_row(200, 200, 200, 200),
    "credentials:issuer": access_row(200, 200, 200, 200),
    "credentials:jwks": access_row(200, 200, 200, 200),
    "credentials:revocation_list": access_row(200, 200, 200, 200),
    "credentials:status_list": access_row(200, 200, 200, 200, {"purpose": "suspension"}),
    "credentials:badge_image": access_row(404, 404, 404, 404, {"code": "CMM"}),
    "credentials:badge_key": access_row(404, 404, 404, 404, {"kid": "nope"}),
    "credentials:badge_png": access_row(404, 404, 404, 404, {"code": "nope"}),
    "credentials:achievement": access_row(404, 404, 404, 404, {"code": "CMM"}),
    "credentials:holder_badges": access_row(200, 200, 200, 200, {"public_id": "nobody"}),
}
