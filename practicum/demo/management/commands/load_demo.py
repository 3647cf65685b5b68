"""One user per role for trying Practicum locally. Refuses to run in production (DEBUG off)."""

import datetime
import importlib

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from practicum.accounts import services as account_services
from practicum.accounts.models import STAFF_ROLES, Role, User
from practicum.frameworks import services as framework_services
from practicum.practice import services as practice_services
from practicum.practice.models import (
    CpdEntry,
    FocusArea,
    MentoringEngagement,
    SupervisionRelationship,
    TrainingRecord,
)

DEMO_PASSWORD = "practicum-demo"
# Mentees and other people in the demo records: names, not roles.
MENTEES = ["Lucía Ortega", "Tom Becker", "Priya Nair", "Jonas Weber"]
# A fixed TOTP secret so that staff demo users can be added to an authenticator app.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

PEOPLE = [
    ("mentor@demo.practicum.test", "Maya Thornton", "Europe/London", [Role.MENTOR]),
    (
        "supervisor@demo.practicum.test",
        "Samir Iyer",
        "Asia/Kolkata",
        [Role.MENTOR, Role.SUPERVISOR],
    ),
    (
        "credentialing@demo.practicum.test",
        "Chloé Dubois",
        "America/New_York",
        [Role.CREDENTIALING_STAFF],
    ),
    ("ethics@demo.practicum.test", "Emeka Nwosu", "Africa/Lagos", [Role.ETHICS_STAFF]),
    (
        "institution@demo.practicum.test",
        "Inés Navarro",
        "Europe/Madrid",
        [Role.INSTITUTION_ADMIN],
    ),
    ("admin@demo.practicum.test", "Ada Quinn", "UTC", [Role.SITE_ADMIN]),
    # Two editors of the resource library: one writes, the other reviews and publishes.
    ("editor@demo.practicum.test", "Elena Ruiz", "Europe/Madrid", [Role.EDITOR]),
    ("editor2@demo.practicum.test", "Owen Park", "Europe/London", [Role.EDITOR]),
]


class Command(BaseCommand):
    help = "Create one demo user per role (idempotent). Development only."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="do not print the sign-ins")

    def handle(self, *args, quiet=False, **options):
        if not settings.DEBUG:
            raise CommandError("Demo data is for development only (DEBUG is off).")
        rows = []
        with transaction.atomic():
            for email, name, zone, roles in PEOPLE:
                rows.append(self._person(email, name, zone, roles))
            self._practice()
            people = {email.split("@")[0]: User.objects.get(email=email) for email, *_ in PEOPLE}
            for config in apps.get_app_configs():
                # Each app may add its own demo records: practicum/<app>/demo.py, load(people).
                if config.name.startswith("practicum.") and config.label != "demo":
                    try:
                        module = importlib.import_module(f"{config.name}.demo")
                    except ModuleNotFoundError:
                        continue
                    module.load(people)
        if not quiet:
            self._print(rows)

    def _person(self, email, name, zone, roles):
        user, created = User.objects.get_or_create(
            email=email, defaults={"full_name": name, "time_zone": zone}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        elif user.full_name != name:  # names from an older demo (they used to repeat the role)
            user.full_name = name
            user.save(update_fields=["full_name"])
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        for role in roles:
            account_services.role_grant(user=user, role=role)
        if Role.MENTOR in roles:
            code = framework_services.current_code()
            if code is not None:
                framework_services.pledge_accept(user=user, framework=code)
        codes = []
        if set(roles) & STAFF_ROLES:
            if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                TOTP.activate(user, DEMO_TOTP_SECRET)
            recovery = Authenticator.objects.filter(
                user=user, type=Authenticator.Type.RECOVERY_CODES
            ).first()
            wrapper = RecoveryCodes(recovery) if recovery else RecoveryCodes.activate(user)
            codes = wrapper.get_unused_codes()[:2]
        return email, ", ".join(str(Role(r).label) for r in roles), codes

    def _practice(self):
        """A year of Maya's practice, supervised by Samir, so the dashboard has a story."""
        maya = User.objects.get(email="mentor@demo.practicum.test")
        samir = User.objects.get(email="supervisor@demo.practicum.test")
        if SupervisionRelationship.objects.filter(mentor=maya).exists():
            return
        today = timezone.localdate()
        relationship = practice_services.relationship_declare(
            mentor=maya,
            supervisor=samir,
            focus_area=FocusArea.BOTH,
            started_on=today - datetime.timedelta(days=400),
            frequency="Monthly, 60 minutes",
            confidentiality_scope="Everything we discuss, except as below.",
            confidentiality_limits="A risk of harm to self or others; a legal duty.",
        )
        focuses = [
            "Contracting with a sponsor",
            "Holding silence",
            "Ending well",
            "Boundaries with a senior mentee",
            "Parallel process",
            "Cultural difference",
        ]
        for months_ago in range(1, 12, 2):
            # The one left for Samir to sign off is from last week: a pending item looks recent.
            days = 4 if months_ago == 1 else 30 * months_ago + 3
            when = timezone.now() - datetime.timedelta(days=days)
            session = practice_services.session_log(
                mentor=maya,
                relationship=relationship,
                starts_at=when.replace(hour=10, minute=0, second=0, microsecond=0),
                duration_minutes=60,
                format="one_to_one",
                focus=focuses[months_ago // 2],
                key_learnings="Notice what I bring into the room.",
            )
            if months_ago > 1:
                practice_services.session_sign_off(
                    session=session,
                    decision=practice_services.SignOffDecision(confirm=True),
                    by=samir,
                )
        for n in range(1, 5):
            MentoringEngagement.objects.create(
                mentor=maya,
                mentee_name=MENTEES[n - 1],
                mentee_email=f"mentee{n}@demo.practicum.test",
                organisation="Northwind Health" if n % 2 else "",
                kind="internal" if n % 2 else "external",
                started_on=today - datetime.timedelta(days=400 - n * 30),
                ended_on=today - datetime.timedelta(days=120 - n * 10),
                status="completed",
            )
        TrainingRecord.objects.create(
            mentor=maya,
            centre_name="Institute of Mentoring Practice",
            centre_type="accredited",
            programme_name="Foundations of Mentoring",
            hours=36,
            mode="blended",
            started_on=today - datetime.timedelta(days=500),
            ended_on=today - datetime.timedelta(days=440),
            instructor_name="Inés Navarro",
            instructor_email="institution@demo.practicum.test",
        )
        for months_ago, hours in [(2, 3), (5, 6), (9, 2)]:
            CpdEntry.objects.create(
                mentor=maya,
                category="other",
                title="Reading circle on supervision",
                occurred_on=today - datetime.timedelta(days=30 * months_ago),
                hours=hours,
            )

    def _print(self, rows):
        self.stdout.write(f"\nDemo sign-ins (password for all: {DEMO_PASSWORD})")
        for email, roles, codes in rows:
            extra = (
                f"  MFA: TOTP secret {DEMO_TOTP_SECRET} or recovery code {codes[0]}"
                if codes
                else ""
            )
            self.stdout.write(f"  {email:<38} {roles}{extra}")
        self.stdout.write("")
