"""Payment providers: how an applicant pays an invoice, and how a payment is confirmed.

A provider says what the payer needs (bank details, a reference to quote) and checks a
confirmation before `services.payment_record` stores it. Recording is the same for every
provider and is idempotent: a confirmation carries an idempotency key, and a repeated
confirmation (a double click, a provider's retried notification) records one payment.

The shipped provider is a bank-transfer invoice that credentialing staff mark paid when the
transfer arrives. A card or online provider would implement the same protocol.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Protocol

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from practicum.credentials.models import Invoice, body_today
from practicum.lib.yamlfile import read_yaml

BANK_DETAILS_FILE = Path(__file__).resolve().parent / "data" / "bank_transfer.yaml"


@dataclass(frozen=True)
class Confirmation:
    """A provider's (or a staff member's) statement that an invoice has been paid."""

    idempotency_key: str
    amount: Decimal
    currency: str
    received_on: datetime.date
    provider_reference: str = ""


class PaymentProvider(Protocol):
    code: str
    label: str

    def instructions(self, *, invoice_number: str, amount: Decimal, currency: str) -> dict:
        """What the payer needs, stored on the invoice as issued."""

    def payment_days(self) -> int:
        """Days the payer has to pay."""

    def check(self, *, invoice: Invoice, confirmation: Confirmation) -> None:
        """Raise ValidationError when the confirmation cannot settle the invoice."""


@cache
def bank_details() -> dict:
    return read_yaml(BANK_DETAILS_FILE)


class BankTransferInvoice:
    code = "bank_transfer"
    label = gettext_lazy("Bank transfer invoice")

    def payment_days(self) -> int:
        return int(bank_details().get("payment_days", 30))

    def instructions(self, *, invoice_number: str, amount: Decimal, currency: str) -> dict:
        details = bank_details()
        return {
            "beneficiary": details["beneficiary"],
            "bank": details["bank"],
            "iban": details["iban"],
            "bic": details["bic"],
            "address": details.get("address", ""),
            "reference": invoice_number,
            "amount": str(amount),
            "currency": currency,
        }

    def check(self, *, invoice: Invoice, confirmation: Confirmation) -> None:
        if confirmation.currency.upper() != invoice.currency:
            raise ValidationError(
                _("The invoice is in %(currency)s.") % {"currency": invoice.currency}
            )
        if confirmation.amount != invoice.amount:
            raise ValidationError(
                _(
                    "The amount received (%(received)s) is not the invoice's amount "
                    "(%(due)s): record a transfer only once it covers the invoice."
                )
                % {"received": confirmation.amount, "due": invoice.amount}
            )
        if confirmation.received_on > body_today():
            raise ValidationError(_("The date received cannot be in the future."))
        if confirmation.received_on < invoice.issued_at.date() - datetime.timedelta(days=1):
            raise ValidationError(_("The date received cannot be before the invoice was issued."))


PROVIDERS: dict[str, PaymentProvider] = {BankTransferInvoice.code: BankTransferInvoice()}
DEFAULT_PROVIDER = BankTransferInvoice.code


def provider_for(code: str) -> PaymentProvider:
    return PROVIDERS[code]
