"""Invoices and payments, confirmed idempotently."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from practicum.accounts.models import User
from practicum.credentials import payments
from practicum.credentials.models import Application, Invoice, Payment, body_today
from practicum.credentials.services._common import (
    Event,
    Status,
    _audit,
    _email,
    absolute,
    next_number,
)
from practicum.credentials.services.review import _decide, _info_request_create
from practicum.lib.conflict import Conflict

# --- Payment ---------------------------------------------------------------------------------


def invoice_create(*, amount, currency: str, provider: str, **owner) -> Invoice:
    """An open invoice for `owner` (`application=` a credential application, or
    `accreditation=` a centre's accreditation application), numbered in one sequence."""
    chosen = payments.provider_for(provider)
    today = body_today()
    number = f"INV-{today.year}-{next_number(f'invoice:{today.year}'):05d}"
    return Invoice.objects.create(
        number=number,
        provider=chosen.code,
        amount=amount,
        currency=currency,
        instructions=chosen.instructions(invoice_number=number, amount=amount, currency=currency),
        issued_at=timezone.now(),
        due_on=today + datetime.timedelta(days=chosen.payment_days()),
        **owner,
    )


def invoice_open(*, application: Application, provider: str = payments.DEFAULT_PROVIDER) -> Invoice:
    invoice = invoice_create(
        application=application,
        amount=application.fee_amount,
        currency=application.fee_currency,
        provider=provider,
    )
    number = invoice.number
    _audit(
        Event.INVOICED,
        actor=None,
        application=application,
        new={"invoice": number, "amount": str(invoice.amount), "currency": invoice.currency},
    )
    return invoice


def invoice_lock_for_payment(
    *, invoice: Invoice, confirmation: payments.Confirmation
) -> tuple[Invoice, Payment | None]:
    """What every payment does first, whatever the invoice is for: a confirmation seen before
    returns its payment (idempotent); otherwise the invoice is locked, must be open (a second
    payment is a conflict) and the provider checks the confirmation. Call inside a transaction."""
    existing = Payment.objects.filter(idempotency_key=confirmation.idempotency_key).first()
    if existing is not None:
        if existing.invoice_id != invoice.pk:
            raise ValidationError(_("This confirmation belongs to another invoice."))
        return invoice, existing
    invoice = Invoice.objects.select_for_update(of=("self",)).get(pk=invoice.pk)
    existing = Payment.objects.filter(idempotency_key=confirmation.idempotency_key).first()
    if existing is not None:  # recorded while we waited for the lock
        return invoice, existing
    if invoice.status == Invoice.Status.PAID:
        raise Conflict(_("This invoice has already been paid."))
    payments.provider_for(invoice.provider).check(invoice=invoice, confirmation=confirmation)
    return invoice, None


def payment_create(
    *, invoice: Invoice, by: User | None, confirmation: payments.Confirmation
) -> Payment:
    """The payment row with its receipt number; the (locked) invoice is paid."""
    today = body_today()
    payment = Payment.objects.create(
        invoice=invoice,
        idempotency_key=confirmation.idempotency_key,
        receipt_number=f"RCT-{today.year}-{next_number(f'receipt:{today.year}'):05d}",
        provider=invoice.provider,
        provider_reference=confirmation.provider_reference.strip(),
        amount=confirmation.amount,
        currency=invoice.currency,
        received_on=confirmation.received_on,
        recorded_by=by,
        recorded_at=timezone.now(),
    )
    invoice.status = Invoice.Status.PAID
    invoice.save(update_fields=["status"])
    return payment


@transaction.atomic
def payment_record(
    *, invoice: Invoice, by: User | None, confirmation: payments.Confirmation
) -> Payment:
    """Record a payment; the review clock starts. A confirmation repeated with the same
    idempotency key returns the payment already recorded and changes nothing."""
    invoice, existing = invoice_lock_for_payment(invoice=invoice, confirmation=confirmation)
    if existing is not None:
        return existing
    application = Application.objects.select_for_update().get(pk=invoice.application_id)
    if application.status != Status.AWAITING_PAYMENT:
        raise ValidationError(_("This application is not awaiting payment."))
    today = body_today()
    payment = payment_create(invoice=invoice, by=by, confirmation=confirmation)
    application.status = Status.IN_REVIEW
    application.clock_started_at = timezone.now()
    application.target_date = today + datetime.timedelta(days=application.review_days or 0)
    application.save()
    _audit(
        Event.PAID,
        actor=by,
        application=application,
        old={"status": Status.AWAITING_PAYMENT, "invoice": Invoice.Status.OPEN},
        new={
            "status": application.status,
            "invoice": Invoice.Status.PAID,
            "receipt": payment.receipt_number,
            "amount": f"{payment.amount} {payment.currency}",
            "received_on": payment.received_on,
            "target_date": application.target_date,
        },
    )
    _email(
        "paid",
        to=application.applicant,
        context={
            "application": application,
            "payment": payment,
            "url": absolute(reverse("credentials:application_detail", args=[application.pk])),
        },
    )
    if application.kind == Application.Kind.RENEWAL:
        if application.audit_selected:
            _info_request_create(
                application=application,
                by=None,
                message=_(
                    "Your renewal was selected at random for audit. Please upload evidence of "
                    "your supervision sessions (for example your supervisor's confirmations or "
                    "your supervision log) and of your CPD hours during the cycle, then send "
                    "your answer."
                ),
                for_audit=True,
            )
        else:
            _decide(
                application=application,
                by=None,
                approve=True,
                reasons=_("Approved on the declaration (not selected for audit)."),
            )
    return payment
