from django.urls import path

from practicum.practice import centre_match_views, export_views, import_views, records_views, views

app_name = "practice"

urlpatterns = [
    path("", views.mentor_dashboard, name="mentor_dashboard"),
    # supervisors and the supervision log (views.py)
    path("supervisors/", views.relationship_list, name="relationship_list"),
    path("supervisors/new/", views.relationship_create, name="relationship_create"),
    path("supervisors/<int:pk>/end/", views.relationship_end, name="relationship_end"),
    path("log/", views.session_list, name="session_list"),
    path("log/new/", views.session_create, name="session_create"),
    path("log/<int:pk>/", views.session_detail, name="session_detail"),
    path("log/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("sign-off/", views.sign_off_queue, name="sign_off_queue"),
    path("sign-off/<int:pk>/", views.sign_off_session, name="sign_off_session"),
    path("supervisees/<int:pk>/end/", views.supervisee_end, name="supervisee_end"),
    path("confirm-session/<str:token>/", views.external_sign_off, name="external_sign_off"),
    # engagements, references, training, CPD (records_views.py)
    path("engagements/", records_views.engagement_list, name="engagement_list"),
    path("engagements/new/", records_views.engagement_create, name="engagement_create"),
    path("engagements/<int:pk>/", records_views.engagement_detail, name="engagement_detail"),
    path("engagements/<int:pk>/edit/", records_views.engagement_edit, name="engagement_edit"),
    path(
        "engagements/<int:pk>/references/new/",
        records_views.reference_create,
        name="reference_create",
    ),
    path(
        "engagements/<int:pk>/references/without-letter/",
        records_views.reference_without_letter,
        name="reference_without_letter",
    ),
    path("references/<int:pk>/resend/", records_views.reference_resend, name="reference_resend"),
    path("reference/<str:token>/", records_views.referee_response, name="referee_response"),
    path("training/", records_views.training_list, name="training_list"),
    path("training/new/", records_views.training_create, name="training_create"),
    path("training/<int:pk>/evidence/", records_views.training_evidence, name="training_evidence"),
    path("cpd/", records_views.cpd_list, name="cpd_list"),
    path("cpd/new/", records_views.cpd_create, name="cpd_create"),
    path("cpd/<int:pk>/evidence/", records_views.cpd_evidence, name="cpd_evidence"),
    # staff link typed-in training centres to the registry (centre_match_views.py)
    path("staff/training-centres/", centre_match_views.match_queue, name="match_queue"),
    path("staff/training-centres/<int:pk>/", centre_match_views.match_record, name="match_record"),
    path("staff/training-centres/<int:pk>/link/", centre_match_views.match_act, name="match_act"),
    # import of past records (import_views.py)
    path("import/", import_views.import_upload, name="import_upload"),
    path("import/<str:code>/", import_views.import_preview, name="import_preview"),
    path("import/<str:code>/progress/", import_views.import_progress, name="import_progress"),
    path("import/<str:code>/confirm/", import_views.import_confirm, name="import_confirm"),
    # exports, deletion, erasure (export_views.py)
    path("export/", export_views.export_index, name="export_index"),
    path("export/<str:log>.csv", export_views.log_csv, name="export_csv"),
    path("export/supervision-log.pdf", export_views.sessions_pdf, name="export_sessions_pdf"),
    path("export/my-data.json", export_views.all_json, name="export_json"),
    path("records/<str:kind>/<int:pk>/delete/", export_views.record_delete, name="record_delete"),
    path("erase/", export_views.erase_account, name="erase_account"),
]
