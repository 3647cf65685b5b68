"""GET status per persona for this app's views (merged by the authorisation-matrix test).

Everything is the mentor's own (staff get 403, another mentor's object 404) except what a
mentor shares with a supervisor: those pages need the Supervisor role, and even then show only
shares addressed to the supervisor (404 for any other code).
"""

from conftest import access_row

NO_PK = {"pk": 999999}

ROWS = {
    "reflection:toolkit": access_row(302, 200, 200, 403),
    "reflection:tool_template": access_row(302, 200, 200, 403, {"tool": "ethics-lens"}),
    # Reflective Conversation Framework
    "reflection:reflection_list": access_row(302, 200, 200, 403),
    "reflection:reflection_create": access_row(302, 200, 200, 403),
    "reflection:reflection_detail": access_row(302, 404, 404, 403, NO_PK),
    "reflection:reflection_step": access_row(302, 404, 404, 403, {"pk": 999999, "step": 1}),
    "reflection:reflection_details": access_row(302, 404, 404, 403, NO_PK),
    "reflection:reflection_worksheet": access_row(302, 405, 405, 403, NO_PK),
    "reflection:reflection_supervision": access_row(302, 404, 404, 403, NO_PK),
    "reflection:reflection_withdraw": access_row(302, 405, 405, 403, NO_PK),
    "reflection:reflection_delete": access_row(302, 405, 405, 403, NO_PK),
    "reflection:reflection_pdf": access_row(302, 404, 404, 403, NO_PK),
    # What supervisors see: only the Supervisor role, only shares addressed to them
    "reflection:shared_list": access_row(302, 403, 200, 403),
    "reflection:shared_reflection": access_row(302, 403, 404, 403, {"code": "not-a-code"}),
    # A supervision log entry's reflections and themes (fragment for practice's session page)
    "reflection:session_reflections": access_row(302, 404, 404, 403, NO_PK),
    "reflection:session_tags": access_row(302, 405, 405, 403, NO_PK),
    # Ethics Lens Worksheet
    "reflection:worksheet_list": access_row(302, 200, 200, 403),
    "reflection:worksheet_create": access_row(302, 200, 200, 403),
    "reflection:worksheet_detail": access_row(302, 404, 404, 403, NO_PK),
    "reflection:worksheet_edit": access_row(302, 404, 404, 403, NO_PK),
    "reflection:worksheet_clauses": access_row(302, 404, 404, 403, NO_PK),
    "reflection:worksheet_clause_add": access_row(302, 405, 405, 403, NO_PK),
    "reflection:worksheet_clause_remove": access_row(
        302, 405, 405, 403, {"pk": 999999, "clause_pk": 1}
    ),
    "reflection:worksheet_analysis": access_row(302, 404, 404, 403, NO_PK),
    "reflection:worksheet_conclusion": access_row(302, 404, 404, 403, NO_PK),
    "reflection:worksheet_pdf": access_row(302, 404, 404, 403, NO_PK),
    "reflection:worksheet_delete": access_row(302, 405, 405, 403, NO_PK),
    # Self-assessments: nobody but the mentor
    "reflection:readiness_index": access_row(302, 200, 200, 403),
    "reflection:readiness_take": access_row(302, 200, 200, 403),
    "reflection:readiness_result": access_row(302, 404, 404, 403, NO_PK),
    "reflection:readiness_delete": access_row(302, 405, 405, 403, NO_PK),
    "reflection:selfcare_index": access_row(302, 200, 200, 403),
    "reflection:selfcare_take": access_row(302, 200, 200, 403),
    "reflection:selfcare_reminder": access_row(302, 405, 405, 403),
    "reflection:selfcare_result": access_row(302, 404, 404, 403, NO_PK),
    "reflection:selfcare_delete": access_row(302, 405, 405, 403, NO_PK),
    "reflection:competency_index": access_row(302, 200, 200, 403),
    "reflection:competency_take": access_row(302, 200, 200, 403),
    "reflection:competency_result": access_row(302, 404, 404, 403, NO_PK),
    "reflection:competency_delete": access_row(302, 405, 405, 403, NO_PK),
    # Development plan, themes, patterns
    "reflection:plan": access_row(302, 200, 200, 403),
    "reflection:goal_create": access_row(302, 200, 200, 403),
    "reflection:goal_detail": access_row(302, 404, 404, 403, NO_PK),
    "reflection:goal_edit": access_row(302, 404, 404, 403, NO_PK),
    "reflection:goal_delete": access_row(302, 405, 405, 403, NO_PK),
    "reflection:goal_evidence_remove": access_row(302, 405, 405, 403, NO_PK),
    "reflection:tag_list": access_row(302, 200, 200, 403),
    "reflection:tag_delete": access_row(302, 405, 405, 403, NO_PK),
    "reflection:patterns": access_row(302, 200, 200, 403),
    "reflection:pattern_keep": access_row(302, 405, 405, 403),
    # Exports and deletion
    "reflection:export_index": access_row(302, 200, 200, 403),
    "reflection:export_json": access_row(302, 200, 200, 403),
    "reflection:export_pdf": access_row(302, 200, 200, 403),
    "reflection:erase": access_row(302, 200, 200, 403),
}
