"""GET status per persona for the API's routes and its account pages (merged by the
authorisation-matrix test). The matrix signs in with a session, which holds every scope the
user's roles allow; tokens and their scopes are tested in test_scopes.py. Anonymous callers get
a 401 problem, not a redirect: the API has no sign-in page."""

from conftest import access_row

NOPE = {"pk": 999999}

ROWS = {
    # account pages
    "api:tokens": access_row(302, 200, 200, 200),
    "api:token_revoke": access_row(302, 405, 405, 405, NOPE),
    "api:webhooks": access_row(302, 200, 200, 200),
    "api:webhook_detail": access_row(302, 404, 404, 404, NOPE),
    "api:webhook_test": access_row(302, 405, 405, 405, NOPE),
    "api:webhook_delete": access_row(302, 405, 405, 405, NOPE),
    # the document and its interactive docs (public)
    "api_v1:api-root": access_row(404, 404, 404, 404),
    "api_v1:openapi-json": access_row(200, 200, 200, 200),
    "api_v1:openapi-view": access_row(200, 200, 200, 200),
    # the mentor's records (the supervisor persona is also a mentor)
    "api_v1:sessions": access_row(401, 200, 200, 403),
    "api_v1:session_create": access_row(401, 200, 200, 403),
    "api_v1:session": access_row(401, 404, 404, 403, {"session_id": 999999}),
    "api_v1:session_update": access_row(401, 404, 404, 403, {"session_id": 999999}),
    "api_v1:relationship_list": access_row(401, 200, 200, 403),
    "api_v1:engagement_list": access_row(401, 200, 200, 403),
    "api_v1:engagement_detail": access_row(401, 404, 404, 403, {"engagement_id": 999999}),
    "api_v1:training_list": access_row(401, 200, 200, 403),
    "api_v1:cpd_list": access_row(401, 200, 200, 403),
    "api_v1:cpd_create": access_row(401, 200, 200, 403),
    "api_v1:supervised_session_list": access_row(401, 403, 200, 403),
    "api_v1:credential_list": access_row(401, 200, 200, 403),
    "api_v1:credential_detail": access_row(401, 404, 404, 403, {"number": "IMC-NONE"}),
    # public
    "api_v1:credential_verify": access_row(404, 404, 404, 404, {"number": "IMC-NONE"}),
    "api_v1:framework_list": access_row(200, 200, 200, 200),
    "api_v1:framework_detail": access_row(
        200, 200, 200, 200, {"kind": "code_of_ethics", "version": "1.0"}
    ),
    # staff
    "api_v1:application_queue": access_row(401, 403, 403, 200),
    # a centre's administrators (institution scope; test_institutions.py proves another
    # centre's objects are 404 and an administrator's own are 200)
    "api_v1:centre_list": access_row(401, 403, 403, 403),
    "api_v1:centre_detail": access_row(401, 403, 403, 403, {"centre_id": 999999}),
    "api_v1:programme_list": access_row(401, 403, 403, 403),
    "api_v1:programme_detail": access_row(401, 403, 403, 403, {"programme_id": 999999}),
    "api_v1:cohort_list": access_row(401, 403, 403, 403),
    "api_v1:cohort_detail": access_row(401, 403, 403, 403, {"cohort_id": 999999}),
    "api_v1:graduate_list": access_row(401, 403, 403, 403),
    "api_v1:graduate_create": access_row(401, 403, 403, 403),
    "api_v1:graduate_bulk_create": access_row(405, 405, 405, 405),
    "api_v1:graduate_detail": access_row(401, 403, 403, 403, {"graduate_id": 999999}),
}
