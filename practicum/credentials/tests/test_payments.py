"""Payment through the provider interface, the receipt, and the review clock with its pauses."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from practicum.audit.models import AuditEntry
from practicum.credentials import payments, services
from practicum.credentials.models import Application, Payment
from practicum.credentials.tests import builders

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 2)


def confirm(invoice, key="same-key-000000000001", amount=None, received_on=DAY):
    return payments.Confirmation(
        idempotency_key=key,
        amount=invoice.amount if amount is None else amount,
        currency=invoice.currency,
        received_on=received_on,
    )


@pytest.fixture
def submitted(eligible, mentor, travel):
    travel(DAY)
    return builders.apply_and_submit(mentor)


def test_the_shipped_provider_issues_a_bank_transfer_invoice(submitted):
    invoice = submitted.invoice
    assert invoice.provider == "bank_transfer"
    assert invoice.number == "INV-2026-00001"
    assert invoice.instructions["reference"] == invoice.number
    assert invoice.instructions["iban"] and invoice.instructions["beneficiary"]
    assert invoice.due_on == DAY + datetime.timedelta(days=30)


def test_a_repeated_confirmation_records_one_payment(submitted, staff):
    first = services.payment_record(
        invoice=submitted.invoice, by=staff, confirmation=confirm(submitted.invoice)
    )
    again = services.payment_record(
        invoice=submitted.invoice, by=staff, confirmation=confirm(submitted.invoice)
    )
    assert first.pk == again.pk and Payment.objects.count() == 1
    assert AuditEntry.objects.filter(action="application.paid").count() == 1


def test_a_second_payment_of_a_paid_invoice_is_refused(submitted, staff):
    services.payment_record(
        invoice=submitted.invoice, by=staff, confirmation=confirm(submitted.invoice)
    )
    with pytest.raises(ValidationError, match="already been paid"):
        services.payment_record(
            invoice=submitted.invoice,
            by=staff,
            confirmation=confirm(submitted.invoice, key="another-key-000000001"),
        )


def test_a_wrong_amount_is_refused_and_nothing_is_recorded(submitted, staff):
    with pytest.raises(ValidationError, match="not the invoice's amount"):
        services.payment_record(
            invoice=submitted.invoice,
            by=staff,
            confirmation=confirm(submitted.invoice, amount=Decimal("500.00")),
        )
    assert not Payment.objects.exists()
    submitted.refresh_from_db()
    assert submitted.status == "awaiting_payment" and submitted.clock_started_at is None


def test_payment_starts_the_clock_by_training_source(submitted, staff, run_tasks):
    services.payment_record(
        invoice=submitted.invoice, by=staff, confirmation=confirm(submitted.invoice)
    )
    submitted.refresh_from_db()
    # accredited and endorsed training: endorsed sets the pace, 7 weeks
    assert submitted.training_source == "endorsed" and submitted.review_days == 49
    assert submitted.status == "in_review"
    assert submitted.target_date == DAY + datetime.timedelta(weeks=7)
    run_tasks()
    assert "Target decision date: 20 Apr 2026" in mail.outbox[-1].body


@pytest.mark.parametrize(("source", "weeks"), [("accredited", 4), ("non_accredited", 10)])
def test_the_review_time_follows_the_training_source(rules, mentor, staff, travel, source, weeks):
    travel(DAY)
    records = builders.make_eligible_for_cmm(mentor)
    for record in records["training"]:
        record.centre_type = source
        record.save()
    application = builders.apply_and_submit(mentor)
    builders.pay(application, staff)
    application.refresh_from_db()
    assert application.target_date == DAY + datetime.timedelta(weeks=weeks)


def test_the_clock_pauses_while_the_applicant_is_asked_for_more(submitted, mentor, staff, travel):
    builders.pay(submitted, staff)
    submitted.refresh_from_db()
    target = submitted.target_date
    travel(DAY + datetime.timedelta(days=10))
    services.info_request(application=submitted, by=staff, message="Send the CPM certificate.")
    submitted.refresh_from_db()
    assert (
        submitted.status == "info_requested"
        and submitted.paused_since == DAY + datetime.timedelta(days=10)
    )

    travel(DAY + datetime.timedelta(days=16))
    services.info_answer(application=submitted, by=mentor, answer="Attached to my records.")
    submitted.refresh_from_db()
    assert submitted.status == "in_review" and submitted.paused_since is None
    assert submitted.paused_days == 6
    assert submitted.target_date == target + datetime.timedelta(days=6)

    # a second pause adds up
    travel(DAY + datetime.timedelta(days=20))
    services.info_request(application=submitted, by=staff, message="And the dates?")
    travel(DAY + datetime.timedelta(days=23))
    services.info_answer(application=submitted, by=mentor, answer="1 March to 30 June.")
    submitted.refresh_from_db()
    assert submitted.paused_days == 9
    assert submitted.target_date == target + datetime.timedelta(days=9)
    events = list(
        AuditEntry.objects.for_subject(submitted)
        .filter(action="application.answered")
        .values_list("after", flat=True)
    )
    assert [e["paused_days"] for e in events] == [6, 3]


def test_a_paused_application_is_neither_overdue_nor_due_soon(submitted, staff, travel):
    builders.pay(submitted, staff)
    services.info_request(application=submitted, by=staff, message="More please.")
    late = DAY + datetime.timedelta(weeks=20)
    assert not Application.objects.overdue(late).exists()
    assert not Application.objects.due_soon(DAY + datetime.timedelta(weeks=7), 7).exists()


def test_the_receipt_is_a_pdf_for_the_applicant_only(
    client, submitted, mentor, other_mentor, staff
):
    client.force_login(mentor)
    url = reverse("credentials:receipt", args=[submitted.pk])
    assert client.get(url).status_code == 404  # not paid yet
    builders.pay(submitted, staff)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert 'filename="receipt-RCT-2026-00001.pdf"' in response["Content-Disposition"]
    client.force_login(other_mentor)
    assert client.get(url).status_code == 404


def test_staff_mark_paid_from_the_review_page_and_a_double_click_records_one(
    client, submitted, staff
):
    client.force_login(staff)
    page = client.get(reverse("credentials:review", args=[submitted.pk])).content.decode()
    assert "Mark paid" in page
    data = {
        "amount": "598.00",
        "received_on": DAY.isoformat(),
        "provider_reference": "BANK-REF-1",
        "idempotency_key": "form-key-00000000000001",
    }
    url = reverse("credentials:mark_paid", args=[submitted.pk])
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # the same form sent twice
    assert Payment.objects.count() == 1
    assert Payment.objects.get().provider_reference == "BANK-REF-1"


def test_mark_paid_with_a_future_date_is_refused_on_its_field(client, submitted, staff):
    client.force_login(staff)
    response = client.post(
        reverse("credentials:mark_paid", args=[submitted.pk]),
        {
            "amount": "598.00",
            "received_on": (DAY + datetime.timedelta(days=1)).isoformat(),
            "idempotency_key": "form-key-00000000000002",
        },
    )
    assert response.status_code == 400
    assert "The date received cannot be in the future." in response.content.decode()
    assert not Payment.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_confirmations_racing_record_one_payment(postgres_only, rules, frameworks):
    from conftest import make_user
    from practicum.accounts.models import Role

    mentor = make_user("pay-race@example.org", Role.MENTOR)
    staff = make_user("pay-staff@example.org", Role.CREDENTIALING_STAFF, mfa=True)
    builders.make_eligible_for_cmm(mentor)
    application = builders.apply_and_submit(mentor)
    barrier, outcomes = threading.Barrier(2), []

    def record(key):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            services.payment_record(
                invoice=application.invoice,
                by=staff,
                confirmation=confirm(
                    application.invoice, key=key, received_on=services.body_today()
                ),
            )
            outcomes.append("recorded")
        except ValidationError:
            outcomes.append("refused")
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=record, args=(k,)) for k in ("race-key-0000000001",) * 2]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes == ["recorded", "recorded"]  # the same key: one payment, both told so
    assert Payment.objects.count() == 1
