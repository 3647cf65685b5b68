"""The generic review clock (credentials.review_clock), on a plain object."""

import datetime
from types import SimpleNamespace

from practicum.credentials import review_clock

DAY = datetime.date(2026, 1, 10)


def clock():
    return SimpleNamespace(
        review_days=None, clock_started_at=None, paused_since=None, paused_days=0, target_date=None
    )


def test_it_starts_pauses_and_moves_the_target_by_the_days_paused():
    obj = clock()
    review_clock.clock_start(obj, days=28, today=DAY)
    assert obj.target_date == DAY + datetime.timedelta(days=28)
    review_clock.clock_pause(obj, today=DAY + datetime.timedelta(days=3))
    review_clock.clock_pause(obj, today=DAY + datetime.timedelta(days=5))  # already paused
    assert obj.paused_since == DAY + datetime.timedelta(days=3)
    assert review_clock.clock_resume(obj, today=DAY + datetime.timedelta(days=10)) == 7
    assert obj.target_date == DAY + datetime.timedelta(days=35) and obj.paused_days == 7
    assert review_clock.clock_resume(obj, today=DAY) == 0  # not paused: nothing moves
    assert review_clock.days_left(obj, today=DAY + datetime.timedelta(days=30)) == 5


def test_a_decision_while_paused_counts_the_pause_but_keeps_the_target():
    obj = clock()
    review_clock.clock_start(obj, days=10, today=DAY)
    review_clock.clock_pause(obj, today=DAY)
    review_clock.clock_stop(obj, today=DAY + datetime.timedelta(days=4))
    assert obj.paused_days == 4 and obj.paused_since is None
    assert obj.target_date == DAY + datetime.timedelta(days=10)
