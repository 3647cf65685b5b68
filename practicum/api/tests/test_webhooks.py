"""Webhooks: events from the apps below, signed deliveries, retries with backoff, the log."""

import datetime
import hashlib
import hmac
import json
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from practicum.api import services
from practicum.api.events import Event
from practicum.api.models import WebhookDelivery
from practicum.credentials import services as credential_services
from practicum.credentials.loader import rule_set_load_all
from practicum.credentials.models import body_today
from practicum.credentials.tests import builders
from practicum.practice import services as practice_services

pytestmark = pytest.mark.django_db

URL = "https://hooks.example.org/practicum"


class Receiver:
    """Stands in for the receiver's server: records each request, answers given codes."""

    def __init__(self, *codes):
        self.codes = list(codes)
        self.requests = []

    def __call__(self, url, *, body, headers):
        self.requests.append({"url": url, "body": body, "headers": headers})
        code = self.codes.pop(0) if self.codes else 200
        if isinstance(code, Exception):
            raise code
        return code


@pytest.fixture
def endpoint(mentor):
    return services.webhook_create(owner=mentor, url=URL, events=Event.available())


def _send(delivery, receiver):
    with mock.patch.object(services, "http_post", receiver):
        return services.delivery_attempt(delivery_id=delivery.pk)


def test_only_public_https_addresses_are_accepted(mentor):
    for url in [
        "http://example.org/h",
        "https://localhost/h",
        "https://10.0.0.4/h",
        "https://user:pw@example.org/h",
        "https://127.0.0.1/h",
    ]:
        with pytest.raises(ValidationError):
            services.webhook_create(owner=mentor, url=url, events=[Event.CREDENTIAL_ISSUED])
    with pytest.raises(ValidationError):
        services.webhook_create(owner=mentor, url=URL, events=["graduate.invented"])
    with pytest.raises(ValidationError):
        services.webhook_create(owner=mentor, url=URL, events=[Event.PING])


def test_a_delivery_is_signed_with_hmac_sha256_and_a_timestamp(
    endpoint, mentor, supervisor, logged_session
):
    practice_services.session_sign_off(
        session=logged_session,
        decision=practice_services.SignOffDecision(confirm=True),
        by=supervisor,
    )
    delivery = WebhookDelivery.objects.get(event=Event.SESSION_CONFIRMED)
    receiver = Receiver(204)
    _send(delivery, receiver)
    [request] = receiver.requests
    headers, body = request["headers"], request["body"]
    parts = dict(p.split("=", 1) for p in headers["Practicum-Signature"].split(","))
    assert parts["t"] == headers["Practicum-Timestamp"]
    expected = hmac.new(
        endpoint.secret.encode(), parts["t"].encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    assert hmac.compare_digest(parts["v1"], expected)
    assert abs(int(parts["t"]) - int(timezone.now().timestamp())) < 60
    payload = json.loads(body)
    assert payload["type"] == "session.confirmed"
    assert payload["data"]["session"]["id"] == logged_session.pk
    assert "key_learnings" not in body.decode() and "My private learning" not in body.decode()
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.attempts == 1


def test_a_tampered_body_does_not_verify(endpoint):
    signature = services.sign(secret=endpoint.secret, timestamp=1, body=b'{"a":1}')
    assert signature != services.sign(secret=endpoint.secret, timestamp=1, body=b'{"a":2}')
    assert signature != services.sign(secret=endpoint.secret, timestamp=2, body=b'{"a":1}')


def test_failures_are_retried_with_backoff_then_given_up(endpoint):
    delivery = services.webhook_send_test(endpoint=endpoint)
    receiver = Receiver(500, OSError("refused"), *[503] * 10)
    with mock.patch("practicum.api.services._enqueue") as enqueue:
        before = timezone.now()
        delivery = _send(delivery, receiver)
        assert delivery.status == "retrying" and delivery.last_status_code == 500
        first_wait = delivery.next_attempt_at - before
        assert datetime.timedelta(seconds=55) < first_wait < datetime.timedelta(seconds=65)
        assert enqueue.call_args.kwargs["run_after"] == delivery.next_attempt_at
        delivery = _send(delivery, receiver)
        assert delivery.last_error == "OSError" and delivery.last_status_code is None
        assert delivery.next_attempt_at - timezone.now() > datetime.timedelta(minutes=4)
        for _ in range(services.MAX_ATTEMPTS - 2):
            delivery = _send(delivery, receiver)
    assert delivery.status == "failed"
    assert delivery.attempts == services.MAX_ATTEMPTS
    assert delivery.next_attempt_at is None
    assert len(receiver.requests) == services.MAX_ATTEMPTS
    _send(delivery, receiver)  # a finished delivery is never sent again
    assert len(receiver.requests) == services.MAX_ATTEMPTS


def test_the_worker_delivers_and_requeues(endpoint, run_tasks):
    services.webhook_send_test(endpoint=endpoint)
    receiver = Receiver(500)
    with mock.patch.object(services, "http_post", receiver):
        run_tasks()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "retrying"
    from django_tasks_db.models import DBTaskResult

    queued = DBTaskResult.objects.filter(status="READY").get()
    assert queued.run_after is not None and queued.run_after > timezone.now()


def test_a_private_address_is_refused_at_delivery(endpoint):
    delivery = services.webhook_send_test(endpoint=endpoint)
    with mock.patch.object(services, "_resolves_publicly", return_value=False):
        delivery = services.delivery_attempt(delivery_id=delivery.pk)
    assert delivery.status == "retrying"
    assert delivery.last_error == "not_public"


def test_credential_events_reach_the_holders_endpoints(endpoint, mentor, staff, other_mentor):
    rule_set_load_all()
    services.webhook_create(owner=other_mentor, url=URL, events=Event.available())
    builders.make_eligible_for_cmm(mentor)
    application = builders.apply_and_submit(mentor)
    builders.pay(application, None)
    credential_services.application_decide(application=application, by=staff, approve=True)
    credential = mentor.credentials.get(application=application)
    credential_services.credential_suspend(credential=credential, by=staff, reason="Audit")
    credential_services.credential_reinstate(credential=credential, by=staff, reason="Done")
    credential_services.credential_revoke(credential=credential, by=staff, reason="Ethics")
    events = list(
        WebhookDelivery.objects.filter(endpoint=endpoint)
        .order_by("pk")
        .values_list("event", flat=True)
    )
    assert events == ["credential.issued", "credential.suspended", "credential.revoked"]
    assert not WebhookDelivery.objects.exclude(endpoint=endpoint).exists()
    payload = WebhookDelivery.objects.filter(endpoint=endpoint).first().payload
    assert payload["data"]["credential"]["number"] == credential.number


def test_renewal_and_expiry_events(endpoint, mentor):
    rule_set_load_all()
    today = body_today()
    old = builders.credential(mentor, "CMM", today - datetime.timedelta(days=800))
    credential_services.credentials_expire(today=today)
    assert WebhookDelivery.objects.filter(event="credential.expired").count() == 1
    from practicum.audit.services import audit_record
    from practicum.credentials.models import Credential

    renewed = builders.credential(mentor, "CMM", today, renewal_of=old)
    audit_record(actor=None, action="credential.issued", subject=renewed, person=renewed.holder)
    assert WebhookDelivery.objects.filter(event="credential.renewed").count() == 1
    assert Credential.objects.count() == 2


def test_an_endpoint_gets_only_the_events_it_chose(mentor, supervisor, logged_session):
    services.webhook_create(owner=mentor, url=URL, events=[Event.CREDENTIAL_ISSUED])
    practice_services.session_sign_off(
        session=logged_session,
        decision=practice_services.SignOffDecision(confirm=True),
        by=supervisor,
    )
    assert not WebhookDelivery.objects.exists()


def test_editing_a_confirmed_session_does_not_confirm_it_again(
    endpoint, supervisor, logged_session
):
    practice_services.session_sign_off(
        session=logged_session,
        decision=practice_services.SignOffDecision(confirm=True),
        by=supervisor,
    )
    practice_services.session_update(session=logged_session, key_learnings="more")
    assert WebhookDelivery.objects.filter(event="session.confirmed").count() == 1


def test_finished_deliveries_are_pruned_after_the_retention_period(endpoint, settings):
    from django.core.management import call_command

    settings.WEBHOOK_DELIVERY_RETENTION_DAYS = 30
    assert "prune_webhook_deliveries" in settings.PERIODIC_COMMANDS
    old = timezone.now() - datetime.timedelta(days=31)
    rows = {}
    for status in ("delivered", "failed", "retrying", "pending"):
        delivery = services.webhook_send_test(endpoint=endpoint)
        delivery.status = status
        delivery.delivered_at = old if status == "delivered" else None
        delivery.created_at = old
        delivery.save()
        rows[status] = delivery.pk
    recent = services.webhook_send_test(endpoint=endpoint)
    WebhookDelivery.objects.filter(pk=recent.pk).update(
        status="delivered", delivered_at=timezone.now()
    )
    call_command("prune_webhook_deliveries")
    left = set(WebhookDelivery.objects.values_list("pk", flat=True))
    assert left == {rows["retrying"], rows["pending"], recent.pk}
    call_command("prune_webhook_deliveries")  # a second run finds nothing more
    assert set(WebhookDelivery.objects.values_list("pk", flat=True)) == left


def test_an_event_for_someone_without_an_active_endpoint_costs_one_plain_read(
    mentor, other_mentor, django_assert_num_queries
):
    """Every confirmed session emits an event: for the many without endpoints that is one
    SELECT of one row, not the endpoints themselves."""
    services.webhook_create(owner=other_mentor, url=URL, events=Event.available())
    inactive = services.webhook_create(owner=mentor, url=URL, events=Event.available())
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    with django_assert_num_queries(1) as read:
        assert services.event_emit(event=Event.SESSION_CONFIRMED, person=mentor, data={}) == []
    sql = read.captured_queries[0]["sql"].lower()
    assert "webhookendpoint" in sql and "secret" not in sql
    with django_assert_num_queries(0):
        assert services.event_emit(event=Event.SESSION_CONFIRMED, data={}) == []
    # Anyone with an active endpoint among the people still gets the event.
    sent = services.event_emit(
        event=Event.SESSION_CONFIRMED, person=mentor.pk, people=[other_mentor.pk], data={}
    )
    assert [d.endpoint.owner_id for d in sent] == [other_mentor.pk]
