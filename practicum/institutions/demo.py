"""Demo records (called by `load_demo` through its per-app `demo.load(people)`): one accredited
centre with a programme and a cohort; Inés administers it; Maya, the demo mentor, is a graduate
and one of its mentors, so her training record from that centre shows Verified by the centre and
the group and lab the centre reserves (supervision's demo) show to her. Idempotent."""

import datetime
import secrets
from decimal import Decimal

from django.apps import apps
from django.utils import timezone

from practicum.frameworks.models import BehaviouralIndicator
from practicum.institutions.models import (
    CentreMember,
    Cohort,
    Graduate,
    Programme,
    Recognition,
    TrainingCentre,
    email_digest,
    token_digest,
)

CENTRE = "Institute of Mentoring Practice"
PROGRAMME = "Foundations of Mentoring"


def load(people: dict) -> None:
    today = timezone.localdate()
    centre, created = TrainingCentre.objects.get_or_create(
        name=CENTRE,
        defaults={
            "country": "Spain",
            "website": "https://mentoring-practice.example.org",
            "contact_name": "Inés Navarro",
            "contact_email": "institution@demo.practicum.test",
            "kind": "accredited",
            "status": TrainingCentre.Status.RECOGNISED,
            "valid_from": today - datetime.timedelta(days=800),
            "valid_until": today + datetime.timedelta(days=300),
        },
    )
    if created:
        Recognition.objects.create(
            centre=centre,
            kind="accredited",
            valid_from=centre.valid_from,
            valid_until=centre.valid_until,
        )
    ines = people.get("institution")
    if ines is not None and not centre.members.filter(user=ines).exists():
        CentreMember.objects.create(
            centre=centre,
            role=CentreMember.Role.ADMIN,
            email=ines.email,
            user=ines,
            token_hash=token_digest(secrets.token_urlsafe(24)),
            joined_at=timezone.now(),
        )
    programme, created = Programme.objects.get_or_create(
        centre=centre,
        name=PROGRAMME,
        defaults={
            "hours": Decimal("36"),
            "mode": "blended",
            "description": "Contracting, listening, ethics and closure, in twelve sessions.",
        },
    )
    if created:
        programme.indicators.set(
            BehaviouralIndicator.objects.filter(number=1).order_by("competency__number")[:9]
        )
    cohort, _ = Cohort.objects.get_or_create(
        programme=programme,
        started_on=today - datetime.timedelta(days=500),
        defaults={
            "ended_on": today - datetime.timedelta(days=440),
            "instructor_name": "Inés Navarro",
            "instructor_email": "institution@demo.practicum.test",
        },
    )
    maya = people.get("mentor")
    if maya is None:
        return
    if not centre.members.filter(user=maya).exists():
        # She joined the centre's page, so the groups and labs it reserves show to her.
        CentreMember.objects.create(
            centre=centre,
            role=CentreMember.Role.MENTOR,
            email=maya.email,
            user=maya,
            token_hash=token_digest(secrets.token_urlsafe(24)),
            invited_by=ines,
            joined_at=timezone.now(),
        )
    if not Graduate.objects.filter(programme=programme, user=maya).exists():
        Graduate.objects.create(
            programme=programme,
            cohort=cohort,
            user=maya,
            name=maya.get_full_name(),
            email=maya.email,
            email_digest=email_digest(maya.email),
            hours=programme.hours,
            completed_on=cohort.ended_on,
            decided_at=timezone.now(),
        )
    # The demo's training record (made by load_demo before the apps' demo modules) cites the
    # registry. Looked up by name: this app sits below practice and does not import it.
    TrainingRecord = apps.get_model("practice", "TrainingRecord")
    TrainingRecord.objects.filter(
        mentor=maya, centre_name=CENTRE, programme_name=PROGRAMME, programme__isnull=True
    ).update(centre=centre, programme=programme, centre_type="accredited")
