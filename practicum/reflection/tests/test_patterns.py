"""Themes on reflections and supervision entries, and the recurring patterns over time."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from practicum.practice.models import MentoringEngagement
from practicum.reflection import patterns, services
from practicum.reflection.models import Reflection, SessionTag, Tag
from practicum.reflection.tests.conftest import declare, upcoming, write_reflection

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 5, 15)


def engagement(mentor, name):
    return MentoringEngagement.objects.create(
        mentor=mentor, mentee_name=name, kind="external", started_on="2025-02-01", status="active"
    )


def at(days_ago):
    moment = datetime.datetime.combine(TODAY, datetime.time(12), tzinfo=datetime.UTC)
    return moment - datetime.timedelta(days=days_ago)


def tagged_reflection(mentor, tool, names, *, days_ago=0, **extra):
    reflection = write_reflection(mentor, tool, answers={1: {"situation": "x"}}, **extra)
    Reflection.objects.filter(pk=reflection.pk).update(created_at=at(days_ago))
    services.reflection_tags_set(reflection=reflection, names=names)
    return reflection


def test_the_quarters_end_with_the_current_one():
    spans = patterns.periods(TODAY)
    assert [p.start for p in spans] == [
        None,
        datetime.date(2025, 7, 1),
        datetime.date(2025, 10, 1),
        datetime.date(2026, 1, 1),
        datetime.date(2026, 4, 1),
    ]
    assert spans[0].end == datetime.date(2025, 7, 1) and spans[-1].end is None


def test_themes_are_unique_per_mentor_whatever_the_case_and_spacing(mentor, reflection):
    services.reflection_tags_set(reflection=reflection, names=["Parallel  process"])
    services.reflection_tags_set(reflection=reflection, names=["parallel process", "Boundaries"])
    assert Tag.objects.filter(mentor=mentor).count() == 2
    with pytest.raises(ValidationError):
        services.parse_tag_names("x" * 41)


def test_counts_per_quarter_for_one_engagement_and_across(mentor, supervisor, tools):
    tool = tools["reflective_conversation"]
    priya, tom = engagement(mentor, "Priya"), engagement(mentor, "Tom")
    tagged_reflection(mentor, tool, ["Boundaries"], days_ago=400, engagement=priya)
    tagged_reflection(mentor, tool, ["Boundaries", "Transference"], days_ago=20, engagement=priya)
    tagged_reflection(mentor, tool, ["Boundaries"], days_ago=10, engagement=tom)
    # a supervision entry about Priya (a reflection on her is attached) tagged Boundaries
    session = upcoming(mentor, declare(mentor, supervisor), days=0)
    session.starts_at = at(5)
    session.save()
    linked = tagged_reflection(mentor, tool, [], days_ago=5, engagement=priya)
    services.reflection_attach(reflection=linked, session=session)
    services.session_tags_set(mentor=mentor, session=session, names=["Boundaries", "Endings"])

    across = patterns.theme_patterns(mentor, today=TODAY)
    rows = {r.tag.name: r for r in across.rows}
    assert rows["Boundaries"].counts == [1, 0, 0, 0, 3]
    assert rows["Boundaries"].reflections == 3 and rows["Boundaries"].sessions == 1
    assert rows["Boundaries"].engagement_count == 2 and rows["Boundaries"].recurring
    assert [r.tag.name for r in across.across_engagements] == ["Boundaries"]
    assert rows["Endings"].counts == [0, 0, 0, 0, 1] and not rows["Endings"].recurring

    for_priya = patterns.theme_patterns(mentor, engagement=priya, today=TODAY)
    rows = {r.tag.name: r for r in for_priya.rows}
    assert rows["Boundaries"].counts == [1, 0, 0, 0, 2]
    assert set(rows) == {"Boundaries", "Transference", "Endings"}
    for_tom = patterns.theme_patterns(mentor, engagement=tom, today=TODAY)
    assert [(r.tag.name, r.total) for r in for_tom.rows] == [("Boundaries", 1)]


def test_the_patterns_page_in_a_fixed_number_of_queries(
    client, mentor, tools, django_assert_max_num_queries
):
    tool = tools["reflective_conversation"]
    clients = [engagement(mentor, f"Client {n}") for n in range(5)]
    for n in range(40):
        tagged_reflection(
            mentor,
            tool,
            ["Boundaries", f"Theme {n % 6}"],
            days_ago=n * 9,
            engagement=clients[n % 5],
        )
    client.force_login(mentor)
    with django_assert_max_num_queries(12):
        html = client.get(reverse("reflection:patterns")).content.decode()
    assert "Boundaries" in html and "recurring" in html and "Between clients" in html
    response = client.get(reverse("reflection:patterns"), {"engagement": clients[0].pk})
    assert "Themes with Client 0" in response.content.decode()


def test_another_mentors_engagement_is_not_found_on_the_patterns_page(client, mentor, other_mentor):
    theirs = engagement(other_mentor, "Hidden")
    client.force_login(mentor)
    assert client.get(reverse("reflection:patterns"), {"engagement": theirs.pk}).status_code == 404
    assert client.get(reverse("reflection:patterns"), {"engagement": "x"}).status_code == 302


def test_the_session_fragment_lists_reflections_and_saves_themes_with_htmx(
    client, mentor, supervisor, reflection
):
    session = upcoming(mentor, declare(mentor, supervisor))
    services.reflection_attach(reflection=reflection, session=session)
    client.force_login(mentor)
    url = reverse("reflection:session_reflections", args=[session.pk])
    page = client.get(url).content.decode()
    assert "<h1>" in page and reflection.title.replace("'", "&#x27;") in page
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<h1>" not in fragment and 'id="session-reflections"' in fragment
    assert "Parallel process" in fragment  # a suggested theme
    response = client.post(
        reverse("reflection:session_tags", args=[session.pk]),
        {"tags": ["Parallel process"], "new_tags": "Sponsor pressure"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and "Themes saved." in response.content.decode()
    assert sorted(t.tag.name for t in SessionTag.objects.filter(session=session)) == [
        "Parallel process",
        "Sponsor pressure",
    ]
    # without htmx: a redirect, and unticking removes a theme
    response = client.post(
        reverse("reflection:session_tags", args=[session.pk]), {"tags": ["Sponsor pressure"]}
    )
    assert response["Location"] == url
    assert [t.tag.name for t in SessionTag.objects.filter(session=session)] == ["Sponsor pressure"]


def test_a_theme_the_mentor_has_in_another_language_is_not_suggested_again(mentor, tools):
    from django.utils import translation

    from practicum.reflection.forms import TagsForm
    from practicum.reflection.views import suggested_themes

    Tag.objects.create(mentor=mentor, name="Boundaries", digest="boundaries")
    with translation.override("ar"):
        choices = [
            name
            for name, _label in TagsForm(mentor=mentor, suggested=suggested_themes())
            .fields["tags"]
            .choices
        ]
    assert "Boundaries" in choices and "الحدود" not in choices  # theirs, not twice
    assert "السرية" in choices  # the other suggestions in Arabic


def test_a_theme_too_long_is_refused_on_its_field(client, mentor, supervisor):
    session = upcoming(mentor, declare(mentor, supervisor))
    client.force_login(mentor)
    response = client.post(
        reverse("reflection:session_tags", args=[session.pk]), {"new_tags": "y" * 60}
    )
    assert response.status_code == 400
    assert "too long for a theme" in response.content.decode()
    assert not Tag.objects.exists()


def test_another_mentors_session_is_not_found(client, other_mentor, mentor, supervisor):
    session = upcoming(mentor, declare(mentor, supervisor))
    client.force_login(other_mentor)
    assert (
        client.get(reverse("reflection:session_reflections", args=[session.pk])).status_code == 404
    )
    response = client.post(reverse("reflection:session_tags", args=[session.pk]), {"new_tags": "x"})
    assert response.status_code == 404
    assert not Tag.objects.exists()


def test_the_theme_list_and_deleting_a_theme(client, mentor, reflection, other_mentor):
    services.reflection_tags_set(reflection=reflection, names=["Boundaries"])
    tag = Tag.objects.get()
    client.force_login(other_mentor)
    assert client.post(reverse("reflection:tag_delete", args=[tag.pk])).status_code == 404
    client.force_login(mentor)
    html = client.get(reverse("reflection:tag_list")).content.decode()
    assert "Boundaries" in html
    client.post(reverse("reflection:tag_delete", args=[tag.pk]))
    assert not Tag.objects.exists() and Reflection.objects.filter(pk=reflection.pk).exists()


def test_themes_over_time_use_the_mentors_day(mentor, tools):
    reflection = tagged_reflection(mentor, tools["reflective_conversation"], ["Late"], days_ago=0)
    Reflection.objects.filter(pk=reflection.pk).update(
        created_at=datetime.datetime(2026, 3, 31, 23, 30, tzinfo=datetime.UTC)
    )
    with timezone.override("Asia/Tokyo"):  # already 1 April there: the next quarter
        rows = patterns.theme_patterns(mentor, today=TODAY).rows
    assert rows[0].counts == [0, 0, 0, 0, 1]
