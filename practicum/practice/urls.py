from django.urls import path

from practicum.practice import centre_match_views, export_views, import_views, records_views, views

app_name = "practice"

# Included at the root: a mentor's pages under /mentor/, the sign-offs a supervisor gives under
# /supervision/ beside the rest of the supervisor's pages.

urlpatterns = [
    path("mentor/", views.mentor_dashboard, name="mentor_dashboard"),
    # supervisors and the supervision log (views.py)
    path("mentor/supervisors/", views.relationship_list, name="relationship_list"),
    path("mentor/supervisors/new/", views.relationship_create, name="relationship_create"),
    path("mentor/supervisors/<int:pk>/end/", views.relationship_end, name="relationship_end"),
    path("mentor/log/", views.session_list, name="session_list"),
    path("mentor/log/new/", views.session_create, name="session_create"),
    path("mentor/log/<int:pk>/", views.session_detail, name="session_detail"),
    path("mentor/log/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("supervision/sign-off/", views.sign_off_queue, name="sign_off_queue"),
    path("supervision/sign-off/<int:pk>/", views.sign_off_session, name="sign_off_session"),
    path("supervision/supervisees/<int:pk>/end/", views.supervisee_end, name="supervisee_end"),
    path("mentor/confirm-session/<str:token>/", views.external_sign_off, name="external_sign_off"),
    # engagements, references, training, CPD (records_views.py)
    path("mentor/engagements/", records_views.engagement_list, name="engagement_list"),
    path("mentor/engagements/new/", records_views.engagement_create, name="engagement_create"),
    path("mentor/engagements/<int:pk>/", records_views.engagement_detail, name="engagement_detail"),
    path(
        "mentor/engagements/<int:pk>/edit/", records_views.engagement_edit, name="engagement_edit"
    ),
    path(
        "mentor/engagements/<int:pk>/references/new/",
        records_views.reference_create,
        name="reference_create",
    ),
    path(
        "mentor/engagements/<int:pk>/references/without-letter/",
        records_views.reference_without_letter,
        name="reference_without_letter",
    ),
    path(
        "mentor/references/<int:pk>/resend/",
        records_views.reference_resend,
        name="reference_resend",
    ),
    path("mentor/reference/<str:token>/", records_views.referee_response, name="referee_response"),
    path("mentor/training/", records_views.training_list, name="training_list"),
    path("mentor/training/new/", records_views.training_create, name="training_create"),
    path(
        "mentor/training/<int:pk>/evidence/",
        records_views.training_evidence,
        name="training_evidence",
    ),
    path("mentor/cpd/", records_views.cpd_list, name="cpd_list"),
    path("mentor/cpd/new/", records_views.cpd_create, name="cpd_create"),
    path("mentor/cpd/<int:pk>/evidence/", records_views.cpd_evidence, name="cpd_evidence"),
    # staff link typed-in training centres to the registry (centre_match_views.py)
    path("mentor/staff/training-centres/", centre_match_views.match_queue, name="match_queue"),
    path(
        "mentor/staff/training-centres/<int:pk>/",
        centre_match_views.match_record,
        name="match_record",
    ),
    path(
        "mentor/staff/training-centres/<int:pk>/link/",
        centre_match_views.match_act,
        name="match_act",
    ),
    # import of past records (import_views.py)
    path("mentor/import/", import_views.import_upload, name="import_upload"),
    path("mentor/import/<str:code>/", import_views.import_preview, name="import_preview"),
    path(
        "mentor/import/<str:code>/progress/", import_views.import_progress, name="import_progress"
    ),
    path("mentor/import/<str:code>/confirm/", import_views.import_confirm, name="import_confirm"),
    # exports, deletion, erasure (export_views.py)
    path("mentor/export/", export_views.export_index, name="export_index"),
    path("mentor/export/<str:log>.csv", export_views.log_csv, name="export_csv"),
    path(
        "mentor/export/supervision-log.pdf", export_views.sessions_pdf, name="export_sessions_pdf"
    ),
    path("mentor/export/my-data.json", export_views.all_json, name="export_json"),
    path(
        "mentor/records/<str:kind>/<int:pk>/delete/",
        export_views.record_delete,
        name="record_delete",
    ),
    path("mentor/erase/", export_views.erase_account, name="erase_account"),
]
