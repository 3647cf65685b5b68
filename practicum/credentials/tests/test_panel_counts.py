"""The panel's per-cycle-year session figures, counted by the database (evidence.session_counts),
are the figures the engine counts from every session read into Python."""

import dataclasses
import datetime
import random
import zoneinfo

import pytest
from django.urls import reverse

from practicum.credentials import eligibility
from practicum.credentials.eligibility import Cycle
from practicum.credentials.evidence import gather, session_counts
from practicum.credentials.models import add_years, body_today
from practicum.credentials.rules import Requirement
from practicum.credentials.services import mentor_overview
from practicum.credentials.tests import builders
from practicum.practice.models import SupervisionSession

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
# Far east and west, half-hour offsets, daylight saving changed at midnight (Santiago, Havana).
ZONES = (
    "UTC",
    "Europe/Madrid",
    "America/Santiago",
    "America/Havana",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
)


def _sessions(mentor, relationship, moments, rng):
    SupervisionSession.objects.bulk_create(
        SupervisionSession(
            mentor=mentor,
            relationship=relationship,
            starts_at=moment,
            duration_minutes=60,
            format="group",
            focus="x",
            status=rng.choice(("confirmed", "confirmed", "pending", "disputed")),
        )
        for moment in sorted(set(moments))
    )


def _clock_change(zone) -> datetime.date | None:
    """The first day of 2022 on which the zone's clocks change, if they do."""
    day = datetime.date(2022, 1, 1)
    while day.year == 2022:
        before = datetime.datetime.combine(day, datetime.time(), tzinfo=zone).utcoffset()
        after = datetime.datetime.combine(day, datetime.time(23), tzinfo=zone).utcoffset()
        if before != after:
            return day
        day += datetime.timedelta(days=1)
    return None


@pytest.mark.parametrize("zone_name", ZONES)
def test_database_counts_equal_the_engines_counts(mentor, zone_name):
    mentor.time_zone = zone_name
    mentor.save(update_fields=["time_zone"])
    zone = zoneinfo.ZoneInfo(zone_name)
    rng = random.Random(zone_name)
    start = _clock_change(zone) or datetime.date(2022, 3, 27)
    cycle = Cycle(start, add_years(start, 5))  # its years begin on a clock-change day
    relationship = builders.supervisor(mentor)
    moments = []
    # Each cycle-year edge at local midnight, a minute and an hour either side, and random ones
    # from before the cycle to after it.
    for _n, start, _end in eligibility.cycle_years(cycle) + [(0, cycle.end, None)]:
        edge = datetime.datetime.combine(start, datetime.time(), tzinfo=zone).astimezone(UTC)
        for minutes in (-61, -1, 0, 1, 61):
            moments.append(edge + datetime.timedelta(minutes=minutes))
    first = datetime.datetime(2021, 9, 1, tzinfo=UTC)
    moments += [
        first + datetime.timedelta(minutes=rng.randrange(60 * 24 * 2200)) for _ in range(400)
    ]
    _sessions(mentor, relationship, moments, rng)

    requirement = Requirement(kind="sessions_per_cycle_year", params={"count": 5})
    years = eligibility.cycle_years(cycle)
    engine = eligibility.sessions_per_cycle_year(requirement, gather(mentor), cycle=cycle)
    counts = session_counts(mentor, [(start, end) for _n, start, end in years])
    database = eligibility.sessions_per_cycle_year(
        requirement, eligibility.Records(session_counts=counts), cycle=cycle
    )
    assert database.facts == engine.facts
    assert database.met == engine.met
    assert sum(y["confirmed"] + y["pending"] for y in engine.facts["years"]) > 100


def test_the_overview_matches_the_full_read_for_a_holder(rules, mentor):
    mentor.time_zone = "Pacific/Kiritimati"
    mentor.save(update_fields=["time_zone"])
    today = body_today()
    start = add_years(today, -1) - datetime.timedelta(days=30)
    builders.credential(mentor, "CMM", start)
    relationship = builders.supervisor(mentor)
    rng = random.Random(1)
    moments = [
        datetime.datetime.combine(start, datetime.time(), tzinfo=UTC)
        + datetime.timedelta(hours=rng.randrange(24 * 400))
        for _ in range(200)
    ]
    _sessions(mentor, relationship, moments, rng)
    item = next(i for i in mentor_overview(mentor, today) if i.held is not None)
    records = dataclasses.replace(gather(mentor), session_counts=None)
    full = eligibility.evaluate(
        item.rules.renewal.requirements,
        records,
        today=today,
        cycle=Cycle(item.held.valid_from, item.held.expires_on),
    )
    kind = "sessions_per_cycle_year"
    assert item.renewal.result(kind).facts == full.result(kind).facts
    assert [r.met for r in item.renewal.results] == [r.met for r in full.results]


def test_the_panel_stays_flat_with_two_thousand_sessions(
    client, rules, mentor, django_assert_max_num_queries, page_cache_off
):
    today = body_today()
    start = add_years(today, -1) - datetime.timedelta(days=30)
    builders.credential(mentor, "CMM", start)
    relationship = builders.supervisor(mentor)
    client.force_login(mentor)
    with django_assert_max_num_queries(20) as few:
        assert client.get(reverse("credentials:dashboard_panel")).status_code == 200
    baseline = len(few.captured_queries)
    now = datetime.datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    _sessions(
        mentor,
        relationship,
        [now - datetime.timedelta(hours=6 * (n + 1)) for n in range(2000)],
        random.Random(2),
    )
    with django_assert_max_num_queries(baseline) as many:
        html = client.get(reverse("credentials:dashboard_panel")).content.decode()
    assert "Year 2" in html
    # No query reads the sessions themselves: only the one bounded aggregate touches them.
    reads = [q["sql"] for q in many.captured_queries if "practice_supervisionsession" in q["sql"]]
    assert len(reads) == 1 and "COUNT(" in reads[0].upper()


def test_supervisor_facts_name_each_supervisor_without_reading_the_contract(
    mentor, supervisor, other_mentor, django_assert_num_queries
):
    other_mentor.full_name = ""  # named by their email, as get_full_name does
    other_mentor.save(update_fields=["full_name"])
    on_platform = builders.supervisor(mentor, supervisor=supervisor, external_name="")
    unnamed = builders.supervisor(mentor, supervisor=other_mentor, external_name="")
    unnamed.ended_on = datetime.date(2024, 1, 1)
    unnamed.save(update_fields=["ended_on"])
    external = builders.supervisor(mentor)
    gather(mentor)  # warm
    with django_assert_num_queries(7) as queries:
        facts = gather(mentor).supervisors
    assert {(f.id, f.name, f.active) for f in facts} == {
        (on_platform.pk, "Sam Supervisor", True),
        (unnamed.pk, "omar@example.org", False),
        (external.pk, "Edith External", True),
    }
    assert not any("contract_fees" in q["sql"] for q in queries.captured_queries)


def test_the_panel_names_an_open_application_without_reading_its_evidence(
    client, rules, mentor, django_assert_max_num_queries, page_cache_off
):
    builders.make_eligible_for_cmm(mentor)
    application = builders.apply_and_submit(mentor)
    assert application.snapshot  # frozen, encrypted evidence the panel has no use for
    client.force_login(mentor)
    client.get(reverse("credentials:dashboard_panel"))
    with django_assert_max_num_queries(12) as queries:
        html = client.get(reverse("credentials:dashboard_panel")).content.decode()
    assert application.reference in html
    assert application.get_status_display() in html
    assert not any('"snapshot"' in q["sql"] for q in queries.captured_queries)
