"""The accreditation lifecycle through credentials' review machinery: submit, clock, request
for information (the clock pauses), decision, audit; renewal reminders."""

import datetime
import io
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from practicum.audit.models import AuditEntry
from practicum.credentials import accreditation, payments
from practicum.credentials.models import Invoice
from practicum.frameworks.models import BehaviouralIndicator
from practicum.institutions.models import AccreditationApplication, CentreReminder, TrainingCentre
from practicum.institutions.tests.conftest import make_programme
from practicum.lib.tests.samples import MINIMAL_PDF

pytestmark = pytest.mark.django_db
PDF = MINIMAL_PDF
DAY = datetime.date(2026, 3, 2)


def pdf(name="curriculum.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def rules(db):
    return accreditation.rules_load_all()[0]


@pytest.fixture
def mapped_programme(centre):
    programme = make_programme(centre, hours="80")
    programme.indicators.set(
        [BehaviouralIndicator.objects.filter(competency__number=n).first() for n in range(1, 10)]
    )
    return programme


def submit(centre, admin, programme, kind="accredited", files=1, pay=True):
    application = accreditation.application_submit(
        centre=centre,
        by=admin,
        kind=kind,
        organisation="A school of mentoring since 2010.",
        programmes=[programme],
        faculty=[{"name": "Ana", "credentials": "CMM"}, {"name": "Ben", "credentials": "PhD"}],
        files=[pdf() for _ in range(files)],
    )
    if pay:
        pay_fee(application)
        application.refresh_from_db()
    return application


def pay_fee(application, *, key="transfer-key-0001", by=None):
    return accreditation.fee_payment_record(
        invoice=Invoice.objects.get(accreditation=application),
        by=by,
        confirmation=payments.Confirmation(
            idempotency_key=key,
            amount=application.fee_amount,
            currency=application.fee_currency,
            received_on=timezone.localdate(),
        ),
    )


@pytest.fixture
def at_day():
    with (
        mock.patch("practicum.credentials.review_clock.body_today", return_value=DAY) as one,
        mock.patch("practicum.credentials.accreditation.body_today", return_value=DAY),
    ):
        yield one


def test_rules_load_idempotently_and_refuse_a_changed_version(rules, tmp_path):
    assert accreditation.rules_load_all()[0].pk == rules.pk
    changed = tmp_path / "1.0.yaml"
    text = (accreditation.DATA_DIR / "1.0.yaml").read_text().replace('fee: "900.00"', 'fee: "1.00"')
    changed.write_text(text)
    with pytest.raises(accreditation.AccreditationRulesError, match="already published"):
        accreditation.rules_load_all(tmp_path)


def test_submission_judges_the_criteria_and_starts_the_clock(
    rules, centre, centre_admin, mapped_programme, at_day
):
    application = submit(centre, centre_admin, mapped_programme)
    assert application.status == "in_review"
    assert application.target_date == DAY + datetime.timedelta(weeks=8)
    assert all(check.met for check in accreditation.stored_checks(application))
    assert application.fee_amount == Decimal("900.00")
    centre.refresh_from_db()
    assert centre.status == TrainingCentre.Status.IN_REVIEW
    assert application.documents.count() == 1
    with pytest.raises(ValidationError, match="already in review"):
        submit(centre, centre_admin, mapped_programme)


def test_an_unmet_criterion_is_shown_to_staff(rules, centre, centre_admin, at_day):
    short = make_programme(centre, name="Short", hours="20")
    application = submit(centre, centre_admin, short, kind="endorsed", files=0)
    unmet = {c.key for c in accreditation.stored_checks(application) if not c.met}
    assert unmet == {"programme_hours", "competencies", "evidence"}


def test_a_request_pauses_the_clock_and_the_answer_moves_the_target(
    rules, centre, centre_admin, mapped_programme, staff, at_day
):
    application = submit(centre, centre_admin, mapped_programme)
    target = application.target_date
    accreditation.info_request(application=application, by=staff, message="Send the syllabus.")
    application.refresh_from_db()
    assert application.status == "info_requested" and application.paused_since == DAY
    with pytest.raises(ValidationError, match="not answered"):
        accreditation.application_decide(application=application, by=staff, approve=True)
    at_day.return_value = DAY + datetime.timedelta(days=5)
    accreditation.info_answer(application=application, by=centre_admin, answer="", files=[pdf()])
    application.refresh_from_db()
    assert application.status == "in_review"
    assert application.target_date == target + datetime.timedelta(days=5)
    assert application.paused_days == 5


def test_approval_accredits_the_centre_for_the_rules_validity(
    rules, centre, centre_admin, mapped_programme, staff, at_day
):
    application = submit(centre, centre_admin, mapped_programme)
    with pytest.raises(ValidationError, match="reasons"):
        accreditation.application_decide(application=application, by=staff, approve=False)
    accreditation.application_decide(application=application, by=staff, approve=True)
    centre.refresh_from_db()
    assert centre.status == "recognised" and centre.kind == "accredited"
    assert centre.valid_from == DAY
    assert centre.valid_until == datetime.date(2029, 3, 1)
    assert list(TrainingCentre.objects.listed()) == [centre]
    with pytest.raises(ValidationError, match="already been decided"):
        accreditation.application_decide(
            application=application, by=staff, approve=False, reasons="x"
        )
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"accreditation.submitted", "accreditation.approved", "centre.recognised"} <= actions


def test_a_reviewer_with_a_conflict_cannot_review(rules, centre, mapped_programme, staff, at_day):
    from practicum.institutions import services

    _m, token = services.member_invite(centre=centre, email=staff.email, role="admin", by=None)
    services.member_join(token=token, user=staff)
    application = submit(centre, staff, mapped_programme)
    with pytest.raises(ValidationError):
        accreditation.application_decide(application=application, by=staff, approve=True)


def test_a_renewal_starts_when_the_current_period_ends(
    rules, centre, centre_admin, mapped_programme, staff, at_day
):
    from practicum.institutions import services

    services.recognition_grant(
        centre=centre,
        kind="endorsed",
        valid_from=datetime.date(2024, 6, 1),
        valid_until=datetime.date(2026, 5, 31),
        by=staff,
    )
    application = submit(centre, centre_admin, mapped_programme, kind="endorsed")
    assert application.renewal
    accreditation.application_decide(application=application, by=staff, approve=True)
    centre.refresh_from_db()
    assert centre.valid_from == datetime.date(2026, 6, 1)
    assert centre.kind_on(datetime.date(2026, 5, 1)) == "endorsed"


def test_renewal_reminders_are_sent_once_per_step(rules, centre, staff, mailoutbox):
    from practicum.institutions import services

    services.recognition_grant(
        centre=centre,
        kind="accredited",
        valid_from=datetime.date(2024, 1, 1),
        valid_until=DAY + datetime.timedelta(days=80),
        by=staff,
    )
    assert accreditation.renewal_reminders_send(today=DAY) == 1
    assert accreditation.renewal_reminders_send(today=DAY) == 0
    assert accreditation.renewal_reminders_send(today=DAY + datetime.timedelta(days=55)) == 1
    assert CentreReminder.objects.count() == 2


def test_the_pages_of_the_application_and_review(
    client, rules, centre, centre_admin, other_admin, other_centre, mapped_programme, staff
):
    client.force_login(centre_admin)
    response = client.post(
        reverse("credentials:accreditation_apply", args=[centre.pk]),
        {
            "kind": "accredited",
            "organisation": "Since 2010.",
            "programmes": [mapped_programme.pk],
            "faculty": "Ana - CMM\nBen - PhD",
            "files": [pdf()],
        },
    )
    application = AccreditationApplication.objects.get()
    assert response.status_code == 302
    assert (
        client.get(reverse("credentials:accreditation_detail", args=[application.pk])).status_code
        == 200
    )
    client.force_login(other_admin)
    assert (
        client.get(reverse("credentials:accreditation_detail", args=[application.pk])).status_code
        == 404
    )
    assert (
        client.get(reverse("credentials:accreditation_apply", args=[centre.pk])).status_code == 404
    )
    document = application.documents.get()
    assert (
        client.get(
            reverse("credentials:accreditation_document", args=[application.pk, document.pk])
        ).status_code
        == 404
    )
    client.force_login(staff)
    assert (
        application.reference
        in client.get(reverse("credentials:accreditation_queue")).content.decode()
    )
    assert (
        client.get(reverse("credentials:accreditation_review", args=[application.pk])).status_code
        == 200
    )
    act = reverse("credentials:accreditation_act", args=[application.pk])
    client.post(act, {"action": "decide", "decision": "approve"})
    application.refresh_from_db()
    assert application.status == "awaiting_payment"  # not decided before the fee is paid
    client.post(
        act,
        {
            "action": "paid",
            "amount": str(application.fee_amount),
            "received_on": timezone.localdate().isoformat(),
            "provider_reference": "BANK-1",
            "idempotency_key": "a-key-from-the-page-0001",
        },
    )
    application.refresh_from_db()
    assert application.status == "in_review" and application.target_date is not None
    receipt = client.get(reverse("credentials:accreditation_receipt", args=[application.pk]))
    assert receipt.status_code == 200 and receipt["Content-Type"] == "application/pdf"
    client.post(act, {"action": "decide", "decision": "approve"})
    centre.refresh_from_db()
    assert centre.status == "recognised"
    assert centre.name in client.get(reverse("institutions:directory")).content.decode()


# --- The fee -------------------------------------------------------------------------------------


def test_the_fee_is_invoiced_and_the_clock_starts_when_it_is_paid(
    rules, centre, centre_admin, mapped_programme, staff, at_day
):
    application = submit(centre, centre_admin, mapped_programme, pay=False)
    assert application.status == "awaiting_payment" and application.target_date is None
    invoice = Invoice.objects.get(accreditation=application)
    assert invoice.amount == Decimal("900.00") and invoice.currency == "USD"
    assert invoice.instructions["reference"] == invoice.number
    with pytest.raises(ValidationError, match="awaiting payment"):
        accreditation.application_decide(application=application, by=staff, approve=True)
    with pytest.raises(ValidationError):
        accreditation.info_request(application=application, by=staff, message="More?")
    payment = pay_fee(application, by=staff)
    application.refresh_from_db()
    assert application.status == "in_review"
    assert application.target_date == DAY + datetime.timedelta(weeks=8)
    assert payment.receipt_number.startswith("RCT-")
    entry = AuditEntry.objects.get(action="accreditation.paid")
    assert entry.actor == staff and entry.after["receipt"] == payment.receipt_number


def test_a_repeated_confirmation_records_one_payment_a_second_payment_conflicts(
    rules, centre, centre_admin, mapped_programme, at_day
):
    from practicum.credentials.models import Payment
    from practicum.lib.conflict import Conflict

    application = submit(centre, centre_admin, mapped_programme, pay=False)
    first = pay_fee(application)
    assert pay_fee(application).pk == first.pk  # the same key: the same payment
    with pytest.raises(Conflict):
        pay_fee(application, key="another-transfer-0002")
    assert Payment.objects.count() == 1


def test_a_wrong_amount_is_refused_and_nothing_is_paid(
    rules, centre, centre_admin, mapped_programme, at_day
):
    application = submit(centre, centre_admin, mapped_programme, pay=False)
    with pytest.raises(ValidationError, match="amount"):
        accreditation.fee_payment_record(
            invoice=Invoice.objects.get(accreditation=application),
            by=None,
            confirmation=payments.Confirmation(
                idempotency_key="short-transfer-0001",
                amount=Decimal("100"),
                currency="USD",
                received_on=timezone.localdate(),
            ),
        )
    application.refresh_from_db()
    assert application.status == "awaiting_payment"


def test_the_receipt_names_the_centre(rules, centre, centre_admin, mapped_programme, at_day):
    from pypdf import PdfReader

    from practicum.credentials import documents

    application = submit(centre, centre_admin, mapped_programme, pay=False)
    payment = pay_fee(application)
    text = PdfReader(io.BytesIO(documents.receipt_pdf(payment, compress=False))).pages[0]
    text = text.extract_text()
    assert centre.name in text and application.reference in text
