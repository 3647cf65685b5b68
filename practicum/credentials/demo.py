"""Demo credentials for `manage.py load_demo` (idempotent, development only).

Samir (the supervisor) holds an active CMM, shown as a badge on his public profile. Maya (the
mentor) completed a CPM cycle and has applied for the CMM: her paid application waits in the
credentialing queue with its target decision date. Tomás Herrera declared the CPM he was issued
before the platform, waiting for verification; the demo centre's renewal of its accreditation is
paid and waits for a reviewer.
"""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from reportlab.pdfgen import canvas

from practicum.credentials import accreditation, payments, services
from practicum.credentials.loader import rule_set_load_all
from practicum.credentials.models import (
    Application,
    Credential,
    CredentialType,
    DeclaredCredential,
    RuleSet,
    add_years,
    body_today,
)
from practicum.credentials.services.declared import declared_credential_submit
from practicum.institutions.models import AccreditationApplication, CentreMember, TrainingCentre
from practicum.practice.models import MentoringEngagement, Reference, TrainingRecord

# Maya's further mentees: names, none repeated.
MENTEES = [
    "Nora Ellis",
    "Marco Rossi",
    "Aisha Bello",
    "Ben Clarke",
    "Sofia Lind",
    "Yusuf Demir",
    "Clara Meyer",
    "Hugo Lambert",
    "Mei Chen",
    "Ravi Kapoor",
]


def _credential(holder, code: str, valid_from: datetime.date) -> Credential:
    rule_set = RuleSet.objects.current(code)
    number = services.next_number(f"credential:{code}:{valid_from.year}")
    credential = Credential.objects.create(
        number=f"IMC-{code}-{valid_from.year}-{number:06d}",
        holder=holder,
        credential_type=rule_set.credential_type,
        rule_set=rule_set,
        issued_on=valid_from,
        valid_from=valid_from,
        expires_on=add_years(valid_from, rule_set.rules.validity_years),
    )
    if credential.expires_on <= body_today():
        credential.status = Credential.Status.EXPIRED
        credential.status_changed_on = credential.expires_on
        credential.save(update_fields=["status", "status_changed_on"])
    return credential


def _samir_holds_a_cmm(samir) -> None:
    if Credential.objects.filter(holder=samir).exists():
        return
    today = body_today()
    _credential(samir, "CMM", today - datetime.timedelta(days=640))
    samir.membership_status = samir.Membership.MEMBER
    samir.membership_number = samir.membership_number or "IMC-M-0042"
    samir.membership_valid_until = today + datetime.timedelta(days=365)
    samir.profile_public = True
    samir.bio = samir.bio or "Mentor supervisor; group and one-to-one supervision."
    samir.save()


def _maya_applies_for_the_cmm(maya, staff) -> None:
    if Application.objects.filter(applicant=maya).exists():
        return
    today = body_today()
    if not Credential.objects.filter(holder=maya, credential_type__code="CPM").exists():
        _credential(maya, "CPM", add_years(today, -2) - datetime.timedelta(days=120))
    TrainingRecord.objects.get_or_create(
        mentor=maya,
        programme_name="Advanced Mentoring Practice",
        defaults={
            "centre_name": "Northern Mentoring Academy",
            "centre_type": "endorsed",
            "hours": 18,
            "mode": "online",
            "started_on": today - datetime.timedelta(days=300),
            "ended_on": today - datetime.timedelta(days=240),
            "instructor_name": "Inés Navarro",
            "instructor_email": "institution@demo.practicum.test",
        },
    )
    completed = MentoringEngagement.objects.filter(mentor=maya, status="completed")
    for n in range(completed.count() + 1, 11):
        MentoringEngagement.objects.create(
            mentor=maya,
            mentee_name=MENTEES[(n - 1) % len(MENTEES)],
            mentee_email=f"mentee{n}@demo.practicum.test",
            kind="external" if n % 2 else "internal",
            started_on=today - datetime.timedelta(days=700 - n * 30),
            ended_on=today - datetime.timedelta(days=500 - n * 30),
            status="completed",
        )
    for engagement in MentoringEngagement.objects.filter(mentor=maya, status="completed")[:5]:
        if not engagement.references.exists():
            Reference.objects.create(
                engagement=engagement,
                referee_name=engagement.mentee_name,
                referee_email=engagement.mentee_email,
                relation=Reference.Relation.MENTEE,
                status=Reference.Status.CONFIRMED,
                responded_at=timezone.now(),
            )
    application = services.application_start(applicant=maya, code="CMM")
    services.application_save_step(
        application=application,
        step="supervisor",
        data={"supervisor_address": "Supervision Studio, 12 MG Road, Bengaluru, India"},
    )
    services.application_save_step(
        application=application, step="declaration", data={"declaration": True}
    )
    application = services.application_submit(application=application)
    invoice = application.invoice
    services.payment_record(
        invoice=invoice,
        by=staff,
        confirmation=_transfer_received(invoice, "DEMO-TRANSFER"),
    )


def _transfer_received(invoice, reference: str) -> payments.Confirmation:
    """The bank transfer of a demo invoice, received today (once: keyed by the invoice)."""
    return payments.Confirmation(
        idempotency_key=f"demo-{invoice.number}",
        amount=invoice.amount,
        currency=invoice.currency,
        received_on=body_today(),
        provider_reference=reference,
    )


def _pdf(name: str, lines: list[str]) -> SimpleUploadedFile:
    """A small real PDF (uploads are checked by content, page by page)."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    for n, line in enumerate(lines):
        page.drawString(72, 760 - 18 * n, line)
    page.save()
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


def _tomas_declares_his_cpm() -> None:
    from practicum.supervision.demo import applicant

    if DeclaredCredential.objects.exists():
        return
    tomas = applicant()
    issued = add_years(body_today(), -1) - datetime.timedelta(days=40)
    declared_credential_submit(
        holder=tomas,
        credential_type=CredentialType.objects.get(code="CPM"),
        number="IMC-CPM-2024-000318",
        issued_on=issued,
        valid_from=issued,
        expires_on=add_years(issued, 3),
        evidence=_pdf(
            "cpm-certificate.pdf",
            ["Certified Professional Mentor", "Tomás Herrera", "IMC-CPM-2024-000318"],
        ),
    )


def _the_centre_renews_its_accreditation(staff) -> None:
    member = (
        CentreMember.objects.filter(role=CentreMember.Role.ADMIN, user__isnull=False)
        .select_related("centre", "user")
        .first()
    )
    if member is None or AccreditationApplication.objects.exists():
        return
    centre: TrainingCentre = member.centre
    application = accreditation.application_submit(
        centre=centre,
        by=member.user,
        kind="accredited",
        organisation=(
            "A not-for-profit institute in Madrid training mentors for health and education "
            "since 2012; twelve faculty, two programmes a year."
        ),
        programmes=list(centre.programmes.all()),
        faculty=[
            {"name": "Inés Navarro", "credentials": "CMM"},
            {"name": "Jorge Blanco", "credentials": "CPM, MSc Organisational Psychology"},
        ],
        files=[_pdf("faculty-and-curriculum.pdf", ["Faculty and curriculum", centre.name])],
    )
    invoice = application.invoice
    accreditation.fee_payment_record(
        invoice=invoice,
        by=staff,
        confirmation=_transfer_received(invoice, "DEMO-TRANSFER-ACC"),
    )


def load(people: dict) -> None:
    rule_set_load_all()
    _samir_holds_a_cmm(people["supervisor"])
    _maya_applies_for_the_cmm(people["mentor"], people["credentialing"])
    _tomas_declares_his_cpm()
    accreditation.rules_load_all()
    _the_centre_renews_its_accreditation(people["credentialing"])
