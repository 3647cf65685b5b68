"""The world the page visitor walks through: the demo (one person per role, a year of practice,
a case at each ethics stage, a centre, a group, a lab...) plus what the demo does not keep —
the private links (their tokens are shown once), a draft of each multi-step form, an import,
applications to supervise and to accredit, an API token and webhook."""

import datetime
from dataclasses import dataclass, field

from allauth.mfa.totp.internal.auth import TOTP
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from conftest import TOTP_SECRET
from practicum.accounts.models import User

# The personas, by the demo person they sign in as (None: signed out).
PERSONA_EMAILS = {
    "anonymous": None,
    "mentor": "mentor@demo.practicum.test",
    "supervisor": "supervisor@demo.practicum.test",
    "staff": "credentialing@demo.practicum.test",
    "ethics": "ethics@demo.practicum.test",
    "institution": "institution@demo.practicum.test",
    "professional": "practitioner@demo.practicum.test",
    "panel": "ethics-panel1@demo.practicum.test",
    "complainant": "complainant@demo.practicum.test",
    "applicant": "applicant@demo.practicum.test",
    "admin": "admin@demo.practicum.test",
    "editor": "editor@demo.practicum.test",
}
PERSONAS = tuple(PERSONA_EMAILS)


@dataclass
class World:
    people: dict
    objects: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)

    def __getitem__(self, key):
        return self.objects[key]


def build() -> World:
    with override_settings(DEBUG=True):
        call_command("load_demo", quiet=True)
    people = {p: User.objects.filter(email=e).first() for p, e in PERSONA_EMAILS.items() if e}
    people["anonymous"] = None
    # The demo's panel members have no second factor yet: staff pages would ask for one.
    TOTP.activate(people["panel"], TOTP_SECRET)
    world = World(people=people)
    _demo_objects(world)
    _private_links(world)
    _drafts(world)
    _applications(world)
    _api(world)
    _admin_rows(world)
    return world


def _admin_rows(world: World) -> None:
    """A row for each admin list the demo leaves empty, so its change form is checked too."""
    from django.contrib.auth.models import Group

    from practicum.credentials import badges
    from practicum.credentials.models import RenewalReminder
    from practicum.supervision.models import ReminderSent

    Group.objects.create(name="Reviewers")
    badges.key_create()
    RenewalReminder.objects.create(credential=world["credential"], days_before=90)
    booking = world["booking"]
    ReminderSent.objects.create(
        kind=ReminderSent.Kind.choices[0][0],
        object_id=booking.pk,
        starts_at=booking.starts_at,
        recipient=world.people["mentor"],
    )


def _person(email: str, name: str, *roles):
    from conftest import make_user

    return make_user(email, *roles, full_name=name)


def _demo_objects(world: World) -> None:
    from practicum.credentials.models import Application, Credential
    from practicum.ethics.models import Case
    from practicum.frameworks.models import FrameworkVersion
    from practicum.institutions.models import Cohort, Programme, TrainingCentre
    from practicum.practice.models import (
        CpdEntry,
        MentoringEngagement,
        SupervisionSession,
        TrainingRecord,
    )
    from practicum.reflection.models import (
        CompetencyAssessment,
        DevelopmentGoal,
        EthicsWorksheet,
        ReadinessAttempt,
        Reflection,
        ReflectionShare,
        SelfCareCheck,
        Tag,
    )
    from practicum.supervision.models import Booking, GroupSession, SupervisionGroup, ThematicLab

    maya, samir = world.people["mentor"], world.people["supervisor"]
    o = world.objects
    sessions = SupervisionSession.objects.filter(mentor=maya, relationship__supervisor=samir)
    o["session"] = sessions.exclude(status="pending").order_by("-starts_at").first()
    o["unsigned_session"] = sessions.filter(status="pending").first() or o["session"]
    o["attended_session"] = SupervisionSession.objects.filter(mentor=maya).exclude(source="")[0]
    o["engagement"] = MentoringEngagement.objects.filter(mentor=maya).first()
    o["cpd"] = CpdEntry.objects.filter(mentor=maya).first()
    o["training"] = TrainingRecord.objects.filter(mentor=maya).first()
    o["reflection"], o["draft_reflection"] = Reflection.objects.filter(mentor=maya).order_by("pk")
    o["worksheet"] = EthicsWorksheet.objects.filter(mentor=maya).first()
    o["share"] = ReflectionShare.objects.first()
    o["readiness"] = ReadinessAttempt.objects.filter(mentor=maya).first()
    o["selfcare"] = SelfCareCheck.objects.filter(mentor=maya).first()
    o["competency"] = CompetencyAssessment.objects.filter(mentor=maya).first()
    o["goal"] = DevelopmentGoal.objects.filter(mentor=maya).first()
    o["tag"] = Tag.objects.filter(mentor=maya).first()
    o["booking"] = Booking.objects.filter(mentor=maya).first()
    o["group"] = SupervisionGroup.objects.get(facilitator=samir, reserved_for=None)
    o["group_session"] = GroupSession.objects.filter(group=o["group"]).first()
    o["lab"] = ThematicLab.objects.filter(reserved_for=None).first()
    o["application"] = Application.objects.get(applicant=maya)
    o["credential"] = Credential.objects.filter(holder=maya).first()
    o["samirs_credential"] = Credential.objects.filter(holder=samir).first()
    o["centre"] = TrainingCentre.objects.first()
    o["programme"] = Programme.objects.first()
    o["cohort"] = Cohort.objects.first()
    cases = Case.objects.order_by("pk")
    o["case"] = cases[2]  # at the panel: the owner, the professional and the panel all see it
    o["decided_case"] = cases[3]
    Kind = FrameworkVersion.Kind
    o["code"] = FrameworkVersion.objects.current(Kind.CODE_OF_ETHICS)
    o["competencies"] = FrameworkVersion.objects.current(Kind.COMPETENCIES)
    o["readiness_q"] = FrameworkVersion.objects.current(Kind.READINESS_QUESTIONNAIRE)
    from practicum.library.models import Resource

    o["resource"] = Resource.objects.filter(access="public").order_by("pk").first()
    o["centre_resource"] = Resource.objects.filter(access="centre").first()


def _private_links(world: World) -> None:
    """The links sent by email, whose tokens only their sender sees."""
    from practicum.credentials.models import body_today
    from practicum.ethics import services as ethics_services
    from practicum.frameworks.services import current_code
    from practicum.institutions import services as institution_services
    from practicum.practice import services as practice_services
    from practicum.practice.models import Reference, SupervisionSession

    maya, o, t = world.people["mentor"], world.objects, world.tokens
    external = practice_services.relationship_declare(
        mentor=maya,
        supervisor=None,
        focus_area="both",
        started_on=datetime.date(2025, 1, 1),
        frequency="monthly",
        external_name="Edith External",
        external_email="edith@example.org",
        external_address="1 High Street, York",
    )
    held = SupervisionSession.objects.create(
        mentor=maya,
        relationship=external,
        format="one_to_one",
        focus="Contracting",
        starts_at=timezone.now() - datetime.timedelta(days=3),
        duration_minutes=60,
    )
    t["sign_off"] = practice_services.sign_off_request(session=held)
    reference = Reference.objects.create(
        engagement=o["engagement"],
        referee_name="Rita Referee",
        referee_email="rita@example.org",
        relation=Reference.Relation.MENTEE,
    )
    t["reference"] = practice_services.reference_send(reference=reference)
    _member, t["invitation"] = institution_services.member_invite(
        centre=o["centre"], email="new@centre.example.org", role="admin", by=None
    )
    complainant = _person("complainant@demo.practicum.test", "Carla Complainant", "mentor")
    world.people["complainant"] = complainant
    case, t["concern"] = ethics_services.concern_submit(
        complainant_name="Carla Complainant",
        complainant_email=complainant.email,
        relation="client",
        professional_query=world.people["professional"].membership_number,
        professional_description="",
        what_happened="My mentor told my manager what I said in our sessions.",
        happened_on=body_today() - datetime.timedelta(days=10),
        clauses=list(current_code().clauses.all()[:1]),
        share_identity=False,
        consent=True,
        complainant=complainant,
    )
    o["my_concern"] = case


def _declared_credential(holder):
    """A credential the person says they held before joining, waiting for staff."""
    from django.core.files.base import ContentFile

    from practicum.credentials.models import CredentialType, DeclaredCredential

    declared = DeclaredCredential(
        holder=holder,
        credential_type=CredentialType.objects.get(code="CPM"),
        number="IMC-CPM-2020-000042",
        issued_on=datetime.date(2020, 5, 1),
        valid_from=datetime.date(2020, 5, 1),
        expires_on=datetime.date(2030, 5, 1),
        evidence_type="pdf",
    )
    declared.evidence.save("certificate.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    declared.save()
    return declared


def _drafts(world: World) -> None:
    """A draft of each form that takes several visits, and an import waiting to be confirmed."""
    from practicum.credentials import services as credential_services
    from practicum.institutions import graduate_import
    from practicum.practice import importer

    maya, o = world.people["mentor"], world.objects
    applicant = _person("applicant@demo.practicum.test", "Alex Applicant", "mentor")
    world.people["applicant"] = applicant
    o["draft_application"] = credential_services.application_start(applicant=applicant, code="CPM")
    rows = "2025-03-14,10:00,90,one_to_one,Sam Supervisor,Contracting,Notes,Reading\n"
    data = (importer.header_line("sessions") + "\n" + rows).encode()
    o["import"] = importer.batch_create(mentor=maya, kind="sessions", data=data)
    csv = "name,email,hours,completed_on\nAl Other,al@example.org,30,2024-06-30\n"
    o["declared"] = _declared_credential(applicant)
    o["graduate_import"] = graduate_import.import_create(
        cohort=o["cohort"], by=world.people["institution"], data=csv.encode()
    )


def _applications(world: World) -> None:
    from practicum.credentials import accreditation
    from practicum.lib.tests.samples import MINIMAL_PDF
    from practicum.supervision.loader import rules_load_all
    from practicum.supervision.services import application_submit

    maya, o = world.people["mentor"], world.objects
    rules_load_all()
    o["supervisor_application"] = application_submit(
        applicant=maya,
        years_of_practice=12,
        experience="Twelve years of mentoring in health care.",
        training_programme="Supervising mentors",
        training_provider="Institute of Mentoring Practice",
        training_hours=60,
        training_completed_on=datetime.date(2024, 6, 30),
        statement="To give back what my own supervisors gave me.",
    )
    accreditation.rules_load_all()
    # The demo's centre already has its renewal in review; a world without it makes one.
    o["accreditation"] = o[
        "centre"
    ].accreditation_applications.first() or accreditation.application_submit(
        centre=o["centre"],
        by=world.people["institution"],
        kind="accredited",
        organisation="A school of mentoring since 2010.",
        programmes=[o["programme"]],
        faculty=[{"name": "Ana", "credentials": "CMM"}],
        files=[SimpleUploadedFile("plan.pdf", MINIMAL_PDF, content_type="application/pdf")],
    )


def _api(world: World) -> None:
    from practicum.api.scopes import scopes_for
    from practicum.api.services import token_create, webhook_create

    maya = world.people["mentor"]
    world.objects["token"], _raw = token_create(
        owner=maya, name="My diary", scopes=scopes_for(maya)[:1]
    )
    world.objects["webhook"] = webhook_create(
        owner=maya, url="https://hooks.example.org/practicum", events=["session.confirmed"]
    )
