"""Logging a session and signing it off: one transaction each (the entry, its audit row and its
email together), in a bounded number of queries."""

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from practicum.audit.models import AuditEntry
from practicum.practice.models import SupervisionSession
from practicum.practice.tests.test_supervision_log import declare, log, session_post
from practicum.practice.tests.transactions import transactions_counted

pytestmark = pytest.mark.django_db(transaction=True)


def test_logging_a_session_commits_once(client, mentor, supervisor, page_cache_off):
    relationship = declare(mentor, supervisor=supervisor)
    client.force_login(mentor)
    # A first request after signing in keeps the roles in the session (a write of its own), and
    # the versions in force are kept per process: the page is seen first, as in life.
    client.get(reverse("practice:session_create"))
    with transactions_counted() as seen:
        response = client.post(reverse("practice:session_create"), session_post(relationship))
    assert response.status_code == 302
    # The entry and the email asking the supervisor to sign it: both or neither.
    assert SupervisionSession.objects.count() == DBTaskResult.objects.count() == 1
    assert seen.commits == 1
    assert seen.queries <= 8  # 18 before issue 14


def test_ticked_names_are_not_looked_for(client, mentor, supervisor):
    relationship = declare(mentor, supervisor=supervisor)
    client.force_login(mentor)
    client.get(reverse("practice:session_create"))
    data = session_post(relationship, cases_brought="", names_checked="on")
    with transactions_counted() as unticked:
        client.post(reverse("practice:session_create"), {**data, "names_checked": ""})
    with transactions_counted() as ticked:
        client.post(reverse("practice:session_create"), {**data, "start_time": "11:00"})
    assert SupervisionSession.objects.count() == 2
    assert ticked.queries == unticked.queries - 1


def test_signing_off_commits_once(client, mentor, supervisor, page_cache_off):
    session = log(mentor, declare(mentor, supervisor=supervisor))
    client.force_login(supervisor)
    url = reverse("practice:sign_off_session", args=[session.pk])
    client.get(url)  # a first request after signing in keeps the roles in the session (a write)
    with transactions_counted() as seen:
        response = client.post(url, {"decision": "confirm"})
    assert response.status_code == 200
    session.refresh_from_db()
    assert session.status == "confirmed"
    # The decision, its audit row and the email telling the mentor: together.
    assert AuditEntry.objects.filter(action="session.confirmed").count() == 1
    assert DBTaskResult.objects.count() == 2  # the request for sign-off, then the result
    assert seen.commits == 1
    assert seen.queries <= 10  # 12 before issue 14
