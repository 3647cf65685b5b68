"""Fill the database with realistic volume for benchmarks: many mentors and millions of sessions.

Development and benchmarks only (refuses when DEBUG is off, like load_demo). Idempotent: a second
run with the same numbers adds nothing (people are found by their email, and each mentor's
supervisor relationship is topped up to its count of sessions).

Sessions are the bulk (2 million by default), so they skip Django's model layer: each row is a
tuple of database values, written with executemany on SQLite and COPY on PostgreSQL, in one
transaction per chunk of CHUNK rows. Building model instances and preparing each value through
its field cost 90 % of the time that way took (about an hour for the default size). What the app
keeps on write is filled here the same way: the stored `local_month` (the start's month on the
mentor's calendar, as `SupervisionSession.save` sets it), `created_at` and `updated_at`; every
other column takes its model default, prepared once by its field. Every tenth session carries an
encrypted key learning that the pages decrypt; those ciphertexts come from a pool of ENCRYPTED
distinct ones (each a real Fernet token of the same text), since encrypting 200,000 of them one
by one cost minutes.
"""

import datetime
import gc
import random
import time
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from practicum.accounts.models import Role, RoleGrant, User
from practicum.frameworks import services as framework_services
from practicum.frameworks.models import PledgeAcceptance
from practicum.lib import pagecache
from practicum.lib.crypto import encrypt
from practicum.lib.dates import user_zone
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
# Rows per transaction: large enough that commits are rare, small enough that SQLite's WAL file
# stays bounded (it is checkpointed between transactions) and memory stays flat.
CHUNK = 100_000
ENCRYPTED = 1000
LEARNING = "Noticed my own pattern of rescuing."
# The columns each session row sets itself; every other column takes its model default.
VARYING = (
    "mentor",
    "relationship",
    "starts_at",
    "duration_minutes",
    "format",
    "focus",
    "key_learnings",
    "status",
    "signed_off_at",
    "signed_off_by_name",
    "local_month",
)


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
        began = time.monotonic()
        random.seed(20261202)
        people = self._mentors(mentors, code)
        big = self._big_mentor(code)
        per_mentor = max(1, (sessions - big_mentor_sessions) // max(1, len(people)))
        wanted = [(big, big_mentor_sessions), *((mentor, per_mentor) for mentor in people)]
        # Each chunk is 100,000 new tuples, which the cyclic garbage collector would walk over
        # and over (a tenth of the time) though none of them can form a cycle.
        gc.disable()
        try:
            made = self._sessions(wanted, began)
        finally:
            gc.enable()
        self.stdout.write(
            self.style.SUCCESS(
                f"Scale data: {len(people) + 1} mentors, {made} new sessions "
                f"in {time.monotonic() - began:.0f} s."
            )
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

    def _sessions(self, wanted: list[tuple[User, int]], began: float) -> int:
        """Top up each mentor's sessions to its count; returns how many rows were added."""
        relationships = _relationships([mentor for mentor, _count in wanted])
        have = dict(
            SupervisionSession.objects.filter(relationship__in=relationships.values())
            .values_list("relationship")
            .annotate(n=Count("id"))
        )
        engaged = set(
            MentoringEngagement.objects.filter(mentor__in=list(relationships))
            .values_list("mentor_id", flat=True)
            .distinct()
        )
        writer = _SessionWriter()
        # Sessions every 6 hours backwards from now keeps (relationship, start) unique.
        now = timezone.now().replace(minute=0, second=0, microsecond=0)
        made = 0
        rows: list[tuple] = []
        welcome: list[User] = []
        for index, (mentor, count) in enumerate(wanted):
            relationship = relationships[mentor.pk]
            start = have.get(relationship.pk, 0)
            if start < count:
                rows += writer.rows(mentor, relationship, start, count, now)
                if mentor.pk not in engaged:
                    welcome.append(mentor)
            if len(rows) >= CHUNK or index == len(wanted) - 1:
                with transaction.atomic():
                    writer.write(rows)
                    _engagements_and_cpd(welcome)
                made += len(rows)
                rows, welcome = [], []
                self.stdout.write(
                    f"  {index + 1}/{len(wanted)} mentors, {made} sessions so far "
                    f"({time.monotonic() - began:.0f} s)"
                )
                self.stdout.flush()
        return made


class _SessionWriter:
    """Session rows as tuples of database values, and how to write many of them at once."""

    def __init__(self):
        fields = [f for f in SupervisionSession._meta.concrete_fields if not f.primary_key]
        self.columns = [f.column for f in fields]
        template = SupervisionSession(status=SupervisionSession.Status.PENDING)
        # Every column not in VARYING holds its default, prepared by its own field once (this
        # also stamps created_at and updated_at, as a save would).
        self.constants = {
            f.attname: f.get_db_prep_save(f.pre_save(template, add=True), connection)
            for f in fields
            if f.name not in VARYING
        }
        order = [f.attname for f in fields]
        self.base = [self.constants.get(name) for name in order]
        self.position = {name: i for i, name in enumerate(order)}
        self.learnings = [encrypt(LEARNING) for _ in range(ENCRYPTED)]
        self.sqlite = connection.vendor == "sqlite"
        self.moments: dict[tuple, list[tuple]] = {}

    def rows(self, mentor: User, relationship, start: int, count: int, now) -> list[tuple]:
        zone = user_zone(mentor)
        confirmed, pending = SupervisionSession.Status.CONFIRMED, SupervisionSession.Status.PENDING
        formats = SessionFormat.values
        at = self.position
        row = list(self.base)
        row[at["mentor_id"]] = mentor.pk
        row[at["relationship_id"]] = relationship.pk
        moments = self._moments(now, zone, count)
        rows = []
        for n in range(start, count):
            signed = bool(n % 7)
            starts, signed_at, month = moments[n]
            row[at["starts_at"]] = starts
            # The same draws in the same order as the model-based loader made.
            row[at["duration_minutes"]] = random.choice((45, 60, 90))
            row[at["format"]] = random.choice(formats)
            row[at["focus"]] = random.choice(FOCI)
            row[at["key_learnings"]] = self.learnings[n // 10 % ENCRYPTED] if n % 10 == 0 else ""
            row[at["status"]] = confirmed if signed else pending
            row[at["signed_off_at"]] = signed_at if signed else None
            row[at["signed_off_by_name"]] = "Sol Supervisor" if signed else ""
            row[at["local_month"]] = month
            rows.append(tuple(row))
        return rows

    def _moments(self, now, zone, count: int) -> list[tuple]:
        """The n-th session's start, sign-off and local month as database values, for every n
        below count. Every mentor's n-th session starts at the same moment, and there are six
        zones, so each is computed once, not once a row (formatting them was most of the work).
        """
        moments = self.moments.setdefault((now, zone), [])
        # On SQLite, Django stores a moment (here in UTC) as its naive text and a date as its ISO
        # text (adapt_datetimefield_value, adapt_datefield_value); psycopg takes the objects.
        moment, text = (_naive_text, str) if self.sqlite else (_same, _same)
        day_after = datetime.timedelta(days=1)
        for n in range(len(moments), count):
            starts = now - datetime.timedelta(hours=6 * (n + 1))
            # local_month_of(starts, zone), as save() stores it, minus localtime()'s checks.
            month = starts.astimezone(zone).date().replace(day=1)
            moments.append((moment(starts), moment(starts + day_after), text(month)))
        return moments

    def write(self, rows: list[tuple]) -> None:
        if not rows:
            return
        table = connection.ops.quote_name(SupervisionSession._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        if connection.vendor == "postgresql":
            # COPY goes past Django's cursor, so the page cache's write watcher does not see it:
            # start a new data generation when these rows commit, as any write would.
            transaction.on_commit(pagecache.bump)
            copying = f"COPY {table} ({columns}) FROM STDIN"
            with connection.cursor() as cursor, cursor.cursor.copy(copying) as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(self.columns))
        with connection.cursor() as cursor:
            # This connection only, for the load: nine indexes take every row, and SQLite's
            # default 2 MB page cache would reread their pages from the OS many times over.
            cursor.execute("PRAGMA cache_size = -262144")
        # Table and column names come from the model, quoted; the values are parameters.
        inserting = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
        with connection.cursor() as cursor:
            for i in range(0, len(rows), BATCH):
                cursor.executemany(inserting, rows[i : i + BATCH])


def _same(value):
    return value


def _naive_text(moment: datetime.datetime) -> str:
    return str(moment.replace(tzinfo=None))


def _relationships(mentors: list[User]) -> dict[int, SupervisionRelationship]:
    """Each mentor's supervisor relationship (their first), created where missing."""
    found: dict[int, SupervisionRelationship] = {}
    ids = [mentor.pk for mentor in mentors]
    # A mentor's first in the model's order, as the one-at-a-time loader's .first() took.
    for relationship in SupervisionRelationship.objects.filter(mentor__in=ids).order_by(
        "-started_on", "pk"
    ):
        found.setdefault(relationship.mentor_id, relationship)
    missing = [mentor for mentor in mentors if mentor.pk not in found]
    with transaction.atomic():
        SupervisionRelationship.objects.bulk_create(
            [
                SupervisionRelationship(
                    mentor=mentor,
                    external_name="Sol Supervisor",
                    external_email=f"sol@{DOMAIN}",
                    focus_area=FocusArea.BOTH,
                    started_on=datetime.date(2010, 1, 1),
                )
                for mentor in missing
            ],
            batch_size=BATCH,
        )
    if missing:
        return _relationships(mentors)
    return found


def _engagements_and_cpd(mentors: list[User]) -> None:
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
            for mentor in mentors
            for k in range(6)
        ],
        batch_size=BATCH,
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
            for mentor in mentors
            for k in range(8)
        ],
        batch_size=BATCH,
    )


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
