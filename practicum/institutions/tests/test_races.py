"""Races, on PostgreSQL: two staff deciding one accreditation application; two confirmations of
one mentor's claim."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import make_user
from practicum.accounts.models import Role
from practicum.audit.models import AuditEntry
from practicum.credentials import accreditation, payments
from practicum.credentials.models import Invoice, Payment
from practicum.institutions import services
from practicum.institutions.models import Recognition
from practicum.institutions.tests.conftest import make_centre, make_cohort, make_programme

pytestmark = pytest.mark.django_db(transaction=True)


def race(*calls) -> list[str]:
    barrier, outcomes = threading.Barrier(len(calls)), []

    def run(call):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            call()
            outcomes.append("done")
        except ValidationError:
            outcomes.append("refused")
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(outcomes)


def test_two_staff_deciding_at_once_produce_one_decision(postgres_only, frameworks):
    accreditation.rules_load_all()
    admin = make_user("race-admin@centre.example.org", Role.INSTITUTION_ADMIN, mfa=True)
    first = make_user("race-a@example.org", Role.CREDENTIALING_STAFF, mfa=True)
    second = make_user("race-b@example.org", Role.CREDENTIALING_STAFF, mfa=True)
    centre = make_centre(admin=admin)
    programme = make_programme(centre)
    application = accreditation.application_submit(
        centre=centre,
        by=admin,
        kind="endorsed",
        organisation="Since 2010.",
        programmes=[programme],
        faculty=[{"name": "Ana", "credentials": ""}],
        files=[],
    )
    invoice = Invoice.objects.get(accreditation=application)
    confirmation = payments.Confirmation(
        idempotency_key="race-transfer-0001",
        amount=invoice.amount,
        currency=invoice.currency,
        received_on=timezone.localdate(),
    )
    other = payments.Confirmation(
        idempotency_key="race-transfer-0002",
        amount=invoice.amount,
        currency=invoice.currency,
        received_on=timezone.localdate(),
    )
    # two staff marking the same transfer paid at once: one payment
    assert race(
        lambda: accreditation.fee_payment_record(invoice=invoice, by=first, confirmation=other),
        lambda: accreditation.fee_payment_record(
            invoice=invoice, by=second, confirmation=confirmation
        ),
    ) == ["done", "refused"]
    assert Payment.objects.filter(invoice=invoice).count() == 1
    outcomes = race(
        lambda: accreditation.application_decide(application=application, by=first, approve=True),
        lambda: accreditation.application_decide(
            application=application, by=second, approve=False, reasons="no"
        ),
    )
    assert outcomes == ["done", "refused"]
    decided = AuditEntry.objects.filter(
        action__in=["accreditation.approved", "accreditation.rejected"]
    )
    assert decided.count() == 1
    approved = decided.get().action == "accreditation.approved"
    assert Recognition.objects.filter(centre=centre).count() == (1 if approved else 0)


def test_two_answers_to_one_claim_produce_one(postgres_only, frameworks):
    admin = make_user("race-admin@centre.example.org", Role.INSTITUTION_ADMIN, mfa=True)
    mentor = make_user("race-mentor@example.org", Role.MENTOR)
    cohort = make_cohort(make_programme(make_centre(admin=admin)))
    claim = services.claim_request(
        programme=cohort.programme, mentor=mentor, completed_on=cohort.ended_on, hours=Decimal("60")
    )
    outcomes = race(
        lambda: services.claim_decide(graduate=claim, by=admin, confirm=True),
        lambda: services.claim_decide(graduate=claim, by=admin, confirm=False),
    )
    assert outcomes == ["done", "refused"]
    assert (
        AuditEntry.objects.filter(action__startswith="graduate.c").count()
        + AuditEntry.objects.filter(action="graduate.declined").count()
        == 1
    )
