"""A race loser gets 409 Conflict with a message, not a form error or a generic 400; exactly one
decision is recorded, as before."""

import re
import threading

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse

from practicum.lib.conflict import Conflict, ConflictMiddleware
from practicum.practice import services
from practicum.practice.models import Reference, SupervisionSession
from practicum.practice.tests.test_references import engagement, link  # noqa: F401 (fixtures)
from practicum.practice.tests.test_supervision_log import declare, log


def _lose_the_race(monkeypatch, name: str, winner):
    """Make the service first let a competing request win, then run the loser's call: what
    happens when two requests pass the view's check together."""
    original = getattr(services, name)

    def racing(**kwargs):
        winner(original, kwargs)
        return original(**kwargs)

    monkeypatch.setattr(services, name, racing)


def test_a_supervisor_who_loses_the_race_gets_a_409(client, monkeypatch, mentor, supervisor):
    session = log(mentor, declare(mentor, supervisor=supervisor))
    _lose_the_race(
        monkeypatch,
        "session_sign_off",
        lambda original, kw: original(
            session=kw["session"], decision=services.SignOffDecision(True), by=supervisor
        ),
    )
    client.force_login(supervisor)
    response = client.post(
        reverse("practice:sign_off_session", args=[session.pk]),
        {"decision": "dispute", "reason": "not so"},
    )
    assert response.status_code == 409
    assert "already been signed off" in response.content.decode()
    session.refresh_from_db()
    assert session.status == SupervisionSession.Status.CONFIRMED  # the winner's decision


def test_an_external_supervisor_who_loses_the_race_gets_a_409(
    client, monkeypatch, mentor, run_tasks
):
    session = log(mentor, declare(mentor))
    run_tasks()
    path = re.search(r"(/mentor/confirm-session/[\w-]+/)", mail.outbox[-1].body).group(1)
    _lose_the_race(
        monkeypatch,
        "session_sign_off",
        lambda original, kw: original(
            session=kw["session"], decision=services.SignOffDecision(True), link=kw["link"]
        ),
    )
    response = client.post(path, {"decision": "dispute", "reason": "not so"})
    assert response.status_code == 409
    assert "already been signed off" in response.content.decode()
    session.refresh_from_db()
    assert session.status == SupervisionSession.Status.CONFIRMED


def test_a_referee_who_loses_the_race_gets_a_409(client, monkeypatch, link):  # noqa: F811
    _lose_the_race(
        monkeypatch,
        "reference_respond",
        lambda original, kw: original(reference=kw["reference"], answer="confirmed"),
    )
    response = client.post(link, {"answer": "declined"})
    assert response.status_code == 409
    assert "already been answered" in response.content.decode()
    assert Reference.objects.get().status == Reference.Status.CONFIRMED


def test_a_conflict_is_still_a_validation_error_and_the_middleware_renders_it(db):
    assert issubclass(Conflict, ValidationError)
    request = RequestFactory().post("/anything/")
    request.user = None
    response = ConflictMiddleware(lambda r: None).process_exception(
        request, Conflict("Decided meanwhile by someone else.")
    )
    assert response.status_code == 409
    assert "Decided meanwhile by someone else." in response.content.decode()
    assert ConflictMiddleware(lambda r: None).process_exception(request, ValueError()) is None


@pytest.mark.django_db(transaction=True)
def test_racing_sign_offs_one_wins_and_the_other_gets_a_conflict(postgres_only, frameworks):
    from conftest import make_user
    from practicum.accounts.models import Role

    mentor = make_user("race409-mentor@example.org", Role.MENTOR)
    supervisor = make_user("race409-sup@example.org", Role.MENTOR, Role.SUPERVISOR)
    session = log(mentor, declare(mentor, supervisor=supervisor))
    barrier, outcomes = threading.Barrier(2), []

    def decide(confirm: bool):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            services.session_sign_off(
                session=session,
                decision=services.SignOffDecision(confirm, "" if confirm else "not so"),
                by=supervisor,
            )
            outcomes.append("decided")
        except Conflict:
            outcomes.append("conflict")
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=decide, args=(c,)) for c in (True, False)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "decided"]
