import datetime

import pytest

from practicum.lib.versioned import content_hash, ensure_unchanged


class Published:
    content_hash = content_hash({"version": "1.0", "effective_date": datetime.date(2025, 1, 1)})


def test_the_digest_ignores_key_order():
    assert content_hash({"a": 1, "b": [1, 2]}) == content_hash({"b": [1, 2], "a": 1})


def test_the_same_content_passes_and_other_content_is_refused():
    same = content_hash({"effective_date": datetime.date(2025, 1, 1), "version": "1.0"})
    ensure_unchanged(Published, digest=same, label="x.yaml: v1.0", error=ValueError)
    with pytest.raises(ValueError, match="x.yaml: v1.0 is already published.*never change"):
        ensure_unchanged(Published, digest=content_hash({}), label="x.yaml: v1.0", error=ValueError)


def test_a_remembered_answer_is_kept_for_a_while_and_expired_days_are_dropped(monkeypatch):
    from practicum.lib import versioned

    versioned.forget_current()
    clock = [1000.0]
    monkeypatch.setattr(versioned.time, "monotonic", lambda: clock[0])
    calls = []

    def answer(day):
        return versioned.remembered(("test", day), lambda: calls.append(day) or f"rows of {day}")

    assert answer(1) == answer(1) == "rows of 1" and calls == [1]
    clock[0] += versioned.CURRENT_TTL + 1
    assert answer(2) == "rows of 2"
    assert ("test", 1) not in versioned._current  # yesterday's key does not linger
    assert answer(1) == "rows of 1" and calls == [1, 2, 1]
    versioned.forget_current()
