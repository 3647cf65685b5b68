"""Sign-offs, edits of signed entries, attendance-made records and erasure write the one trail."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from practicum.audit.models import AuditEntry
from practicum.audit.services import ERASED_NAME, audit_trail
from practicum.practice import services
from practicum.practice.erasure import account_erase
from practicum.practice.models import CpdEntry, SupervisionSession
from practicum.practice.tests.test_supervision_log import declare, log

pytestmark = pytest.mark.django_db


def test_a_sign_off_is_audited_with_its_signer(mentor, supervisor):
    session = log(mentor, declare(mentor, supervisor))
    services.session_sign_off(
        session=session, decision=services.SignOffDecision(confirm=True), by=supervisor
    )
    entry = audit_trail(session).get()
    assert (entry.action, entry.actor, entry.person) == ("session.confirmed", supervisor, mentor)
    assert entry.after["status"] == "confirmed"
    assert entry.after["signed_off_by"] == supervisor.get_full_name()


def test_an_external_dispute_is_audited_by_name_without_its_reason(mentor):
    session = log(mentor, declare(mentor))
    token = services.sign_off_request(session=session)
    link = services.sign_off_link_for_token(token)
    services.session_sign_off(
        session=session,
        decision=services.SignOffDecision(confirm=False, reason="Wrong date, it was the 3rd."),
        link=link,
    )
    entry = audit_trail(session).get()
    assert entry.action == "session.disputed" and entry.actor is None
    assert entry.actor_name == "Edith External"
    assert "Wrong date" not in str(entry.before) + str(entry.after)


def test_editing_a_signed_entry_keeps_the_previous_signer_in_the_trail(mentor, supervisor):
    session = log(mentor, declare(mentor, supervisor))
    services.session_sign_off(
        session=session, decision=services.SignOffDecision(confirm=True), by=supervisor
    )
    services.session_update(session=session, duration_minutes=90)
    session.refresh_from_db()
    assert session.status == "pending" and session.signed_off_by is None
    reopened = audit_trail(session).get(action="session.reopened")
    assert reopened.before["signed_off_by"] == supervisor.get_full_name()
    assert reopened.before["signed_off_by_id"] == supervisor.pk
    assert reopened.before["duration_minutes"] == 60 and reopened.after["duration_minutes"] == 90
    assert reopened.actor == mentor


def test_entries_from_attendance_are_fixed_in_the_service(mentor, supervisor):
    session = services.session_record_from_attendance(
        mentor=mentor,
        facilitator=supervisor,
        source="booking:1",
        starts_at=timezone.now() - datetime.timedelta(days=1),
        duration_minutes=60,
        format="one_to_one",
        focus="One-to-one supervision",
    )
    assert session.status == "confirmed"
    with pytest.raises(ValidationError, match="facts are fixed"):
        services.session_update(session=session, duration_minutes=90)
    again = services.session_record_from_attendance(
        mentor=mentor,
        facilitator=supervisor,
        source="booking:1",
        starts_at=session.starts_at,
        duration_minutes=60,
        format="one_to_one",
        focus="One-to-one supervision",
    )
    assert again.pk == session.pk
    assert audit_trail(session).filter(action="session.recorded_from_attendance").count() == 1


def test_cpd_from_attendance_is_recorded_once_and_audited(mentor, supervisor):
    for _ in range(2):
        entry = services.cpd_record_from_attendance(
            mentor=mentor,
            by=supervisor,
            source="lab:7",
            category=CpdEntry.Category.THEMATIC_LAB,
            title="Ethics in small towns",
            occurred_on=datetime.date(2026, 3, 1),
            hours=3,
        )
    assert CpdEntry.objects.filter(mentor=mentor).count() == 1
    assert audit_trail(entry).get().action == "cpd.recorded_from_attendance"


def test_erasure_keeps_only_the_bare_facts(mentor, supervisor):
    # The erased supervisor (who also mentors) signed off Maya's session...
    theirs = log(mentor, declare(mentor, supervisor))
    services.session_sign_off(
        session=theirs, decision=services.SignOffDecision(confirm=True), by=supervisor
    )
    # ...and had their own session signed off by an external supervisor.
    own = log(supervisor, declare(supervisor))
    services.session_sign_off(
        session=own,
        decision=services.SignOffDecision(confirm=True),
        link=services.sign_off_link_for_token(services.sign_off_request(session=own)),
    )
    user_id = supervisor.pk
    account_erase(user=supervisor)
    erased = AuditEntry.objects.get(action="account.erased")
    assert erased.subject_id == str(user_id) and erased.actor_name == ERASED_NAME
    about_own = AuditEntry.objects.get(subject_id=str(own.pk), action="session.confirmed")
    assert about_own.person is None and about_own.before == {} and about_own.after == {}
    signed = AuditEntry.objects.get(subject_id=str(theirs.pk), action="session.confirmed")
    assert signed.actor is None and signed.actor_name == ERASED_NAME
    assert signed.person == mentor and signed.after["status"] == "confirmed"
    # Maya's record keeps its signer's name, as before.
    assert SupervisionSession.objects.get(pk=theirs.pk).signed_off_by_name == "Sam Supervisor"
