from django.urls import path

from practicum.credentials import views

app_name = "credentials"

urlpatterns = [
    # the mentor's credentials, applications and renewals
    path("", views.index, name="index"),
    path("panel/", views.dashboard_panel, name="dashboard_panel"),
    path("types/<str:code>/", views.type_detail, name="type_detail"),
    path("types/<str:code>/apply/", views.apply, name="apply"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path(
        "applications/<int:pk>/step/<str:step>/",
        views.application_step,
        name="application_step",
    ),
    path("applications/<int:pk>/submit/", views.application_submit, name="application_submit"),
    path("applications/<int:pk>/discard/", views.application_discard, name="application_discard"),
    path("applications/<int:pk>/answer/", views.application_answer, name="application_answer"),
    path("applications/<int:pk>/receipt.pdf", views.receipt, name="receipt"),
    path(
        "applications/<int:pk>/documents/<int:document_pk>/",
        views.application_document,
        name="application_document",
    ),
    path("mine/<int:pk>/", views.credential_detail, name="credential_detail"),
    path("mine/<int:pk>/certificate.pdf", views.certificate, name="certificate"),
    path("mine/<int:pk>/renew/", views.renew, name="renew"),
    # credentialing staff
    path("staff/", views.staff_dashboard, name="staff_dashboard"),
    path("staff/queue/", views.queue, name="queue"),
    path("staff/applications/<int:pk>/", views.review, name="review"),
    path("staff/applications/<int:pk>/assign/", views.assign, name="assign"),
    path("staff/applications/<int:pk>/paid/", views.mark_paid, name="mark_paid"),
    path("staff/applications/<int:pk>/request-info/", views.request_info, name="request_info"),
    path("staff/applications/<int:pk>/decide/", views.decide, name="decide"),
    path("staff/applications/<int:pk>/notes/", views.add_note, name="add_note"),
    path("staff/applications/<int:pk>/contacts/", views.record_contact, name="record_contact"),
    path(
        "staff/applications/<int:pk>/documents/<int:document_pk>/",
        views.staff_document,
        name="staff_document",
    ),
    path("staff/credentials/", views.credential_list, name="credential_list"),
    path("staff/credentials/<int:pk>/", views.credential_manage, name="credential_manage"),
    path("institution/", views.institution_dashboard, name="institution_dashboard"),
    # public: verification, Open Badges 3.0, badges on profiles
    path("verify/", views.verify, name="verify"),
    path("verify/<str:code>/", views.verify_code, name="verify_code"),
    path("verify/<str:code>/qr.svg", views.qr, name="qr"),
    path("verify/<str:code>/badge.jwt", views.badge_jwt, name="badge_jwt"),
    path("badges/check/", views.badge_check, name="badge_check"),
    path("badges/issuer.json", views.issuer, name="issuer"),
    path("badges/jwks.json", views.jwks, name="jwks"),
    path("badges/revocations.json", views.revocation_list, name="revocation_list"),
    path("badges/keys/<str:kid>.json", views.badge_key, name="badge_key"),
    path("badges/status/<str:purpose>.jwt", views.status_list, name="status_list"),
    path("badges/images/<str:code>.png", views.badge_image, name="badge_image"),
    path("verify/<str:code>/badge.png", views.badge_png, name="badge_png"),
    path("badges/achievements/<str:code>.json", views.achievement, name="achievement"),
    path("holders/<str:public_id>/badges/", views.holder_badges, name="holder_badges"),
]

# Accreditation of training centres (accreditation_views.py): appended, issue 11.
from practicum.credentials import accreditation_views  # noqa: E402

urlpatterns += [
    path(
        "accreditation/centres/<int:pk>/apply/",
        accreditation_views.apply,
        name="accreditation_apply",
    ),
    path("accreditation/<int:pk>/", accreditation_views.detail, name="accreditation_detail"),
    path(
        "accreditation/<int:pk>/receipt.pdf",
        accreditation_views.receipt,
        name="accreditation_receipt",
    ),
    path(
        "accreditation/<int:pk>/documents/<int:document_pk>/",
        accreditation_views.document,
        name="accreditation_document",
    ),
    path("accreditation/staff/", accreditation_views.queue, name="accreditation_queue"),
    path("accreditation/staff/<int:pk>/", accreditation_views.review, name="accreditation_review"),
    path("accreditation/staff/<int:pk>/act/", accreditation_views.act, name="accreditation_act"),
]

# Credentials held before the platform, declared and verified (declared_views.py): issue 16.
from practicum.credentials import declared_views  # noqa: E402

urlpatterns += [
    path("declare/", declared_views.declare, name="declare"),
    path("staff/declared/", declared_views.declared_queue, name="declared_queue"),
    path("staff/declared/<int:pk>/", declared_views.declared_review, name="declared_review"),
    path(
        "staff/declared/<int:pk>/evidence/",
        declared_views.declared_evidence,
        name="declared_evidence",
    ),
    path("staff/declared/<int:pk>/act/", declared_views.declared_act, name="declared_act"),
]
