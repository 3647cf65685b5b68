"""Fill the database with realistic volume for benchmarks: many mentors and millions of sessions.

Development and benchmarks only (refuses when DEBUG is off, like load_demo). Rows go in with
bulk inserts in batches; only every tenth session carries encrypted text, which keeps the run
within minutes while the pages still decrypt what they show. Idempotent: a second run with the
same numbers adds nothing (people are found by their email).
"""

import datetime
import random
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from practicum.accounts.models import Role, RoleGrant, User
from practicum.frameworks import services as framework_services
from practicum.frameworks.models import PledgeAcceptance
from practicum.practice.models import (
    CpdEntry,
    FocusArea,
    MentoringEngagement,
    SessionFormat,
    SupervisionRelationship,
    SupervisionSession,
)

DOMAIN = "scale.practicum.test"
BIG_MENTOR = f"big-mentor@{DOMAIN}"
BATCH = 5000


class Command(BaseCommand):
    help = "Load benchmark-sized data (default: 10,000 mentors, 2,000,000 sessions)."

    def add_arguments(self, parser):
        parser.add_argument("--mentors", type=int, default=10_000)
        parser.add_argument("--sessions", type=int, default=2_000_000)
        parser.add_argument("--big-mentor-sessions", type=int, default=20_000)

    def handle(self, *args, mentors, sessions, big_mentor_sessions, **options):
        if not settings.DEBUG:
            raise CommandError("load_scale fills the database with made-up people: DEBUG only.")
        code = framework_services.current_code()
        if code is None:
            raise CommandError("Load the frameworks first (manage.py load_frameworks).")
        random.seed(20261202)
        people = self._mentors(mentors, code)
        big = self._big_mentor(code)
        per_mentor = max(1, (sessions - big_mentor_sessions) // max(1, len(people)))
        made = self._sessions(big, big_mentor_sessions)
        for index, mentor in enumerate(people):
            made += self._sessions(mentor, per_mentor)
            if index % 500 == 0:
                self.stdout.write(f"  {index}/{len(people)} mentors, {made} sessions so far")
        self.stdout.write(
            self.style.SUCCESS(f"Scale data: {len(people) + 1} mentors, {made} new sessions.")
        )

    def _mentors(self, count: int, code) -> list[User]:
        existing = set(
            User.objects.filter(email__endswith=f"@{DOMAIN}").values_list("email", flat=True)
        )
        emails = [f"mentor{n:05d}@{DOMAIN}" for n in range(count)]
        new = [
            User(email=e, full_name=f"Scale Mentor {n:05d}", time_zone=random.choice(ZONES))
            for n, e in enumerate(emails)
            if e not in existing
        ]
        for user in new:
            user.set_unusable_password()
        with transaction.atomic():
            User.objects.bulk_create(new, batch_size=BATCH)
            users = list(User.objects.filter(email__in=emails).order_by("email"))
            _grant_and_pledge(users, code)
        return users

    def _big_mentor(self, code) -> User:
        user, created = User.objects.get_or_create(
            email=BIG_MENTOR, defaults={"full_name": "Bianca Bigbook", "time_zone": "Europe/Madrid"}
        )
        if created:
            user.set_password("practicum-scale")
            user.save()
        _grant_and_pledge([user], code)
        return user

    def _sessions(self, mentor: User, count: int) -> int:
        relationship = SupervisionRelationship.objects.filter(mentor=mentor).first()
        if relationship is None:
            relationship = SupervisionRelationship.objects.create(
                mentor=mentor,
                external_name="Sol Supervisor",
                external_email=f"sol@{DOMAIN}",
                focus_area=FocusArea.BOTH,
                started_on=datetime.date(2010, 1, 1),
            )
        have = relationship.sessions.count()
        if have >= count:
            return 0
        # Sessions every 6 hours backwards from now keeps (relationship, start) unique.
        now = timezone.now().replace(minute=0, second=0, microsecond=0)
        rows = []
        for n in range(have, count):
            starts = now - datetime.timedelta(hours=6 * (n + 1))
            rows.append(
                SupervisionSession(
                    mentor=mentor,
                    relationship=relationship,
                    starts_at=starts,
                    duration_minutes=random.choice((45, 60, 90)),
                    format=random.choice(SessionFormat.values),
                    focus=random.choice(FOCI),
                    key_learnings="Noticed my own pattern of rescuing." if n % 10 == 0 else "",
                    status=SupervisionSession.Status.CONFIRMED
                    if n % 7
                    else SupervisionSession.Status.PENDING,
                    signed_off_at=starts + datetime.timedelta(days=1) if n % 7 else None,
                    signed_off_by_name="Sol Supervisor" if n % 7 else "",
                )
            )
        with transaction.atomic():
            SupervisionSession.objects.bulk_create(rows, batch_size=BATCH)
            if not MentoringEngagement.objects.filter(mentor=mentor).exists():
                MentoringEngagement.objects.bulk_create(
                    [
                        MentoringEngagement(
                            mentor=mentor,
                            mentee_name=f"Mentee {k}",
                            kind=MentoringEngagement.Kind.EXTERNAL,
                            started_on=datetime.date(2020 + k % 5, 1 + k % 12, 1),
                            ended_on=datetime.date(2021 + k % 5, 1 + k % 12, 1),
                            status=MentoringEngagement.Status.COMPLETED,
                        )
                        for k in range(6)
                    ]
                )
                CpdEntry.objects.bulk_create(
                    [
                        CpdEntry(
                            mentor=mentor,
                            category=CpdEntry.Category.values[k % len(CpdEntry.Category.values)],
                            title=f"Workshop {k}",
                            occurred_on=datetime.date(2024 + k % 3, 1 + k % 12, 10),
                            hours=Decimal("3.5"),
                        )
                        for k in range(8)
                    ]
                )
        return len(rows)


def _grant_and_pledge(users: list[User], code) -> None:
    have_role = set(
        RoleGrant.objects.filter(user__in=users, role=Role.MENTOR).values_list("user_id", flat=True)
    )
    RoleGrant.objects.bulk_create(
        [RoleGrant(user=u, role=Role.MENTOR) for u in users if u.pk not in have_role]
    )
    pledged = set(
        PledgeAcceptance.objects.filter(user__in=users, framework=code).values_list(
            "user_id", flat=True
        )
    )
    PledgeAcceptance.objects.bulk_create(
        [PledgeAcceptance(user=u, framework=code) for u in users if u.pk not in pledged],
        batch_size=BATCH,
    )


ZONES = (
    "Europe/London",
    "America/New_York",
    "Asia/Kolkata",
    "Africa/Lagos",
    "Europe/Madrid",
    "UTC",
)
FOCI = (
    "Boundaries with a sponsor",
    "Ending an engagement well",
    "Working across cultures",
    "Contracting with a new mentee",
    "My own wellbeing",
)
