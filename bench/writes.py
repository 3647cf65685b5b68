"""Targets for the benchmark's scripted writes: run by bench/run.py as `manage.py shell -c`.

Each write the benchmark measures must do a real, distinct, successful write for every request
of every run, so this makes BENCH_WRITE_TARGETS of each up front, in bulk, and writes them to a
file a line a request (path, body and the session cookie, tab-separated) that bench/targets.lua
replays, each run from its own slice of lines:

- sign off: pending sessions logged with the demo supervisor by bench-only mentors (not the demo
  mentor, whose measured pages would otherwise carry them), each confirmed by the supervisor;
- book: free one-to-one slots of bench-only supervisors (listed, 30-minute slots all day and
  week in their own zones, a year ahead), each booked by its own bench-only mentor: a mentor and
  a supervisor per pair, so no two bookings clash, and slots after the pairs' latest booking,
  so a later call (the next data size) finds them free.

People are found again by email (a second call adds targets, never people). Prints WRITES and
JSON: per write, its file, its number of targets and what a success answers.
"""

import datetime
import html
import json
import os
import random

from django.db import transaction
from django.db.models import Max, Min
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from bench.signed_in import cookie
from practicum.accounts.models import Role, RoleGrant, User
from practicum.frameworks.models import PledgeAcceptance
from practicum.frameworks.services import current_code
from practicum.practice.models import (
    FocusArea,
    SessionFormat,
    SupervisionRelationship,
    SupervisionSession,
)
from practicum.supervision import slots as slot_math
from practicum.supervision.models import AvailabilityWindow, Booking, SupervisorProfile

DOMAIN = "bench.practicum.test"
PAIRS = 16  # mentors with pending sessions; mentor-supervisor pairs that book
SLOT_MINUTES = 30
ZONES = ("Europe/London", "America/New_York", "Asia/Kolkata", "Africa/Lagos", "UTC")
BATCH = 2000

wanted = int(os.environ["BENCH_WRITE_TARGETS"])
folder = os.environ["BENCH_TARGETS_DIR"]
code = current_code()
now = timezone.now()
random.seed(wanted)


def people(kind, roles):
    """PAIRS bench users of one kind with `roles` and the pledge, made once."""
    emails = [f"{kind}{n:02d}@{DOMAIN}" for n in range(PAIRS)]
    have = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    new = [
        User(email=e, full_name=f"Bench {kind.title()} {n:02d}", time_zone=ZONES[n % len(ZONES)])
        for n, e in enumerate(emails)
        if e not in have
    ]
    for user in new:
        user.set_unusable_password()
    User.objects.bulk_create(new)
    users = list(User.objects.filter(email__in=emails).order_by("email"))
    if new:
        RoleGrant.objects.bulk_create(
            [RoleGrant(user=u, role=role) for u in users for role in roles],
            ignore_conflicts=True,
        )
        if code is not None:
            PledgeAcceptance.objects.bulk_create(
                [PledgeAcceptance(user=u, framework=code) for u in users], ignore_conflicts=True
            )
    return users


def write(name, lines):
    path = os.path.join(folder, f"{name}.targets")
    with open(path, "w") as out:
        out.writelines("\t".join(line) + "\n" for line in lines)
    return path


def sign_off_targets(supervisor):
    mentors = people("signoff", [Role.MENTOR])
    relationships = {r.mentor_id: r for r in SupervisionRelationship.objects.filter(
        mentor__in=mentors, supervisor=supervisor, ended_on__isnull=True)}  # fmt: skip
    SupervisionRelationship.objects.bulk_create(
        [
            SupervisionRelationship(
                mentor=m,
                supervisor=supervisor,
                focus_area=FocusArea.BOTH,
                started_on=datetime.date(2010, 1, 1),
                frequency="Monthly, 60 minutes",
            )
            for m in mentors
            if m.pk not in relationships
        ]
    )
    relationships = {r.mentor_id: r for r in SupervisionRelationship.objects.filter(
        mentor__in=mentors, supervisor=supervisor, ended_on__isnull=True)}  # fmt: skip
    # Hourly backwards from before the earliest one made so far: (relationship, start) unique.
    earliest = SupervisionSession.objects.filter(relationship__in=relationships.values()).aggregate(
        first=Min("starts_at")
    )["first"]
    base = earliest or now.replace(minute=0, second=0, microsecond=0) - datetime.timedelta(days=1)
    sessions = [
        SupervisionSession(
            mentor=mentors[n % PAIRS],
            relationship=relationships[mentors[n % PAIRS].pk],
            starts_at=base - datetime.timedelta(hours=n // PAIRS + 1),
            duration_minutes=random.choice((45, 60, 90)),
            format=SessionFormat.ONE_TO_ONE,
            focus="Bench: a session to sign off",
            status=SupervisionSession.Status.PENDING,
        )
        for n in range(wanted)
    ]
    SupervisionSession.objects.bulk_create(sessions, batch_size=BATCH)
    session = cookie(supervisor)
    body = "decision=confirm&reason="
    lines = [(reverse("practice:sign_off_session", args=[s.pk]), body, session) for s in sessions]
    with translation.override(supervisor.preferred_language):
        done = gettext("You confirmed the session. The mentor has been told.")
    return {"file": write("sign_off", lines), "count": len(lines), "status": 200,
            "text": html.escape(done)}  # fmt: skip


def booking_targets():
    supervisors = people("supervisor", [Role.MENTOR, Role.SUPERVISOR])
    mentors = people("booker", [Role.MENTOR])
    cookies = [cookie(m) for m in mentors]
    SupervisorProfile.objects.bulk_create(
        [
            SupervisorProfile(
                user=s,
                bio="Bench supervisor.",
                focus_area=FocusArea.BOTH,
                experience="Bench.",
                offers_one_to_one=True,
                accepting_new=True,
                slot_minutes=SLOT_MINUTES,
                notice_hours=24,
                booking_horizon_days=365,
                is_listed=True,
            )
            for s in supervisors
        ],
        ignore_conflicts=True,
    )
    if not AvailabilityWindow.objects.filter(supervisor__in=supervisors).exists():
        AvailabilityWindow.objects.bulk_create(
            AvailabilityWindow(supervisor=s, weekday=day, start_time=datetime.time(0, 0),
                               end_time=datetime.time(23, 59), time_zone=s.time_zone)
            for s in supervisors
            for day in range(7)
        )  # fmt: skip
    latest = dict(
        Booking.objects.filter(supervisor__in=supervisors, status=Booking.Status.BOOKED)
        .values_list("supervisor")
        .annotate(last=Max("starts_at"))
    )
    # Two days ahead leaves the 24-hour notice room for a run of minutes; the horizon a year.
    earliest = now + datetime.timedelta(days=2)
    horizon = now + datetime.timedelta(days=364)
    per_pair = -(-wanted // PAIRS)
    days = per_pair // (24 * 60 // SLOT_MINUTES - 1) + 2
    free = []
    for supervisor in supervisors:
        start = max(earliest, latest.get(supervisor.pk, earliest) + datetime.timedelta(minutes=1))
        end = start + datetime.timedelta(days=days)
        if end > horizon:
            raise SystemExit("bench: the bench supervisors' year of slots is used up")
        windows = AvailabilityWindow.objects.filter(supervisor=supervisor)
        slots = slot_math.expand_windows(
            windows, [], slot_minutes=SLOT_MINUTES, start=start, end=end
        )
        free.append(slots[:per_pair])
    lines = []
    for n in range(wanted):
        pair = n % PAIRS
        slot = free[pair][n // PAIRS]
        body = "starts_at=" + slot.starts_at.isoformat().replace("+", "%2B") + "&confirm=yes"
        path = reverse("supervision:book", args=[supervisors[pair].public_id])
        lines.append((path, body, cookies[pair]))
    detail = reverse("supervision:booking_detail", args=["CODE"]).replace("CODE/", "")
    return {"file": write("book", lines), "count": len(lines), "status": 302, "text": detail}


out = {}
samir = User.objects.filter(email="supervisor@demo.practicum.test").first()
with transaction.atomic():
    if samir is not None:
        out["sign_off"] = sign_off_targets(samir)
    out["book"] = booking_targets()
print("WRITES" + json.dumps(out))
