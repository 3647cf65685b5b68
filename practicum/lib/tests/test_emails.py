"""The task queue keeps no usable secret: emails are sealed while queued, cleared once sent,
and finished rows are pruned after the retention setting."""

import json
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from practicum.lib.emails import (
    deliver_email,
    enqueue_email,
    forget_email_in_tasks,
    prune_finished_tasks,
)

pytestmark = pytest.mark.django_db

SECRET = "https://practicum.example.org/mentor/reference/Zq9SECRETtoken/"


def _stored() -> str:
    return json.dumps(list(DBTaskResult.objects.values()), default=str)


def test_a_queued_email_is_sealed_and_cleared_once_sent(run_tasks):
    enqueue_email(to=["rita@example.org"], subject="A reference", text=SECRET, html=f"<a>{SECRET}")
    assert "Zq9SECRETtoken" not in _stored()
    assert "rita@example.org" not in _stored()

    run_tasks()

    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["rita@example.org"] and sent.subject == "A reference"
    assert SECRET in sent.body and SECRET in sent.alternatives[0][0]
    row = DBTaskResult.objects.get()
    assert row.status == "SUCCESSFUL"
    assert row.args_kwargs == {"args": [], "kwargs": {"sealed": ""}}
    assert "Zq9SECRETtoken" not in _stored()


def _finished(hours_ago: float, status: str = "SUCCESSFUL") -> DBTaskResult:
    when = timezone.now() - timedelta(hours=hours_ago)
    return DBTaskResult.objects.create(
        task_path="practicum.lib.emails.deliver_email",
        args_kwargs={"args": [], "kwargs": {"sealed": ""}},
        backend_name="default",
        run_after=when,
        status=status,
        finished_at=when,
    )


def test_finished_rows_are_pruned_after_the_retention(settings):
    settings.TASK_RETENTION_HOURS = 24
    old, old_failed = _finished(25), _finished(30, "FAILED")
    recent = _finished(1)
    enqueue_email(to=["a@example.org"], subject="s", text="t")  # queued: never pruned
    assert prune_finished_tasks() == 2
    remaining = set(DBTaskResult.objects.values_list("pk", flat=True))
    assert old.pk not in remaining and old_failed.pk not in remaining
    assert recent.pk in remaining and len(remaining) == 2


def test_pruning_is_a_periodic_job():
    assert "prune_tasks" in settings.PERIODIC_COMMANDS
    _finished(48)
    call_command("prune_tasks")
    assert not DBTaskResult.objects.exists()


def test_forgetting_an_email_removes_every_row_that_names_it():
    enqueue_email(to=["Gone@Example.org"], subject="s", text="t")
    enqueue_email(to=["kept@example.org"], subject="s", text="gone@example.org is not here")
    DBTaskResult.objects.create(
        task_path="practicum.supervision.tasks.deliver_calendar_email",
        args_kwargs={"args": [], "kwargs": {"to": ["gone@example.org"]}},
        backend_name="default",
        run_after=timezone.now(),
    )
    assert forget_email_in_tasks("gone@example.org") == 3
    assert not DBTaskResult.objects.exists()


def test_an_email_queued_before_sealing_still_goes_once_and_is_cleared(run_tasks):
    deliver_email.enqueue(to=["old@example.org"], subject="Old", text=SECRET, html=None)
    run_tasks()
    assert [m.to for m in mail.outbox] == [["old@example.org"]]
    assert "Zq9SECRETtoken" not in _stored()


def test_a_calendar_invitation_is_sealed_too_and_arrives_as_text_calendar(run_tasks):
    from practicum.supervision.tasks import enqueue_calendar_email

    ics = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nX-SECRET:Zq9SECRETtoken\r\nEND:VCALENDAR\r\n"
    enqueue_calendar_email(to=["rita@example.org"], subject="Lab", text=SECRET, ics=ics)
    assert "Zq9SECRETtoken" not in _stored() and "rita@example.org" not in _stored()
    run_tasks()
    (sent,) = mail.outbox
    parsed = message_from_bytes(sent.message().as_bytes(), policy=policy.default)
    (part,) = [p for p in parsed.walk() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "REQUEST"
    assert sent.attachments[0].filename == "invitation.ics"  # kept as a file too
    assert "Zq9SECRETtoken" not in _stored()
