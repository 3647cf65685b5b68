"""How far a mentor has come: the Mentor Dashboard's numbers, in a fixed number of queries.

The thresholds (sessions a year, engagements, references, training hours) are the credential
rules' own: `credentials` registers the source in `TARGET_SOURCES` from its AppConfig.ready()
(practice may not import it), and this module reads them through `dashboard_targets`.
"""

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, Sum, Value
from django.db.models.functions import Coalesce
from django.template.defaultfilters import floatformat
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from practicum.practice.models import (
    CpdEntry,
    MentoringEngagement,
    Reference,
    SupervisionRelationship,
    SupervisionSession,
    TrainingRecord,
)


@dataclass(frozen=True)
class Targets:
    """What the dashboard counts towards; None where no rule in force sets a figure."""

    sessions_per_year: int | None = None
    engagements: int | None = None
    references: int | None = None
    training_hours: Decimal | None = None


# Each takes a date and returns the Targets in force then, or None. Filled by `credentials`.
TARGET_SOURCES: list[Callable[[datetime.date], Targets | None]] = []


def dashboard_targets(today: datetime.date | None = None) -> Targets:
    today = today or timezone.localdate()
    for source in TARGET_SOURCES:
        targets = source(today)
        if targets is not None:
            return targets
    return Targets()


CHART_MONTHS = 24
ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=8, decimal_places=2))


@dataclass
class MonthBar:
    month: datetime.date
    supervision_hours: Decimal
    cpd_hours: Decimal


@dataclass
class MentorProgress:
    year: int
    sessions_confirmed: int
    sessions_pending: int
    sessions_disputed: int
    supervision_hours: Decimal
    cpd_hours: Decimal
    engagements_completed: int
    references_verified: int
    training_hours: Decimal
    targets: Targets = field(default_factory=Targets)
    months: list[MonthBar] = field(default_factory=list)
    has_supervisor: bool = True
    next_steps: list[str] = field(default_factory=list)

    @property
    def chart_max(self) -> Decimal:
        peak = max((m.supervision_hours + m.cpd_hours for m in self.months), default=0)
        return max(Decimal(peak), Decimal(1))


def _month_starts(today: datetime.date, count: int) -> list[datetime.date]:
    months, year, month = [], today.year, today.month
    for _i in range(count):
        months.append(datetime.date(year, month, 1))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(months))


def mentor_progress(mentor, today: datetime.date | None = None) -> MentorProgress:
    """The dashboard's figures. Sessions and CPD are read once each, grouped by the database
    over the chart's 24 months (which always hold the whole current year): the year's figures
    and the chart's bars are both summed from those few rows, never from the sessions."""
    today = today or timezone.localdate()
    months = _month_starts(today, CHART_MONTHS)
    status = SupervisionSession.Status

    # local_month is the month of starts_at on the mentor's calendar, stored on write in the
    # zone the page is shown in (the mentor's own: UserPreferencesMiddleware and user_zone
    # agree): its year is the calendar year in which the session was held there, the same
    # sessions a zoned [1 January, next 1 January) range of starts_at selects.
    counts: dict[str, int] = {status.CONFIRMED: 0, status.PENDING: 0, status.DISPUTED: 0}
    year_minutes = 0
    chart_minutes: dict[datetime.date, int] = {}
    for month, state, n, minutes in (
        SupervisionSession.objects.filter(mentor=mentor, local_month__gte=months[0])
        .order_by()
        .values_list("local_month", "status")
        .annotate(n=Count("pk"), minutes=Sum("duration_minutes"))
        .values_list("local_month", "status", "n", "minutes")
    ):
        if month.year == today.year and state in counts:
            counts[state] += n
            if state == status.CONFIRMED:
                year_minutes += minutes
        if state == status.CONFIRMED:
            chart_minutes[month] = minutes

    # Per day, not per month: a zoned TruncMonth is Python per row on SQLite, and a day is
    # already on every calendar (occurred_on is a date).
    cpd_year = Decimal(0)
    cpd_months: dict[datetime.date, Decimal] = {}
    for day, hours in (
        CpdEntry.objects.filter(mentor=mentor, occurred_on__gte=months[0])
        .order_by()
        .values_list("occurred_on")
        .annotate(hours=Sum("hours"))
        .values_list("occurred_on", "hours")
    ):
        if day.year == today.year:
            cpd_year += hours
        month = day.replace(day=1)
        cpd_months[month] = cpd_months.get(month, 0) + hours

    engagements = MentoringEngagement.objects.filter(
        mentor=mentor, status=MentoringEngagement.Status.COMPLETED
    ).count()
    references = Reference.objects.filter(
        engagement__mentor=mentor, status__in=Reference.VERIFIED
    ).count()
    training = TrainingRecord.objects.filter(mentor=mentor).aggregate(
        total=Coalesce(Sum("hours"), ZERO)
    )["total"]

    progress = MentorProgress(
        year=today.year,
        sessions_confirmed=counts[status.CONFIRMED],
        sessions_pending=counts[status.PENDING],
        sessions_disputed=counts[status.DISPUTED],
        supervision_hours=_hours(year_minutes),
        cpd_hours=cpd_year,
        engagements_completed=engagements,
        references_verified=references,
        training_hours=training,
        targets=dashboard_targets(today),
        months=[
            MonthBar(
                month=m,
                supervision_hours=_hours(chart_minutes.get(m, 0)),
                cpd_hours=Decimal(cpd_months.get(m, 0)),
            )
            for m in months
        ],
        has_supervisor=SupervisionRelationship.objects.active().filter(mentor=mentor).exists(),
    )
    progress.next_steps = _next_steps(progress)
    return progress


def _hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / 60).quantize(Decimal("0.1"))


class Step(str):
    """A next step's sentence, with the page where it is done (a URL name) when there is one."""

    def __new__(cls, text: str, url_name: str = ""):
        step = super().__new__(cls, text)
        step.url_name = url_name
        return step


def _next_steps(p: MentorProgress) -> list[str]:
    """In the order that works: a supervisor before sessions (a session is logged against a
    declared supervisor), training, then engagements before their references."""
    steps = []
    if not p.has_supervisor:
        steps.append(
            Step(
                _("Declare your mentoring supervisor: sessions are logged with them."),
                "practice:relationship_create",
            )
        )
    if p.sessions_pending:
        steps.append(
            ngettext(
                "%(n)d session awaits your supervisor’s sign-off.",
                "%(n)d sessions await your supervisor’s sign-off.",
                p.sessions_pending,
            )
            % {"n": p.sessions_pending}
        )
    if p.sessions_disputed:
        steps.append(
            Step(
                ngettext(
                    "%(n)d session was disputed: read why and correct it.",
                    "%(n)d sessions were disputed: read why and correct them.",
                    p.sessions_disputed,
                )
                % {"n": p.sessions_disputed},
                "practice:session_list",
            )
        )
    t = p.targets
    missing = (t.sessions_per_year or 0) - p.sessions_confirmed - p.sessions_pending
    if missing > 0:
        steps.append(
            Step(
                ngettext(
                    "Log %(n)d more supervision session this year.",
                    "Log %(n)d more supervision sessions this year.",
                    missing,
                )
                % {"n": missing},
                "practice:session_create" if p.has_supervisor else "",
            )
        )
    if t.training_hours is not None and p.training_hours < t.training_hours:
        steps.append(
            Step(
                _("%(n)s more hours of mentoring training.")
                % {"n": format((t.training_hours - p.training_hours).normalize(), "f")},
                "practice:training_list",
            )
        )
    if t.engagements is not None and p.engagements_completed < t.engagements:
        n = t.engagements - p.engagements_completed
        steps.append(
            Step(
                ngettext("%(n)d more completed engagement.", "%(n)d more completed engagements.", n)
                % {"n": n},
                "practice:engagement_list",
            )
        )
    if t.references is not None and p.references_verified < t.references:
        n = t.references - p.references_verified
        steps.append(
            Step(
                ngettext("%(n)d more verified reference.", "%(n)d more verified references.", n)
                % {"n": n},
                "practice:engagement_list",
            )
        )
    return steps


@dataclass
class ChartBar:
    x: int
    label: datetime.date
    supervision_y: float
    supervision_height: float
    cpd_y: float
    cpd_height: float
    supervision_hours: Decimal
    cpd_hours: Decimal
    show_label: bool = False
    label_x: int = 0  # where the month's name starts (right to left: where it ends)
    short_name: str = ""  # "Jan 26" under the bar, where show_label
    month_name: str = ""  # "January 2026" in the table
    cpd_text: str = ""  # cpd_hours as |floatformat:"-1" writes it


@functools.lru_cache(maxsize=512)
def _month_name(language: str, month: datetime.date, fmt: str) -> str:
    # What |date:fmt writes in `language`: the same for every mentor, so formatted once per
    # process (the table's 24 names cost more than the rest of the chart).
    with translation.override(language):
        return date_format(month, fmt)


@functools.lru_cache(maxsize=512)
def _hours_text(language: str, hours: Decimal) -> str:
    # What |floatformat:"-1" writes in `language`; most months repeat a few values (0 above all).
    with translation.override(language):
        return floatformat(hours, "-1")


CHART_HEIGHT = 120
CHART_WIDTH = 484
BAR_STEP = 20
BAR_WIDTH = 16


def chart_bars(progress: MentorProgress, rtl: bool | None = None) -> list[ChartBar]:
    """Stacked bars (supervision below, CPD above) scaled to the tallest month; oldest month
    where lines start: at the left, or at the right in a right-to-left language."""
    rtl = translation.get_language_bidi() if rtl is None else rtl
    language = translation.get_language()
    scale = CHART_HEIGHT / float(progress.chart_max)
    bars = []
    for index, month in enumerate(progress.months):
        sup = float(month.supervision_hours) * scale
        cpd = float(month.cpd_hours) * scale
        x = index * BAR_STEP + 2
        if rtl:
            x = CHART_WIDTH - x - BAR_WIDTH
        # Januaries, and the first bar unless a January follows too closely to fit both.
        show_label = month.month.month == 1 or (index == 0 and month.month.month <= 10)
        bars.append(
            ChartBar(
                x=x,
                label_x=x + BAR_WIDTH if rtl else x,
                label=month.month,
                supervision_y=round(CHART_HEIGHT - sup, 1),
                supervision_height=round(sup, 1),
                cpd_y=round(CHART_HEIGHT - sup - cpd, 1),
                cpd_height=round(cpd, 1),
                supervision_hours=month.supervision_hours,
                cpd_hours=month.cpd_hours,
                show_label=show_label,
                short_name=_month_name(language, month.month, "M y") if show_label else "",
                month_name=_month_name(language, month.month, "F Y"),
                cpd_text=_hours_text(language, month.cpd_hours),
            )
        )
    return bars
