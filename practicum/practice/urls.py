from django.urls import path

from practicum.practice import records_views, views

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
]
