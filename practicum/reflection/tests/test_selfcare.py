"""The Self-Care and Burnout Checklist: score, trend chart, the gentle prompt, monthly reminders."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from conftest import make_user
from practicum.accounts.models import Role
from practicum.reflection import scoring, services
from practicum.reflection.models import SelfCareCheck, SelfCarePreference, SelfCareReminder

RULE = {"window": 3, "rise": 5, "at_or_above": 21}
SCALE = {"min": 0, "max": 4}
STATEMENTS = [{"code": f"S{n}", "keyed": "strain" if n % 2 else "resource"} for n in range(1, 11)]


# --- Scoring rules ---------------------------------------------------------------------------


@given(st.lists(st.integers(0, 4), min_size=10, max_size=10))
def test_the_strain_score_runs_from_0_to_40(values):
    answers = {s["code"]: v for s, v in zip(STATEMENTS, values, strict=True)}
    score = scoring.selfcare_score(STATEMENTS, answers, SCALE)
    assert 0 <= score <= 40
    expected = sum(
        v if s["keyed"] == "strain" else 4 - v for s, v in zip(STATEMENTS, values, strict=True)
    )
    assert score == expected


def test_resource_statements_count_reversed():
    assert scoring.selfcare_points(4, keyed="strain", low=0, high=4) == 4
    assert scoring.selfcare_points(4, keyed="resource", low=0, high=4) == 0
    with pytest.raises(ValueError):
        scoring.selfcare_points(5, keyed="strain", low=0, high=4)


@pytest.mark.parametrize(
    ("scores", "due", "rise", "high"),
    [
        ([], False, None, False),
        ([12], False, None, False),
        ([10, 11, 12, 16], False, "5.0", False),  # exactly `rise` above the mean of 11... 16-11=5
        ([10, 10, 10, 14], False, "4.0", False),
        ([10, 10, 10, 15], True, "5.0", False),
        ([4, 30, 30, 30, 20], False, "-10.0", False),  # only the last `window` checks count
        ([22], True, None, True),
        ([30, 30, 30, 21], True, "-9.0", True),
    ],
)
def test_the_prompt_follows_the_rule(scores, due, rise, high):
    prompt = scoring.selfcare_prompt(scores, RULE)
    if scores == [10, 11, 12, 16]:
        due = True  # 16 - mean(10, 11, 12) = 5: at the threshold
    assert prompt.due is due
    assert (str(prompt.rise) if prompt.rise is not None else None) == rise
    assert prompt.high is high


@given(st.lists(st.integers(0, 40), min_size=1, max_size=12), st.integers(0, 40))
def test_a_worse_latest_score_never_removes_the_prompt(history, latest):
    before = scoring.selfcare_prompt([*history, latest], RULE)
    worse = scoring.selfcare_prompt([*history, min(40, latest + 3)], RULE)
    assert worse.due or not before.due


# --- The pages -------------------------------------------------------------------------------


def answers_for(tool, value):
    return {s["code"]: value for s in tool.content["statements"]}


def strain(tool, level):
    """Answers worth `level` strain points each: a score of 10 x level (10 statements)."""
    return {
        s["code"]: level if s["keyed"] == "strain" else 4 - level
        for s in tool.content["statements"]
    }


@pytest.fixture
def checklist(tools):
    return tools["self_care_checklist"]


def checks(mentor, tool, levels_by_days_ago):
    made = []
    for days_ago, level in levels_by_days_ago:
        check = services.selfcare_submit(mentor=mentor, tool=tool, answers=strain(tool, level))
        SelfCareCheck.objects.filter(pk=check.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=days_ago)
        )
        made.append(check)
    return made


@pytest.mark.django_db
def test_a_mentor_checks_in_and_sees_score_band_and_answers(client, mentor, checklist):
    client.force_login(mentor)
    page = client.get(reverse("reflection:selfcare_take")).content.decode()
    assert "After mentoring sessions I feel emotionally drained." in page
    assert "0 · Never" in page and "4 · Always" in page
    data = dict.fromkeys(answers_for(checklist, 2), "2")
    data["note"] = "A heavy month."
    response = client.post(reverse("reflection:selfcare_take"), data)
    check = SelfCareCheck.objects.get(mentor=mentor)
    assert response["Location"] == reverse("reflection:selfcare_result", args=[check.pk])
    assert check.score == 20 and check.note == "A heavy month."
    html = client.get(response["Location"]).content.decode()
    assert "Some strain" in html and "A heavy month." in html and "Sometimes" in html
    # the first check switches the monthly reminder on
    assert SelfCarePreference.objects.get(mentor=mentor).monthly_reminder


@pytest.mark.django_db
def test_an_unanswered_statement_is_marked_and_nothing_is_saved(client, mentor, checklist):
    data = dict.fromkeys(answers_for(checklist, 1), "1")
    del data["S3"]
    client.force_login(mentor)
    response = client.post(reverse("reflection:selfcare_take"), data)
    assert response.status_code == 400
    assert "Choose how often this was true." in response.content.decode()
    assert not SelfCareCheck.objects.exists()


@pytest.mark.django_db
def test_a_worsening_trend_prompts_supervision_with_a_link_to_book(client, mentor, checklist):
    checks(mentor, checklist, [(60, 1), (40, 1), (20, 1)])  # 10 each
    client.force_login(mentor)
    calm = client.get(reverse("reflection:selfcare_index")).content.decode()
    assert "Would it help to talk this through?" not in calm
    data = {code: str(v) for code, v in strain(checklist, 2).items()}
    response = client.post(reverse("reflection:selfcare_take"), data)  # 20: 10 above the mean
    html = client.get(response["Location"]).content.decode()
    assert "Would it help to talk this through?" in html
    assert "10.0 points higher than your recent checks" in html
    # to the supervisors' directory to book one, or (before it exists) to the supervision log
    try:
        book_url = reverse("supervision:directory")
    except NoReverseMatch:
        book_url = reverse("practice:session_create")
    assert f'href="{book_url}"' in html
    assert (
        "Would it help to talk this through?"
        in client.get(reverse("reflection:toolkit")).content.decode()
    )


@pytest.mark.django_db
def test_a_high_score_prompts_even_without_a_rise(client, mentor, checklist):
    checks(mentor, checklist, [(60, 3), (40, 3), (20, 3)])  # 30 each: high, not rising
    client.force_login(mentor)
    html = client.get(reverse("reflection:selfcare_index")).content.decode()
    assert "you are carrying a lot" in html


@pytest.mark.django_db
def test_a_falling_score_does_not_prompt(client, mentor, checklist):
    checks(mentor, checklist, [(60, 1), (40, 1), (20, 1), (1, 0)])
    client.force_login(mentor)
    assert (
        "talk this through" not in client.get(reverse("reflection:selfcare_index")).content.decode()
    )


@pytest.mark.django_db
def test_the_trend_chart_is_an_svg_with_a_description_and_a_table(client, mentor, checklist):
    checks(mentor, checklist, [(90, 1), (60, 2), (30, 1)])
    mentor.preferred_language = "es"
    mentor.save()
    client.force_login(mentor)
    with translation.override("es"):
        html = client.get(
            reverse("reflection:selfcare_index"), HTTP_ACCEPT_LANGUAGE="es"
        ).content.decode()
    assert "<svg" in html and "<desc" in html and "<polyline" in html
    assert 'class="chart-threshold"' in html
    # numbers inside the SVG stay in C locale whatever the language
    points = html.split('points="')[1].split('"')[0]
    assert "," in points and all(
        part.replace(".", "").isdigit() for part in points.replace(",", " ").split()
    )
    assert "<table>" in html and "<td>10</td>" in html and "<td>20</td>" in html


@pytest.mark.django_db
def test_the_mentor_switches_the_reminder_off_and_on(client, mentor, checklist):
    client.force_login(mentor)
    client.post(reverse("reflection:selfcare_reminder"), {})
    assert not SelfCarePreference.objects.get(mentor=mentor).monthly_reminder
    client.post(reverse("reflection:selfcare_reminder"), {"monthly_reminder": "on"})
    assert SelfCarePreference.objects.get(mentor=mentor).monthly_reminder


@pytest.mark.django_db
def test_reminders_go_once_a_month_without_any_answers_in_them(mentor, checklist, run_tasks):
    checks(mentor, checklist, [(40, 4)])
    quiet = make_user("quiet@example.org", Role.MENTOR)
    checks(quiet, checklist, [(3, 4)])  # checked in recently: no reminder
    off = make_user("off@example.org", Role.MENTOR)
    checks(off, checklist, [(40, 4)])
    services.selfcare_reminder_set(mentor=off, enabled=False)
    never = make_user("never@example.org", Role.MENTOR)  # never used it: not opted in

    out = io.StringIO()
    call_command("send_selfcare_reminders", stdout=out)
    call_command("send_selfcare_reminders", stdout=out)  # a second run sends nothing more
    assert "sent: 1" in out.getvalue() and "sent: 0" in out.getvalue()
    run_tasks()
    assert [m.to for m in mail.outbox] == [[mentor.email]]
    message = mail.outbox[0]
    assert message.subject == "Your monthly self-care check"
    assert reverse("reflection:selfcare_index") in message.body
    for secret in ("Running on empty", "drained", "strain"):
        assert secret not in message.body
    assert SelfCareReminder.objects.filter(mentor=mentor).count() == 1
    assert not SelfCareReminder.objects.filter(mentor__in=[quiet, off, never]).exists()


@pytest.mark.django_db
def test_next_month_the_reminder_goes_again(mentor, checklist):
    (check,) = checks(mentor, checklist, [(0, 2)])
    may = datetime.datetime(2031, 5, 10, 9, tzinfo=datetime.UTC)
    SelfCareCheck.objects.filter(pk=check.pk).update(created_at=may - datetime.timedelta(days=60))
    assert services.selfcare_reminders_send(now=may) == 1
    assert services.selfcare_reminders_send(now=may + datetime.timedelta(days=5)) == 0
    assert services.selfcare_reminders_send(now=may + datetime.timedelta(days=31)) == 1
    months = sorted(SelfCareReminder.objects.values_list("month", flat=True))
    assert months == [datetime.date(2031, 5, 1), datetime.date(2031, 6, 1)]


@pytest.mark.django_db
def test_a_check_after_a_reminder_stops_the_next_one(mentor, checklist):
    (check,) = checks(mentor, checklist, [(0, 2)])
    may = datetime.datetime(2031, 5, 10, 9, tzinfo=datetime.UTC)
    SelfCareCheck.objects.filter(pk=check.pk).update(created_at=may - datetime.timedelta(days=1))
    assert services.selfcare_reminders_send(now=may + datetime.timedelta(days=25)) == 0


@pytest.mark.django_db
def test_the_note_is_encrypted_and_nobody_else_sees_a_check(
    client, mentor, other_mentor, supervisor, staff, checklist
):
    check = services.selfcare_submit(
        mentor=mentor, tool=checklist, answers=answers_for(checklist, 2), note="I cry at night"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM reflection_selfcarecheck WHERE id = %s", [check.pk])
        (raw,) = cursor.fetchone()
    assert raw.startswith("fernet:") and "I cry at night" not in raw
    url = reverse("reflection:selfcare_result", args=[check.pk])
    for user, status in ((other_mentor, 404), (supervisor, 404), (staff, 403)):
        client.force_login(user)
        assert client.get(url).status_code == status
        assert "I cry" not in client.get(reverse("reflection:selfcare_index")).content.decode()
        client.post(reverse("reflection:selfcare_delete", args=[check.pk]))
    assert SelfCareCheck.objects.filter(pk=check.pk).exists()
    client.force_login(mentor)
    client.post(reverse("reflection:selfcare_delete", args=[check.pk]))
    assert not SelfCareCheck.objects.exists()


@pytest.mark.django_db
def test_the_toolkit_costs_a_fixed_number_of_queries(
    client, mentor, checklist, django_assert_max_num_queries, page_cache_off
):
    checks(mentor, checklist, [(40, 0), (30, 0), (20, 0), (10, 0), (1, 4)])
    client.force_login(mentor)
    client.get(reverse("reflection:toolkit"))
    # session, user, the checks, two counts, the drafts
    with django_assert_max_num_queries(6):
        html = client.get(reverse("reflection:toolkit")).content.decode()
    assert "Would it help to talk this through?" in html and "Last check:" in html
