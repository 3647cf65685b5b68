"""Demo supervision for `manage.py load_demo` (idempotent): Samir's profile and weekly slots,
a booking with Maya, a small group with a past session already in Maya's log, a lab, a group and
a lab the demo centre reserves for its mentors, and Tomás Herrera's application to become a
supervisor waiting in the credentialing staff's queue.

The demo people are fixed by `load_demo` (one per role), so the directory shows one supervisor.
"""

import datetime

from allauth.account.models import EmailAddress
from django.utils import timezone

from practicum.accounts import services as account_services
from practicum.accounts.models import Role, User
from practicum.frameworks.services import current_code, pledge_accept
from practicum.institutions.models import CentreMember, TrainingCentre
from practicum.practice.models import MentoringEngagement
from practicum.supervision import services
from practicum.supervision.loader import rules_load_all
from practicum.supervision.models import (
    Booking,
    GroupMembership,
    GroupSession,
    ReflectionModel,
    SupervisionGroup,
    SupervisorApplication,
    SupervisorProfile,
    ThematicLab,
)

# A mentor who is not a sign-in of the demo: applies to supervise, declares an older credential.
APPLICANT_EMAIL = "tomas.herrera@demo.practicum.test"


def load(people: dict) -> None:
    rules_load_all()
    samir, maya = people["supervisor"], people["mentor"]
    _profile(samir)
    _booking(samir, maya)
    _group(samir, maya)
    _lab(people["credentialing"], samir, maya)
    if "institution" in people:
        _reserved_for_the_centre(people["institution"], samir)
    _supervisor_application()


def applicant() -> User:
    """Tomás Herrera, a member mentor in Mexico City (credentials' demo uses him too)."""
    tomas, created = User.objects.get_or_create(
        email=APPLICANT_EMAIL,
        defaults={
            "full_name": "Tomás Herrera",
            "time_zone": "America/Mexico_City",
            "preferred_language": "es",
        },
    )
    if created:
        tomas.set_unusable_password()
        tomas.save()
        EmailAddress.objects.create(user=tomas, email=tomas.email, verified=True, primary=True)
        account_services.role_grant(user=tomas, role=Role.MENTOR)
        code = current_code()
        if code is not None:
            pledge_accept(user=tomas, framework=code)
    return tomas


def _supervisor_application() -> None:
    if SupervisorApplication.objects.exists():
        return
    tomas = applicant()
    today = timezone.localdate()
    names = ["Elena Ruiz", "Pablo Soto", "Carmen Vega", "Diego Marín", "Lucía Paredes"]
    for n, name in enumerate(names):
        MentoringEngagement.objects.create(
            mentor=tomas,
            mentee_name=name,
            mentee_email=f"mentee.{n + 1}.herrera@demo.practicum.test",
            kind="external",
            started_on=today - datetime.timedelta(days=1400 - n * 150),
            ended_on=today - datetime.timedelta(days=1100 - n * 150),
            status="completed",
        )
    services.application_submit(
        applicant=tomas,
        years_of_practice=7,
        experience=(
            "Seven years mentoring early-career engineers and, since 2022, new managers in "
            "public health; I run my practice's peer reflection circle."
        ),
        training_programme="Supervision of Mentoring Practice",
        training_provider="Institute of Mentoring Practice",
        training_hours=42,
        training_completed_on=today - datetime.timedelta(days=90),
        statement=(
            "To give mentors in Spanish-speaking teams the reflective space I found in my own "
            "supervision."
        ),
    )


def _reserved_for_the_centre(ines, samir) -> None:
    """The demo centre's own circle and lab, arranged by Inés with Samir facilitating."""
    centre = TrainingCentre.objects.filter(
        members__user=ines, members__role=CentreMember.Role.ADMIN
    ).first()
    if centre is None or SupervisionGroup.objects.filter(reserved_for=centre).exists():
        return
    services.centre_group_arrange(
        centre=centre,
        by=ines,
        facilitator=samir,
        name="Graduates' circle",
        description=(
            "For the centre's graduates in their first two years of practice: one case a "
            "session, with the Reflective Conversation Framework."
        ),
        reflection_model=ReflectionModel.objects.get(code="reflective-conversation"),
        capacity=8,
        duration_minutes=90,
    )
    services.centre_lab_arrange(
        centre=centre,
        by=ines,
        facilitators=[samir],
        title="Endings and referrals",
        theme="Ending well",
        description="Closing a mentoring relationship well, and when to refer a mentee on.",
        starts_at=(timezone.now() + datetime.timedelta(days=60)).replace(
            hour=12, minute=0, second=0, microsecond=0
        ),
        duration_minutes=120,
        capacity=16,
        cpd_hours=2,
    )


def _profile(samir) -> None:
    if SupervisorProfile.objects.filter(user=samir).exists():
        return
    services.profile_save(
        user=samir,
        languages=["en", "hi"],
        bio=(
            "I supervise mentors in health and education settings, with a particular interest "
            "in contracting, endings and working across cultures."
        ),
        focus_area="both",
        experience="Mentor since 2009, supervisor since 2016; I facilitate the Tuesday circle.",
        years_supervising=9,
        offers_one_to_one=True,
        offers_group=True,
        offers_lab=True,
        max_supervisees=8,
        slot_minutes=60,
        notice_hours=24,
        is_listed=True,
    )
    # Monday, Wednesday, Thursday afternoons in Kolkata: mornings in London for Maya
    # (08:00-11:00 in winter, 09:00-12:00 in summer), not the middle of her night.
    for weekday in (0, 2, 3):
        services.window_add(
            supervisor=samir,
            weekday=weekday,
            start_time=datetime.time(13, 30),
            end_time=datetime.time(16, 30),
        )
    services.window_add(
        supervisor=samir, weekday=1, start_time=datetime.time(17), end_time=datetime.time(20)
    )


def _booking(samir, maya) -> None:
    if Booking.objects.filter(supervisor=samir, mentor=maya).exists():
        return
    profile = SupervisorProfile.objects.get(user=samir)
    now = timezone.now()
    slots = services.offered_slots(profile, start=now, end=now + datetime.timedelta(days=14))
    if slots:
        services.booking_create(mentor=maya, supervisor=samir, starts_at=slots[0].starts_at)


def _group(samir, maya) -> None:
    if SupervisionGroup.objects.filter(facilitator=samir).exists():
        return
    group = services.group_create(
        facilitator=samir,
        name="Tuesday reflective circle",
        description=(
            "Six mentors, one dilemma a session, the Reflective Conversation Framework. "
            "For mentors in their first years of practice."
        ),
        reflection_model=ReflectionModel.objects.get(code="reflective-conversation"),
        capacity=6,
        duration_minutes=90,
    )
    services.group_invite(group=group, by=samir, mentor=maya)
    services.group_invitation_respond(
        membership=GroupMembership.objects.get(group=group, mentor=maya), accept=True
    )
    past = GroupSession.objects.create(
        group=group,
        starts_at=(timezone.now() - datetime.timedelta(days=7)).replace(
            minute=0, second=0, microsecond=0
        ),
        duration_minutes=90,
    )
    services.group_attendance_record(session=past, by=samir, mentors=[maya])
    first_tuesday = timezone.localdate() + datetime.timedelta(days=2)
    while first_tuesday.weekday() != 1:
        first_tuesday += datetime.timedelta(days=1)
    services.group_schedule(
        group=group,
        by=samir,
        first_day=first_tuesday,
        start_time=datetime.time(17, 30),
        count=4,
        every_weeks=2,
        time_zone=samir.time_zone,
    )


def _lab(staff, samir, maya) -> None:
    if ThematicLab.objects.filter(reserved_for__isnull=True).exists():
        return
    starts = (timezone.now() + datetime.timedelta(days=45)).replace(
        hour=13, minute=0, second=0, microsecond=0
    )
    lab = services.lab_create(
        by=staff,
        facilitators=[samir],
        title="Ethics in action: when the sponsor asks",
        theme="Ethics in action",
        description=(
            "A facilitated lab on dilemmas where a sponsor's interests and a mentee's diverge, "
            "worked through the clauses of the Code of Ethics."
        ),
        starts_at=starts,
        duration_minutes=120,
        capacity=24,
        cpd_hours=2,
        audience="mentors",
    )
    services.lab_register(lab=lab, mentor=maya)
