"""How to reach each page about an object: for every URL pattern with arguments, the persona(s)
who may open it and the arguments naming an object of the demo world (`site_world`) that is
theirs. `test_every_page_with_arguments_is_covered` fails when a new pattern with arguments
has no entry here, no reason in FILES, and is not POST-only in the authorisation matrix."""

from practicum.accounts.tests.site_world import World

# Routes with arguments that answer with a file, not a page (the suffixed ones — .pdf, .csv,
# .ics, .svg, .jwt, .json — and the JSON API are recognised by their pattern).
FILES = {
    "accounts:profile_photo": "an image",
    "practice:training_evidence": "an uploaded certificate",
    "practice:cpd_evidence": "an uploaded certificate",
    "credentials:application_document": "an uploaded document",
    "credentials:staff_document": "an uploaded document",
    "credentials:accreditation_document": "an uploaded document",
    "ethics:evidence_mine": "an uploaded document",
    "ethics:staff_evidence": "an uploaded document",
    "reflection:worksheet_pdf": "a PDF",
    "reflection:reflection_pdf": "a PDF",
    "credentials:badge_image": "a PNG image",
    "credentials:badge_png": "a baked PNG badge",
    "credentials:declared_evidence": "an uploaded certificate",
    "library:file": "a published PDF or video",
    "library:captions": "a video's captions (WebVTT)",
    "library:version_file": "an earlier version's file",
}
# htmx fragments, checked inside the page that embeds them.
FRAGMENTS = {
    "practice:import_progress": "the preview's status, polled",
    "library:lab_resources": "the library's list on a lab's page",
}
FILE_SUFFIXES = (".csv", ".pdf", ".ics", ".svg", ".jwt", ".json")


def _pk(key: str, *personas: str):
    return lambda w: [(p, {"pk": w[key].pk}) for p in personas]


def _code(key: str, *personas: str, attribute: str = "code"):
    return lambda w: [(p, {"code": getattr(w[key], attribute)}) for p in personas]


def _token(key: str, *personas: str):
    return lambda w: [(p, {"token": w.tokens[key]}) for p in personas]


def _public_id(person: str, *personas: str):
    return lambda w: [(p, {"public_id": w.people[person].public_id}) for p in personas]


def _credential_steps(w: World):
    from practicum.credentials.services.applications import application_steps

    draft = w["draft_application"]
    return [("applicant", {"pk": draft.pk, "step": s}) for s in application_steps(draft)]


def _reflection_steps(w: World):
    draft = w["draft_reflection"]
    return [("mentor", {"pk": draft.pk, "step": n}) for n in range(1, draft.step_count + 1)]


def _as_in_the_matrix(name: str, *personas: str):
    """Links whose invalid form is itself a page (allauth's expired-link pages)."""

    def build(w: World):
        from practicum.accounts.tests.test_authorisation_matrix import MATRIX

        return [(p, MATRIX[name]["kwargs"]) for p in personas]

    return build


OBJECT_PAGES = {
    "account_confirm_email": _as_in_the_matrix("account_confirm_email", "anonymous"),
    "account_reset_password_from_key": _as_in_the_matrix(
        "account_reset_password_from_key", "anonymous"
    ),
    "accounts:public_profile": _public_id("supervisor", "anonymous", "mentor"),
    "frameworks:code_version": lambda w: [("anonymous", {"version": w["code"].version})],
    "frameworks:competencies_version": lambda w: [
        ("anonymous", {"version": w["competencies"].version})
    ],
    "frameworks:readiness_version": lambda w: [
        ("anonymous", {"version": w["readiness_q"].version})
    ],
    # institutions
    "institutions:centre_public": _code("centre", "anonymous"),
    "institutions:invitation": _token("invitation", "anonymous", "institution"),
    "institutions:centre": _pk("centre", "institution"),
    "institutions:centre_edit": _pk("centre", "institution"),
    "institutions:mentors": _pk("centre", "institution"),
    "institutions:programme_create": _pk("centre", "institution"),
    "institutions:programme": _pk("programme", "institution"),
    "institutions:programme_edit": _pk("programme", "institution"),
    "institutions:cohort_create": _pk("programme", "institution"),
    "institutions:cohort": _pk("cohort", "institution"),
    "institutions:import_upload": _pk("cohort", "institution"),
    "institutions:import_preview": _pk("graduate_import", "institution"),
    "institutions:staff_centre": _pk("centre", "staff"),
    "supervision:centre_supervision": _pk("centre", "institution"),
    "supervision:centre_group_create": _pk("centre", "institution"),
    "supervision:centre_lab_create": _pk("centre", "institution"),
    "practice:match_record": _pk("training", "staff"),
    "credentials:declared_review": _pk("declared", "staff"),
    # practice
    "practice:session_detail": _pk("session", "mentor"),
    "practice:session_edit": _pk("unsigned_session", "mentor"),
    "practice:sign_off_session": _pk("unsigned_session", "supervisor"),
    "practice:external_sign_off": _token("sign_off", "anonymous"),
    "practice:engagement_detail": _pk("engagement", "mentor"),
    "practice:engagement_edit": _pk("engagement", "mentor"),
    "practice:reference_create": _pk("engagement", "mentor"),
    "practice:referee_response": _token("reference", "anonymous"),
    "practice:import_preview": _code("import", "mentor"),
    # supervision
    "supervision:supervisor_profile": _public_id("supervisor", "mentor"),
    "supervision:book": _public_id("supervisor", "mentor"),
    "supervision:application_detail": _pk("supervisor_application", "mentor"),
    "supervision:application_review": _pk("supervisor_application", "staff"),
    "supervision:booking_detail": _code("booking", "mentor", "supervisor"),
    "supervision:booking_reschedule": _code("booking", "mentor"),
    "supervision:group_detail": _code("group", "mentor", "supervisor"),
    "supervision:group_manage": _code("group", "supervisor"),
    "supervision:group_session_detail": _code("group_session", "mentor", "supervisor"),
    "supervision:lab_detail": _code("lab", "mentor", "supervisor"),
    "supervision:lab_attendance": _code("lab", "supervisor"),
    "supervision:lab_edit": _code("lab", "staff"),
    "supervision:attendance_notes": _pk("attended_session", "mentor"),
    # reflection
    "reflection:reflection_detail": _pk("reflection", "mentor"),
    "reflection:reflection_step": _reflection_steps,
    "reflection:reflection_details": _pk("draft_reflection", "mentor"),
    "reflection:reflection_supervision": _pk("reflection", "mentor"),
    "reflection:shared_reflection": _code("share", "supervisor"),
    "reflection:session_reflections": _pk("session", "mentor"),
    "reflection:worksheet_detail": _pk("worksheet", "mentor"),
    "reflection:worksheet_edit": _pk("worksheet", "mentor"),
    "reflection:worksheet_clauses": _pk("worksheet", "mentor"),
    "reflection:worksheet_analysis": _pk("worksheet", "mentor"),
    "reflection:worksheet_conclusion": _pk("worksheet", "mentor"),
    "reflection:readiness_result": _pk("readiness", "mentor"),
    "reflection:selfcare_result": _pk("selfcare", "mentor"),
    "reflection:competency_result": _pk("competency", "mentor"),
    "reflection:goal_detail": _pk("goal", "mentor"),
    "reflection:goal_edit": _pk("goal", "mentor"),
    # credentials
    "credentials:type_detail": lambda w: [("mentor", {"code": "CMM"}), ("mentor", {"code": "CPM"})],
    "credentials:application_detail": _pk("application", "mentor"),
    "credentials:application_step": _credential_steps,
    "credentials:credential_detail": _pk("credential", "mentor"),
    "credentials:review": _pk("application", "staff"),
    "credentials:credential_manage": _pk("samirs_credential", "staff"),
    "credentials:verify_code": _code(
        "samirs_credential", "anonymous", attribute="verification_code"
    ),
    "credentials:holder_badges": _public_id("supervisor", "anonymous"),
    "credentials:accreditation_apply": _pk("centre", "institution"),
    "credentials:accreditation_detail": _pk("accreditation", "institution"),
    "credentials:accreditation_review": _pk("accreditation", "staff"),
    "library:detail": _code("resource", "anonymous", "mentor"),
    "library:manage": _code("resource", "editor"),
    "library:resource_edit": _code("resource", "editor"),
    "library:centre_resource_new": _pk("centre", "institution"),
    # ethics
    "ethics:follow": _token("concern", "anonymous"),
    "ethics:my_case": lambda w: [
        ("professional", {"pk": w["case"].pk}),
        ("professional", {"pk": w["decided_case"].pk}),
    ],
    "ethics:my_concern": _pk("my_concern", "complainant"),
    "ethics:case": lambda w: [
        ("ethics", {"pk": w["case"].pk}),
        ("ethics", {"pk": w["decided_case"].pk}),
        ("ethics", {"pk": w["my_concern"].pk}),
        ("panel", {"pk": w["case"].pk}),
    ],
    # api
    "api:webhook_detail": _pk("webhook", "mentor"),
}
