"""Two at once: the database keeps one reminder a month and one active share (PostgreSQL)."""

import datetime
import threading

import pytest
from django.utils import timezone

from conftest import make_user
from practicum.accounts.models import Role
from practicum.reflection import services
from practicum.reflection.loader import tool_load_all
from practicum.reflection.models import ReflectionShare, SelfCareCheck, SelfCareReminder
from practicum.reflection.tests.conftest import declare, upcoming, write_reflection


def run_together(*calls):
    barrier, results, errors = threading.Barrier(len(calls)), [], []

    def run(call):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            results.append(call())
        except Exception as exc:  # reported below, after the join
            errors.append(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return results


@pytest.mark.django_db(transaction=True)
def test_two_reminder_runs_at_once_send_one_reminder(postgres_only, frameworks):
    tools = {r.tool.kind: r.tool for r in tool_load_all()}
    mentor = make_user("race@example.org", Role.MENTOR)
    checklist = tools["self_care_checklist"]
    check = services.selfcare_submit(
        mentor=mentor,
        tool=checklist,
        answers={s["code"]: 2 for s in checklist.content["statements"]},
    )
    SelfCareCheck.objects.filter(pk=check.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=60)
    )
    results = run_together(services.selfcare_reminders_send, services.selfcare_reminders_send)
    assert sorted(results) == [0, 1]
    assert SelfCareReminder.objects.filter(mentor=mentor).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_shares_at_once_leave_one_active(postgres_only, frameworks):
    tools = {r.tool.kind: r.tool for r in tool_load_all()}
    mentor = make_user("race@example.org", Role.MENTOR)
    sam = make_user("sam-race@example.org", Role.MENTOR, Role.SUPERVISOR)
    otto = make_user("otto-race@example.org", Role.MENTOR, Role.SUPERVISOR)
    first, second = upcoming(mentor, declare(mentor, sam)), upcoming(mentor, declare(mentor, otto))
    reflection = write_reflection(mentor, tools["reflective_conversation"])

    def share_with(session):
        return lambda: services.reflection_share(
            reflection=reflection, session=session, steps=["situation"]
        )

    run_together(share_with(first), share_with(second))
    assert ReflectionShare.objects.active().count() == 1
    active = ReflectionShare.objects.active().get()
    reflection.refresh_from_db()
    assert active.session_id == reflection.session_id
