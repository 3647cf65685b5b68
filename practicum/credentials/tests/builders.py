"""Records for credential tests: an eligible mentor takes a few dozen rows to build."""

import datetime
from decimal import Decimal

from practicum.credentials import payments, services
from practicum.credentials.models import (
    Application,
    Credential,
    ReferenceContact,
    RuleSet,
    add_years,
    body_today,
)
from practicum.practice.models import (
    CpdEntry,
    MentoringEngagement,
    Reference,
    SupervisionRelationship,
    SupervisionSession,
    TrainingRecord,
)

TODAY = datetime.date(2026, 6, 15)


def training(mentor, hours="50", centre_type="accredited", **fields) -> TrainingRecord:
    return TrainingRecord.objects.create(
        mentor=mentor,
        centre_name=fields.pop("centre_name", "Institute of Mentoring Practice"),
        centre_type=centre_type,
        programme_name=fields.pop("programme_name", "Mentoring Foundations"),
        hours=Decimal(hours),
        mode="blended",
        started_on=fields.pop("started_on", datetime.date(2023, 1, 10)),
        ended_on=fields.pop("ended_on", datetime.date(2023, 6, 30)),
        instructor_name="Ines Instructor",
        instructor_email="ines@centre.example.org",
        **fields,
    )


def engagement(mentor, n: int = 1, status: str = "completed", **fields) -> MentoringEngagement:
    start = datetime.date(2022, 1, 1) + datetime.timedelta(days=20 * n)
    return MentoringEngagement.objects.create(
        mentor=mentor,
        mentee_name=fields.pop("mentee_name", f"Mentee Number{n}"),
        mentee_email=fields.pop("mentee_email", f"mentee{n}@client.example.org"),
        kind=fields.pop("kind", "external" if n % 2 else "internal"),
        started_on=start,
        ended_on=start + datetime.timedelta(days=120) if status == "completed" else None,
        status=status,
        **fields,
    )


def reference(engagement_, status: str = "confirmed") -> Reference:
    return Reference.objects.create(
        engagement=engagement_,
        referee_name=f"Referee of {engagement_.mentee_name}",
        referee_email=f"referee{engagement_.pk}@client.example.org",
        relation="mentee",
        status=status,
    )


def supervisor(mentor, **fields) -> SupervisionRelationship:
    return SupervisionRelationship.objects.create(
        mentor=mentor,
        external_name=fields.pop("external_name", "Edith External"),
        external_email=fields.pop("external_email", "edith@supervision.example.org"),
        external_address=fields.pop("external_address", "1 High Street\nYork"),
        focus_area="both",
        started_on=datetime.date(2021, 1, 1),
        frequency="Monthly",
        **fields,
    )


def credential(holder, code: str, valid_from: datetime.date, **fields) -> Credential:
    rule_set = RuleSet.objects.current(code, valid_from) or RuleSet.objects.current(code)
    number = fields.pop(
        "number", f"IMC-{code}-{valid_from.year}-{Credential.objects.count() + 1:06d}"
    )
    return Credential.objects.create(
        number=number,
        holder=holder,
        credential_type=rule_set.credential_type,
        rule_set=rule_set,
        issued_on=fields.pop("issued_on", valid_from),
        valid_from=valid_from,
        expires_on=fields.pop("expires_on", add_years(valid_from, 2)),
        **fields,
    )


def make_eligible_for_cmm(mentor, *, engagements: int = 10, references: int = 5) -> dict:
    """Everything the CMM asks: 50 h of training, a completed CPM cycle, 10 completed
    engagements, 5 verified references, a declared supervisor."""
    today = body_today()
    records = {
        "training": [training(mentor, "30"), training(mentor, "20", "endorsed")],
        "cpm": credential(mentor, "CPM", add_years(today, -3)),
        "engagements": [engagement(mentor, n) for n in range(1, engagements + 1)],
        "supervisor": supervisor(mentor),
    }
    records["references"] = [reference(e) for e in records["engagements"][:references]]
    return records


def session(mentor, relationship, day: datetime.date, status: str = "confirmed", minute: int = 0):
    return SupervisionSession.objects.create(
        mentor=mentor,
        relationship=relationship,
        starts_at=datetime.datetime.combine(day, datetime.time(10, minute), tzinfo=datetime.UTC),
        duration_minutes=60,
        format="one_to_one",
        focus="Practice",
        status=status,
    )


def cpd(mentor, day: datetime.date, hours: str = "10") -> CpdEntry:
    return CpdEntry.objects.create(
        mentor=mentor, category="other", title="Reading circle", occurred_on=day, hours=hours
    )


def apply_and_submit(mentor, code: str = "CMM", renews=None, **submit) -> Application:
    application = services.application_start(applicant=mentor, code=code, renews=renews)
    services.application_save_step(
        application=application, step="declaration", data={"declaration": True}
    )
    return services.application_submit(application=application, **submit)


def pay(
    application: Application, by, key: str = "key-0000000000000001", *, contacts: bool = True
) -> object:
    """Record the payment (by `by`, None for the provider) and, unless `contacts` is False, a
    contact with every referee: what the review controls ask before an approval."""
    invoice = application.invoice
    if contacts:
        contact_all_referees(application)
    return services.payment_record(
        invoice=invoice,
        by=by,
        confirmation=payments.Confirmation(
            idempotency_key=key,
            amount=invoice.amount,
            currency=invoice.currency,
            received_on=body_today(),
        ),
    )


def contact_all_referees(application: Application) -> None:
    for ref in services.frozen_references(application):
        ReferenceContact.objects.create(
            application=application,
            reference_id=ref["id"],
            method=ReferenceContact.Method.PHONE,
            outcome=ReferenceContact.Outcome.CONFIRMED,
            contacted_on=body_today(),
        )


def now_on(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)
