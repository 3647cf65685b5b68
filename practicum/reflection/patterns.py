"""Recurring themes over time: how often each of the mentor's themes was tagged, per quarter,
on reflections and supervision log entries; for one engagement or across all of them.

A supervision entry is about an engagement when a reflection on that engagement is attached to
it. Four queries whatever the number of entries.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from practicum.accounts.models import User
from practicum.practice.models import MentoringEngagement
from practicum.reflection.models import Reflection, SessionTag, Tag

QUARTERS = 4


@dataclass(frozen=True)
class Period:
    start: datetime.date | None  # None: everything before the first quarter shown
    end: datetime.date | None


@dataclass
class ThemeRow:
    tag: Tag
    counts: list[int]
    reflections: int = 0
    sessions: int = 0
    engagements: set = field(default_factory=set)

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def engagement_count(self) -> int:
        return len(self.engagements)

    @property
    def recurring(self) -> bool:
        return self.total >= 2


@dataclass
class Patterns:
    periods: list[Period]
    rows: list[ThemeRow]
    engagement: MentoringEngagement | None

    @property
    def across_engagements(self) -> list[ThemeRow]:
        """Themes met with more than one client: the patterns between clients."""
        return [r for r in self.rows if r.engagement_count > 1]


def quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _previous_quarter(start: datetime.date) -> datetime.date:
    month = start.month - 3
    return datetime.date(start.year - (month < 1), month + 12 if month < 1 else month, 1)


def periods(today: datetime.date, count: int = QUARTERS) -> list[Period]:
    """Earlier, then the last `count` quarters (the current one last)."""
    starts = [quarter_start(today)]
    for _i in range(count - 1):
        starts.insert(0, _previous_quarter(starts[0]))
    ends = [*starts[1:], None]
    return [Period(None, starts[0])] + [Period(s, e) for s, e in zip(starts, ends, strict=True)]


def _period_index(day: datetime.date, spans: list[Period]) -> int:
    for index, period in enumerate(spans):
        if (period.start is None or day >= period.start) and (
            period.end is None or day < period.end
        ):
            return index
    return len(spans) - 1


def theme_patterns(
    mentor: User,
    *,
    engagement: MentoringEngagement | None = None,
    today: datetime.date | None = None,
) -> Patterns:
    today = today or timezone.localdate()
    spans = periods(today)
    tags = {t.pk: t for t in Tag.objects.filter(mentor=mentor)}
    rows = {pk: ThemeRow(tag=tag, counts=[0] * len(spans)) for pk, tag in tags.items()}

    tagged_reflections = Reflection.tags.through.objects.filter(reflection__mentor=mentor)
    if engagement is not None:
        tagged_reflections = tagged_reflections.filter(reflection__engagement=engagement)
    for tag_id, created_at, engagement_id in tagged_reflections.values_list(
        "tag_id", "reflection__created_at", "reflection__engagement_id"
    ):
        row = rows[tag_id]
        row.counts[_period_index(timezone.localdate(created_at), spans)] += 1
        row.reflections += 1
        if engagement_id:
            row.engagements.add(engagement_id)

    tagged_sessions = SessionTag.objects.filter(tag__mentor=mentor)
    if engagement is not None:
        tagged_sessions = tagged_sessions.filter(
            session__attached_reflections__engagement=engagement
        )
    seen: set[tuple[int, int]] = set()
    for tag_id, session_id, starts_at, engagement_id in tagged_sessions.values_list(
        "tag_id", "session_id", "session__starts_at", "session__attached_reflections__engagement"
    ):
        row = rows[tag_id]
        if engagement_id and (engagement is None or engagement_id == engagement.pk):
            row.engagements.add(engagement_id)
        if (tag_id, session_id) in seen:
            continue  # the join repeats a session once per attached reflection
        seen.add((tag_id, session_id))
        row.counts[_period_index(timezone.localdate(starts_at), spans)] += 1
        row.sessions += 1

    ordered = sorted(
        (r for r in rows.values() if r.total),
        key=lambda r: (-r.total, r.tag.name.casefold()),
    )
    return Patterns(periods=spans, rows=ordered, engagement=engagement)
