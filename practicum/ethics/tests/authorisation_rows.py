"""GET status per persona for this app's views (merged by the authorisation-matrix test)."""

from conftest import access_row

ROWS = {
    # the public: no account needed
    "ethics:raise_concern": access_row(200, 200, 200, 200),
    "ethics:concern_sent": access_row(302, 302, 302, 302),
    "ethics:suggest": access_row(405, 405, 405, 405),
    "ethics:follow": access_row(404, 404, 404, 404, {"token": "not-a-token"}),
    # members
    "ethics:my_cases": access_row(302, 200, 200, 200),
    "ethics:member_panel": access_row(302, 200, 200, 200),
    "ethics:my_case": access_row(302, 404, 404, 404, {"pk": 999999}),
    "ethics:evidence_mine": access_row(302, 404, 404, 404, {"pk": 999999, "evidence_pk": 1}),
    "ethics:my_concern": access_row(302, 404, 404, 404, {"pk": 999999}),
    # ethics staff (the matrix's staff persona is credentialing staff: 403)
    "ethics:staff_dashboard": access_row(302, 403, 403, 403),
    "ethics:case": access_row(302, 403, 403, 403, {"pk": 999999}),
    "ethics:staff_evidence": access_row(302, 403, 403, 403, {"pk": 999999, "evidence_pk": 1}),
    "ethics:case_act": access_row(405, 405, 405, 405, {"pk": 999999, "action": "take"}),
}
