"""Recurring patterns by meaning: grouping the mentor's own entries, keeping a group as a theme."""

import datetime

import numpy as np
import pytest
from django.urls import reverse

from practicum.practice.models import MentoringEngagement
from practicum.reflection import recurring
from practicum.reflection.models import Reflection, SessionTag, Tag
from practicum.reflection.tests.conftest import Kind, declare, upcoming, write_reflection

pytestmark = pytest.mark.django_db


def engagement(mentor, name):
    return MentoringEngagement.objects.create(
        mentor=mentor, mentee_name=name, kind="external", started_on="2025-02-01", status="active"
    )


def held(mentor, relationship, days_ago, cases):
    return upcoming(mentor, relationship, days=-days_ago, cases_brought=cases)


@pytest.fixture
def entries(mentor, tools):
    """Two cases about money and gifts, two about ending, with two clients and two sessions."""
    tool = tools[Kind.REFLECTIVE_CONVERSATION]
    rel = declare(mentor)
    priya, tom = engagement(mentor, "Priya"), engagement(mentor, "Tom")
    return {
        "gift_session": held(
            mentor, rel, 60, "A mentee offered me an expensive present and a free holiday."
        ),
        "gift_reflection": write_reflection(
            mentor,
            tool,
            title="Gifts from a client",
            answers={1: {"situation": "My client keeps giving me costly gifts and favours."}},
            engagement=priya,
        ),
        "end_session": held(
            mentor, rel, 20, "How to finish the mentoring well when the programme is ending."
        ),
        "end_reflection": write_reflection(
            mentor,
            tool,
            title="Saying goodbye",
            answers={1: {"situation": "Our mentoring comes to an end next month; closing well."}},
            engagement=tom,
        ),
    }


def test_grouping_joins_alike_items_only():
    items = [
        recurring.Item("session", i, f"item {i}", datetime.datetime(2026, 1, i + 1), "t")
        for i in range(4)
    ]
    vectors = np.array([[1, 0], [0.95, 0.31], [0, 1], [0.1, 0.99]], dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    groups = recurring.group_by_meaning(items, vectors, threshold=0.8)
    assert sorted(sorted(i.pk for i in g.items) for g in groups) == [[0, 1], [2, 3]]
    assert recurring.group_by_meaning(items[:1], vectors[:1]) == []


def test_the_mentors_entries_are_grouped_by_meaning_across_sessions_and_clients(
    client, mentor, entries
):
    groups = recurring.recurring_groups(mentor)
    as_sets = [{i.key for i in g.items} for g in groups]
    gifts = {f"session:{entries['gift_session'].pk}", f"reflection:{entries['gift_reflection'].pk}"}
    ending = {f"session:{entries['end_session'].pk}", f"reflection:{entries['end_reflection'].pk}"}
    assert any(gifts <= s and not (ending & s) for s in as_sets), as_sets
    assert any(ending <= s and not (gifts & s) for s in as_sets), as_sets

    client.force_login(mentor)
    html = client.get(reverse("reflection:patterns"), {"recurring": "1"}).content.decode()
    assert "Gifts from a client" in html and "Saying goodbye" in html
    assert "Keep as a theme" in html


def test_the_patterns_page_groups_only_when_asked(client, mentor, entries, monkeypatch):
    called = []
    monkeypatch.setattr(recurring, "recurring_groups", lambda m: called.append(m) or [])
    client.force_login(mentor)
    html = client.get(reverse("reflection:patterns")).content.decode()
    assert "Look for recurring patterns" in html and called == []


def test_another_mentors_entries_are_never_grouped_or_shown(client, other_mentor, entries):
    assert recurring.recurring_groups(other_mentor) == []
    client.force_login(other_mentor)
    html = client.get(reverse("reflection:patterns"), {"recurring": "1"}).content.decode()
    assert "Gifts from a client" not in html


def test_keeping_a_group_as_a_theme_tags_its_sessions_and_reflections(client, mentor, entries):
    keys = f"session:{entries['gift_session'].pk},reflection:{entries['gift_reflection'].pk}"
    client.force_login(mentor)
    response = client.post(reverse("reflection:pattern_keep"), {"name": "Gifts", "keys": keys})
    assert response.status_code == 302
    tag = Tag.objects.get(mentor=mentor)
    assert tag.name == "Gifts"
    assert SessionTag.objects.filter(tag=tag, session=entries["gift_session"]).exists()
    assert list(Reflection.objects.filter(tags=tag)) == [entries["gift_reflection"]]
    # keeping it again changes nothing
    client.post(reverse("reflection:pattern_keep"), {"name": "gifts", "keys": keys})
    assert Tag.objects.filter(mentor=mentor).count() == 1
    assert SessionTag.objects.filter(tag=tag).count() == 1


def test_another_mentors_entries_cannot_be_tagged(client, other_mentor, entries):
    keys = f"session:{entries['gift_session'].pk}"
    client.force_login(other_mentor)
    response = client.post(reverse("reflection:pattern_keep"), {"name": "Mine", "keys": keys})
    assert response.status_code == 302
    assert not Tag.objects.exists() and not SessionTag.objects.exists()


def test_a_group_needs_a_name(client, mentor, entries):
    client.force_login(mentor)
    keys = f"session:{entries['gift_session'].pk}"
    response = client.post(reverse("reflection:pattern_keep"), {"name": " ", "keys": keys})
    assert response.status_code == 302 and not Tag.objects.exists()


def test_the_patterns_page_query_count_is_bounded(
    client, mentor, entries, django_assert_max_num_queries
):
    client.force_login(mentor)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("reflection:patterns"), {"recurring": "1"}).status_code == 200
