"""The stored local month (SupervisionSession.local_month) and the chart that groups on it."""

import datetime
import random
import zoneinfo
from decimal import Decimal

import pytest
from django.apps import apps
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.forms.models import model_to_dict
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from practicum.accounts.forms import ProfileForm
from practicum.accounts.services import profile_update
from practicum.practice import progress, services
from practicum.practice.models import CpdEntry, SupervisionSession
from practicum.practice.tests.test_supervision_log import declare

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
# Zones far east and west, half-hour offsets, and daylight saving changed at midnight.
ZONES = (
    "UTC",
    "Europe/Madrid",
    "America/New_York",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
    "America/Santiago",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
)


def _session(mentor, relationship, starts_at, **extra):
    return SupervisionSession(
        mentor=mentor,
        relationship=relationship,
        starts_at=starts_at,
        duration_minutes=extra.pop("duration_minutes", 60),
        format="group",
        focus="x",
        status=extra.pop("status", "confirmed"),
        **extra,
    )


def _zoned(mentor, name):
    mentor.time_zone = name
    mentor.save(update_fields=["time_zone"])
    return zoneinfo.ZoneInfo(name)


def test_save_stores_the_month_on_the_mentors_calendar(mentor):
    relationship = declare(mentor)
    _zoned(mentor, "Europe/Madrid")
    late = services.session_log(
        mentor=mentor,
        relationship=relationship,
        starts_at=datetime.datetime(2026, 1, 31, 23, 30, tzinfo=UTC),  # 00:30 on 1 Feb in Madrid
        duration_minutes=60,
        format="one_to_one",
        focus="x",
        notify=False,
    )
    assert late.local_month == datetime.date(2026, 2, 1)
    services.session_update(session=late, starts_at=datetime.datetime(2026, 1, 15, 10, tzinfo=UTC))
    late.refresh_from_db()
    assert late.local_month == datetime.date(2026, 1, 1)


def test_bulk_create_fills_the_month(mentor):
    relationship = declare(mentor)
    _zoned(mentor, "America/New_York")
    SupervisionSession.objects.bulk_create(
        [_session(mentor, relationship, datetime.datetime(2026, 3, 1, 3, tzinfo=UTC))]
    )
    assert SupervisionSession.objects.get().local_month == datetime.date(2026, 2, 1)


def test_a_new_time_zone_re_dates_the_mentors_sessions(mentor, other_mentor):
    relationship = declare(mentor)
    _zoned(mentor, "UTC")
    moment = datetime.datetime(2026, 3, 31, 22, 30, tzinfo=UTC)
    SupervisionSession.objects.bulk_create(
        [
            _session(mentor, relationship, moment),
            _session(other_mentor, declare(other_mentor), moment),
        ]
    )
    data = model_to_dict(mentor, fields=ProfileForm._meta.fields)
    data.pop("photo")
    form = ProfileForm(data={**data, "time_zone": "Europe/Madrid"}, instance=mentor)
    assert form.is_valid(), form.errors
    profile_update(form=form)
    months = dict(SupervisionSession.objects.values_list("mentor_id", "local_month"))
    assert months == {
        mentor.pk: datetime.date(2026, 4, 1),
        other_mentor.pk: datetime.date(2026, 3, 1),
    }


def test_the_migration_backfills_every_row(mentor):
    backfill = __import__(
        "practicum.practice.migrations.0007_session_local_month", fromlist=["backfill"]
    ).backfill
    relationship = declare(mentor)
    zone = _zoned(mentor, "Pacific/Kiritimati")
    moment = datetime.datetime(2026, 5, 31, 11, tzinfo=UTC)  # 01:00 on 1 June at +14
    SupervisionSession.objects.bulk_create([_session(mentor, relationship, moment)])
    SupervisionSession.objects.update(local_month=None)
    backfill(apps, None)
    assert SupervisionSession.objects.get().local_month == datetime.date(2026, 6, 1)
    assert timezone.localtime(moment, zone).month == 6


def _old_monthly(mentor, today, zone):
    """The chart's former query: a zoned TruncMonth per row (the reference for the new one)."""
    months = progress._month_starts(today, progress.CHART_MONTHS)
    since = datetime.datetime.combine(months[0], datetime.time(), tzinfo=zone)
    rows = (
        SupervisionSession.objects.counted()
        .filter(mentor=mentor, starts_at__gte=since)
        .annotate(month=TruncMonth("starts_at", tzinfo=zone))
        .values("month")
        .annotate(minutes=Sum("duration_minutes"))
    )
    by_month = {
        r["month"].date() if isinstance(r["month"], datetime.datetime) else r["month"]: r
        for r in rows
    }
    return [
        (Decimal(by_month[m]["minutes"]) / 60 if m in by_month else Decimal(0)).quantize(
            Decimal("0.1")
        )
        for m in months
    ]


def _old_year(mentor, today, zone):
    """The year's figures as the dashboard formerly counted them: a zoned range of starts_at."""
    sessions = SupervisionSession.objects.filter(mentor=mentor).held_between(
        datetime.datetime(today.year, 1, 1, tzinfo=zone),
        datetime.datetime(today.year + 1, 1, 1, tzinfo=zone),
    )
    figures = sessions.aggregate(
        confirmed=Count("pk", filter=Q(status="confirmed")),
        pending=Count("pk", filter=Q(status="pending")),
        disputed=Count("pk", filter=Q(status="disputed")),
        minutes=Coalesce(Sum("duration_minutes", filter=Q(status="confirmed")), 0),
    )
    figures["hours"] = (Decimal(figures.pop("minutes")) / 60).quantize(Decimal("0.1"))
    return figures


def _old_cpd(mentor, today):
    """The CPD figures as formerly counted: the year's sum, and a TruncMonth per month."""
    months = progress._month_starts(today, progress.CHART_MONTHS)
    year = CpdEntry.objects.filter(mentor=mentor, occurred_on__year=today.year).aggregate(
        total=Coalesce(Sum("hours"), progress.ZERO)
    )["total"]
    by_month = {
        row["month"]: row["hours"]
        for row in CpdEntry.objects.filter(mentor=mentor, occurred_on__gte=months[0])
        .annotate(month=TruncMonth("occurred_on"))
        .values("month")
        .annotate(hours=Sum("hours"))
    }
    return year, [Decimal(by_month.get(m) or 0) for m in months]


@pytest.mark.parametrize("zone_name", ZONES)
def test_the_dashboard_matches_the_zoned_queries_it_replaced(mentor, zone_name):
    relationship = declare(mentor, started_on=datetime.date(2020, 1, 1))
    zone = _zoned(mentor, zone_name)
    today = datetime.date(2026, 11, 20)
    rng = random.Random(zone_name)
    moments = set()
    # Each first of a month at local midnight, a minute either side, and random instants; from
    # before the chart's first month to months after today (the current year's last month, and
    # the next year's first, which the year's figures must leave out).
    for months_back in range(-3, 27):
        year, month = divmod(2026 * 12 + 10 - months_back, 12)
        first = datetime.datetime(year, month + 1, 1, tzinfo=zone).astimezone(UTC)
        moments |= {
            first,
            first - datetime.timedelta(minutes=1),
            first + datetime.timedelta(minutes=1),
        }
    start = datetime.datetime(2024, 9, 1, tzinfo=UTC)
    moments |= {
        start + datetime.timedelta(minutes=rng.randrange(60 * 24 * 880)) for _ in range(300)
    }
    SupervisionSession.objects.bulk_create(
        [
            _session(
                mentor,
                relationship,
                moment,
                duration_minutes=rng.choice((30, 45, 60, 90)),
                status=rng.choice(("confirmed", "confirmed", "pending", "disputed")),
            )
            for moment in sorted(moments)
        ]
    )
    # CPD on each month's first and last days, twice on some days, with hundredths.
    days = [datetime.date(2024, 10, 31) + datetime.timedelta(days=n) for n in range(0, 800, 13)]
    days += [m - datetime.timedelta(days=1) for m in progress._month_starts(today, 27)]
    days += progress._month_starts(datetime.date(2027, 2, 1), 30)
    CpdEntry.objects.bulk_create(
        CpdEntry(
            mentor=mentor,
            category="other",
            title="x",
            occurred_on=day,
            hours=Decimal(rng.randrange(1, 1000)) / 100,
        )
        for day in days + days[::3]
    )
    with timezone.override(zone):
        new = progress.mentor_progress(mentor, today)
        assert [bar.supervision_hours for bar in new.months] == _old_monthly(mentor, today, zone)
        old = _old_year(mentor, today, zone)
    assert (
        new.sessions_confirmed,
        new.sessions_pending,
        new.sessions_disputed,
        new.supervision_hours,
    ) == (old["confirmed"], old["pending"], old["disputed"], old["hours"])
    old_cpd_year, old_cpd_months = _old_cpd(mentor, today)
    assert new.cpd_hours == old_cpd_year
    assert [bar.cpd_hours for bar in new.months] == old_cpd_months
    assert sum(bar.supervision_hours for bar in new.months) > 0 and old["disputed"] > 0
    assert new.cpd_hours > 0


def test_the_dashboard_stays_flat_and_groups_on_the_stored_month(
    client, mentor, django_assert_max_num_queries, page_cache_off
):
    relationship = declare(mentor, started_on=datetime.date(2020, 1, 1))
    client.force_login(mentor)
    url = reverse("practice:mentor_dashboard")
    with django_assert_max_num_queries(17) as few:
        client.get(url)
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    SupervisionSession.objects.bulk_create(
        _session(mentor, relationship, now - datetime.timedelta(hours=8 * n))
        for n in range(1, 2001)
    )
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        response = client.get(url)
    assert sum(bar.supervision_hours for bar in response.context["progress"].months) == 2000
    chart = [q["sql"] for q in many.captured_queries if "local_month" in q["sql"]]
    assert len(chart) == 1 and "GROUP BY" in chart[0].upper()
    assert not any(
        "trunc" in q["sql"].lower() and "starts_at" in q["sql"] for q in many.captured_queries
    )


def test_saving_without_a_new_start_does_not_load_the_mentor(mentor, django_assert_num_queries):
    relationship = declare(mentor)
    SupervisionSession.objects.bulk_create(
        [_session(mentor, relationship, datetime.datetime(2026, 3, 1, 3, tzinfo=UTC))]
    )
    session = SupervisionSession.objects.get()
    session.status = "disputed"
    with django_assert_num_queries(1):  # the UPDATE only
        session.save()
    session.starts_at = datetime.datetime(2026, 4, 1, 3, tzinfo=UTC)
    session.save()
    session.refresh_from_db()
    assert session.local_month == datetime.date(2026, 4, 1)


def test_a_zone_changed_in_the_admin_re_dates_the_sessions_too(client, site_admin, mentor):
    relationship = declare(mentor)
    _zoned(mentor, "UTC")
    SupervisionSession.objects.bulk_create(
        [_session(mentor, relationship, datetime.datetime(2026, 3, 31, 22, 30, tzinfo=UTC))]
    )
    client.force_login(site_admin)
    url = reverse("admin:accounts_user_change", args=[mentor.pk])
    grant = mentor.role_grants.get()
    response = client.post(
        url,
        {
            "email": mentor.email,
            "full_name": mentor.full_name,
            "country": "",
            "time_zone": "Europe/Madrid",
            "preferred_language": "en",
            "bio": "",
            "membership_status": mentor.membership_status,
            "membership_number": mentor.membership_number,
            "membership_valid_until": "",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
            "role_grants-TOTAL_FORMS": "1",
            "role_grants-INITIAL_FORMS": "1",
            "role_grants-0-id": str(grant.pk),
            "role_grants-0-user": str(mentor.pk),
            "role_grants-0-role": grant.role,
        },
    )
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    assert SupervisionSession.objects.get().local_month == datetime.date(2026, 4, 1)


@pytest.mark.parametrize("language", ["en", "es", "ar", "es", "en"])
def test_the_charts_names_and_figures_are_what_the_template_filters_wrote(language):
    # chart_bars formats each month's name and CPD hours once per process and language: the
    # text must be what |date and |floatformat wrote in the template, in every language in turn.
    hours = [Decimal("0"), Decimal("3.50"), Decimal("2.25"), Decimal("7"), Decimal("0.1")]
    months = progress._month_starts(datetime.date(2026, 11, 20), progress.CHART_MONTHS)
    shown = progress.MentorProgress(
        year=2026,
        sessions_confirmed=0,
        sessions_pending=0,
        sessions_disputed=0,
        supervision_hours=Decimal(0),
        cpd_hours=Decimal(0),
        engagements_completed=0,
        references_verified=0,
        training_hours=Decimal(0),
        months=[
            progress.MonthBar(m, Decimal("1.5"), hours[n % len(hours)])
            for n, m in enumerate(months)
        ],
    )
    filters = Template('{{ m|date:"M y" }}|{{ m|date:"F Y" }}|{{ h|floatformat:"-1" }}')
    with translation.override(language):
        bars = progress.chart_bars(shown)
        for bar in bars:
            short, name, cpd = filters.render(Context({"m": bar.label, "h": bar.cpd_hours})).split(
                "|"
            )
            assert (bar.short_name or short, bar.month_name, bar.cpd_text) == (short, name, cpd)
            assert bool(bar.short_name) == bar.show_label
    assert any(bar.show_label for bar in bars)
