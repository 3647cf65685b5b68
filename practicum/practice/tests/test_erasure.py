import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from conftest import TOTP_SECRET, make_user
from practicum.accounts.models import Role, RoleGrant, User
from practicum.frameworks.models import PledgeAcceptance
from practicum.practice import erasure
from practicum.practice.models import (
    CpdEntry,
    MentoringEngagement,
    Reference,
    SignOffLink,
    SupervisionRelationship,
    SupervisionSession,
    TrainingRecord,
)
from practicum.practice.tests.test_exports import (
    PDF_BYTES,
    cpd_for,
    engagement_for,
    reference_for,
    relationship_for,
    session_for,
    training_for,
)

pytestmark = pytest.mark.django_db
Status = SupervisionSession.Status


def delete_url(kind, pk):
    return reverse("practice:record_delete", args=[kind, pk])


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- deleting a record ----------------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.CONFIRMED, Status.PENDING, Status.DISPUTED])
def test_a_mentor_deletes_their_own_session(client, mentor, supervisor, status):
    session = session_for(relationship_for(mentor, supervisor), status=status)
    SignOffLink.objects.create(session=session, token_hash="x" * 64, expires_at=session.starts_at)
    client.force_login(mentor)
    next_url = reverse("practice:session_list")
    response = client.post(delete_url("session", session.pk), {"next": next_url})
    assert response.status_code == 302
    assert response["Location"] == next_url
    assert not SupervisionSession.objects.filter(pk=session.pk).exists()
    assert not SignOffLink.objects.exists()
    assert flashed(response) == ["Deleted for good."]


@pytest.mark.parametrize(("kind", "make"), [("training", training_for), ("cpd", cpd_for)])
def test_deleting_a_record_removes_its_evidence_file(
    client, mentor, kind, make, django_capture_on_commit_callbacks
):
    record = make(mentor, evidence=PDF_BYTES)
    name = record.evidence.name
    assert default_storage.exists(name)
    client.force_login(mentor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(delete_url(kind, record.pk))
    assert not type(record).objects.filter(pk=record.pk).exists()
    assert not default_storage.exists(name)


def test_deleting_an_engagement_removes_its_references(client, mentor):
    engagement = engagement_for(mentor)
    reference_for(engagement)
    reference_for(engagement, status=Reference.Status.REQUESTED)
    client.force_login(mentor)
    client.post(delete_url("engagement", engagement.pk))
    assert not MentoringEngagement.objects.exists()
    assert not Reference.objects.exists()


def test_a_relationship_without_sessions_is_deleted(client, mentor):
    relationship = relationship_for(mentor)
    client.force_login(mentor)
    client.post(delete_url("relationship", relationship.pk))
    assert not SupervisionRelationship.objects.filter(pk=relationship.pk).exists()


def test_it_refuses_a_relationship_that_still_has_sessions(client, mentor):
    relationship = relationship_for(mentor)
    session_for(relationship)
    session_for(relationship, starts_at=relationship.created_at)
    client.force_login(mentor)
    response = client.post(delete_url("relationship", relationship.pk))
    assert response.status_code == 302
    assert SupervisionRelationship.objects.filter(pk=relationship.pk).exists()
    assert flashed(response) == ["Delete or move its 2 sessions first."]


def test_it_refuses_a_record_an_application_cites(client, mentor, monkeypatch):
    session = session_for(relationship_for(mentor), status=Status.CONFIRMED)
    reason = "Your credential application of 3 March 2026 cites this session."
    monkeypatch.setattr(
        erasure, "record_is_cited", lambda kind, record: reason if kind == "session" else None
    )
    client.force_login(mentor)
    response = client.post(delete_url("session", session.pk))
    assert SupervisionSession.objects.filter(pk=session.pk).exists()
    assert flashed(response) == [reason]


def test_citation_checks_registered_by_other_apps_are_asked(mentor, monkeypatch):
    cpd = cpd_for(mentor)
    assert erasure.record_is_cited("cpd", cpd) is None
    monkeypatch.setattr(erasure, "CITATION_CHECKS", [lambda kind, record: "Cited."])
    assert erasure.record_is_cited("cpd", cpd) == "Cited."
    with pytest.raises(ValidationError):
        erasure.record_delete(kind="cpd", record=cpd)
    assert CpdEntry.objects.filter(pk=cpd.pk).exists()


@pytest.mark.parametrize("kind", ["session", "engagement", "training", "cpd", "relationship"])
def test_it_refuses_another_mentors_record(client, mentor, other_mentor, kind):
    relationship = relationship_for(other_mentor)
    records = {
        "session": lambda: session_for(relationship),
        "engagement": lambda: engagement_for(other_mentor),
        "training": lambda: training_for(other_mentor, evidence=None),
        "cpd": lambda: cpd_for(other_mentor),
        "relationship": lambda: relationship,
    }
    record = records[kind]()
    client.force_login(mentor)
    assert client.post(delete_url(kind, record.pk)).status_code == 404
    assert type(record).objects.filter(pk=record.pk).exists()


def test_an_unknown_kind_is_404(client, mentor):
    client.force_login(mentor)
    assert client.post(delete_url("reference", 1)).status_code == 404


def test_deletion_is_post_only(client, mentor):
    session = session_for(relationship_for(mentor))
    client.force_login(mentor)
    assert client.get(delete_url("session", session.pk)).status_code == 405
    assert SupervisionSession.objects.filter(pk=session.pk).exists()


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", ""])
def test_an_unsafe_next_goes_to_the_dashboard(client, mentor, next_url):
    cpd = cpd_for(mentor)
    client.force_login(mentor)
    response = client.post(delete_url("cpd", cpd.pk), {"next": next_url})
    assert response["Location"] == reverse("practice:mentor_dashboard")


# --- erasing the account --------------------------------------------------------------------


def owned_rows(user) -> dict[str, int]:
    return {
        "sessions": SupervisionSession.objects.filter(mentor=user).count(),
        "relationships": SupervisionRelationship.objects.filter(mentor=user).count(),
        "engagements": MentoringEngagement.objects.filter(mentor=user).count(),
        "references": Reference.objects.filter(engagement__mentor=user).count(),
        "training": TrainingRecord.objects.filter(mentor=user).count(),
        "cpd": CpdEntry.objects.filter(mentor=user).count(),
        "sign-off links": SignOffLink.objects.filter(session__mentor=user).count(),
        "pledges": PledgeAcceptance.objects.filter(user=user).count(),
        "roles": RoleGrant.objects.filter(user=user).count(),
        "emails": EmailAddress.objects.filter(user=user).count(),
        "authenticators": Authenticator.objects.filter(user=user).count(),
        "users": User.objects.filter(pk=user.pk).count(),
    }


@pytest.fixture
def full_account(supervisor, mentor, other_mentor):
    """The supervisor persona (who also mentors) with a record of every kind; they supervise
    Maya, and signed off one of her sessions."""
    user = supervisor
    TOTP.activate(user, TOTP_SECRET)
    user.photo.save("me.png", ContentFile(b"not really a png"), save=True)
    relationship = relationship_for(user)
    session = session_for(relationship, status=Status.CONFIRMED)
    SignOffLink.objects.create(session=session, token_hash="y" * 64, expires_at=session.starts_at)
    reference_for(engagement_for(user))
    training_for(user)
    cpd_for(user, evidence=PDF_BYTES)
    # Maya's log, supervised by the user, and Omar's, which has nothing to do with them
    mayas = relationship_for(mentor, user)
    session_for(mayas, status=Status.CONFIRMED)
    session_for(relationship_for(other_mentor))
    return user


def test_the_erasure_page_says_what_will_go(client, full_account):
    client.force_login(full_account)
    response = client.get(reverse("practice:erase_account"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 supervision session, with your reflections" in html
    assert "3 stored files" in html
    assert "The mentor you supervise keeps their log" in html
    assert 'name="email"' in html


def test_it_refuses_a_wrong_email(client, full_account):
    before = owned_rows(full_account)
    client.force_login(full_account)
    response = client.post(reverse("practice:erase_account"), {"email": "maya@example.org"})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "email": ["This is not the email address of your account."]
    }
    assert owned_rows(full_account) == before


def test_it_erases_everything_of_the_account(
    client, full_account, mentor, other_mentor, django_capture_on_commit_callbacks
):
    user = full_account
    files = [
        user.photo.name,
        *(t.evidence.name for t in TrainingRecord.objects.filter(mentor=user)),
        *(c.evidence.name for c in CpdEntry.objects.filter(mentor=user)),
    ]
    assert all(default_storage.exists(name) for name in files)
    before = owned_rows(user)
    assert all(before.values()), before
    others_before = (owned_rows(mentor), owned_rows(other_mentor))
    mayas = SupervisionRelationship.objects.get(mentor=mentor)
    mayas_session = SupervisionSession.objects.get(mentor=mentor)

    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("practice:erase_account"), {"email": " SAM@example.org "})

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert flashed(response) == ["Your account and all your records have been erased."]
    assert owned_rows(user) == dict.fromkeys(before, 0)
    assert (owned_rows(mentor), owned_rows(other_mentor)) == others_before
    assert not any(default_storage.exists(name) for name in files)
    # Maya keeps her log: her supervisor is now an external one, by name and email
    mayas.refresh_from_db()
    assert mayas.supervisor is None
    assert (mayas.external_name, mayas.external_email) == ("Sam Supervisor", "sam@example.org")
    mayas_session.refresh_from_db()
    assert mayas_session.status == Status.CONFIRMED
    assert mayas_session.signed_off_by is None
    assert mayas_session.signed_off_by_name == "Sam Supervisor"
    # signed out
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("practice:mentor_dashboard")).status_code == 302


def test_erasure_is_all_or_nothing(full_account, monkeypatch):
    before = owned_rows(full_account)

    def fail(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(User, "delete", fail)
    with pytest.raises(RuntimeError):
        erasure.account_erase(user=full_account)
    assert owned_rows(full_account) == before
    assert SupervisionRelationship.objects.get(mentor__email="maya@example.org").supervisor


def test_it_refuses_to_erase_a_staff_account(client, frameworks):
    staff_mentor = make_user(
        "stella@example.org", Role.MENTOR, Role.CREDENTIALING_STAFF, full_name="Stella", mfa=True
    )
    client.force_login(staff_mentor)
    page = client.get(reverse("practice:erase_account"))
    assert page.status_code == 200
    assert "Staff accounts cannot be erased from here" in page.content.decode()
    assert 'name="email"' not in page.content.decode()
    response = client.post(reverse("practice:erase_account"), {"email": "stella@example.org"})
    assert response.status_code == 403
    assert User.objects.filter(pk=staff_mentor.pk).exists()
    with pytest.raises(ValidationError):
        erasure.account_erase(user=staff_mentor)
    assert User.objects.filter(pk=staff_mentor.pk).exists()
