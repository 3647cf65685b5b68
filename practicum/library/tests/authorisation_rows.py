"""GET status per persona for the library's views (merged by the authorisation-matrix test).

The staff persona is credentialing staff: the editorial desk is the editor's (and a centre
administrator's), so it is a 403 for them too."""

from conftest import access_row

NOPE = {"code": "no-such-code"}

ROWS = {
    # everyone: the library and a resource's page (an unknown or hidden code is a 404)
    "library:index": access_row(200, 200, 200, 200),
    "library:detail": access_row(404, 404, 404, 404, NOPE),
    "library:file": access_row(404, 404, 404, 404, NOPE),
    "library:captions": access_row(404, 404, 404, 404, NOPE),
    "library:template_pdf": access_row(404, 404, 404, 404, NOPE),
    "library:lab_resources": access_row(404, 404, 404, 404, NOPE),
    # mentors
    "library:study": access_row(302, 405, 405, 403, NOPE),
    "library:study_cpd": access_row(302, 405, 405, 403, NOPE),
    "library:my_studies": access_row(302, 200, 200, 403),
    "library:my_studies_export": access_row(302, 200, 200, 403),
    "library:my_studies_erase": access_row(302, 405, 405, 403),
    "library:recommended_panel": access_row(302, 200, 200, 403),
    # editors (with MFA), and a centre's administrators for their centre's resources
    "library:editor_dashboard": access_row(302, 403, 403, 403),
    "library:resource_new": access_row(302, 403, 403, 403),
    "library:manage": access_row(302, 403, 403, 403, NOPE),
    "library:resource_edit": access_row(302, 403, 403, 403, NOPE),
    "library:resource_act": access_row(405, 405, 405, 405, {**NOPE, "action": "submit"}),
    "library:version_file": access_row(302, 403, 403, 403, {**NOPE, "number": 1, "which": "file"}),
    "library:centre_resources": access_row(302, 403, 403, 403),
    "library:centre_resource_new": access_row(302, 403, 403, 403, {"pk": 999999}),
}
