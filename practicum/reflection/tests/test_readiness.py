"""The supervision-readiness self-assessment: 19 statements, 1 to 5, bands and advice as data,
the lowest-scored as development steps, and the change per statement since last time."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from practicum.frameworks.models import FrameworkVersion
from practicum.reflection import scoring, services
from practicum.reflection.models import ReadinessAnswer, ReadinessAttempt

BANDS = [  # the bands of readiness_questionnaire 1.0 (our choice, as data)
    {"min": 19, "max": 44, "label": "Getting started"},
    {"min": 45, "max": 63, "label": "Building foundations"},
    {"min": 64, "max": 79, "label": "Well prepared"},
    {"min": 80, "max": 95, "label": "Ready to go deeper"},
]
nineteen_scores = st.lists(st.integers(min_value=1, max_value=5), min_size=19, max_size=19)


# --- Scoring rules, property-based ----------------------------------------------------------


@given(nineteen_scores)
def test_the_total_runs_from_19_to_95_and_falls_in_exactly_one_band(scores):
    total = scoring.readiness_total(scores)
    assert total == sum(scores) and 19 <= total <= 95
    holding = [b for b in BANDS if b["min"] <= total <= b["max"]]
    assert len(holding) == 1 and scoring.band_for(BANDS, total) is holding[0]


@given(nineteen_scores, st.integers(min_value=0, max_value=18))
def test_scoring_one_statement_higher_never_lowers_the_band(scores, index):
    higher = list(scores)
    higher[index] = min(5, higher[index] + 1)
    before = BANDS.index(scoring.band_for(BANDS, scoring.readiness_total(scores)))
    after = BANDS.index(scoring.band_for(BANDS, scoring.readiness_total(higher)))
    assert after >= before


@given(st.lists(st.integers(min_value=-3, max_value=9), min_size=1, max_size=19))
def test_a_score_off_the_scale_is_refused(scores):
    if all(1 <= s <= 5 for s in scores):
        assert scoring.readiness_total(scores) == sum(scores)
    else:
        with pytest.raises(ValueError):
            scoring.readiness_total(scores)


@given(nineteen_scores)
def test_the_suggested_steps_are_the_lowest_scores(scores):
    items = [(f"Q{i + 1}", s) for i, s in enumerate(scores)]
    chosen = scoring.lowest_scored(items)
    chosen_scores = [dict(items)[c] for c in chosen]
    others = [s for c, s in items if c not in chosen and s < 5]
    assert len(chosen) <= 5 and all(s < 5 for s in chosen_scores)
    if chosen:
        assert max(chosen_scores) <= min(others, default=5)
    if any(s < 5 for s in scores):
        assert len(chosen) >= min(3, sum(1 for s in scores if s < 5))


def test_ties_are_taken_in_questionnaire_order_up_to_five():
    items = [("Q1", 4), ("Q2", 2), ("Q3", 3), ("Q4", 3), ("Q5", 3), ("Q6", 3), ("Q7", 3)]
    assert scoring.lowest_scored(items) == ["Q2", "Q3", "Q4", "Q5", "Q6"]
    assert scoring.lowest_scored([("Q1", 5), ("Q2", 5)]) == []


@given(
    st.dictionaries(st.sampled_from([f"Q{i}" for i in range(1, 20)]), st.integers(1, 5)),
    st.dictionaries(st.sampled_from([f"Q{i}" for i in range(1, 20)]), st.integers(1, 5)),
)
def test_the_change_is_the_difference_per_statement(current, previous):
    change = scoring.changes_since(current, previous)
    for code, score in current.items():
        assert change[code] == (score - previous[code] if code in previous else None)


# --- The pages -----------------------------------------------------------------------------


def all_scores(framework, value=3, **overrides):
    return {f"s{s.pk}": overrides.get(s.code, value) for s in framework.statements.all()}


@pytest.fixture
def questionnaire(frameworks):
    return FrameworkVersion.objects.current(FrameworkVersion.Kind.READINESS_QUESTIONNAIRE)


@pytest.mark.django_db
def test_a_mentor_scores_the_19_statements_and_sees_band_advice_and_steps(
    client, mentor, questionnaire, tools
):
    client.force_login(mentor)
    page = client.get(reverse("reflection:readiness_take")).content.decode()
    assert "I look for recurring patterns between clients" in page
    assert "1 · Not like me at all" in page and "5 · Just like me" in page
    response = client.post(
        reverse("reflection:readiness_take"),
        all_scores(questionnaire, 4, Q5=1, Q6=2, Q11=2, Q8=3),
    )
    attempt = ReadinessAttempt.objects.get(mentor=mentor)
    assert response["Location"] == reverse("reflection:readiness_result", args=[attempt.pk])
    assert attempt.total == 4 * 15 + 1 + 2 + 2 + 3 == 68
    assert attempt.answers.count() == 19
    html = client.get(response["Location"]).content.decode()
    assert "Well prepared" in html and "invite your supervisor to challenge you" in html
    # the lowest-scored become development steps, with the data's step and a link
    assert "Tag your reflections with themes" in html  # Q5
    assert "Use the Ethics Lens Worksheet" in html  # Q11
    assert reverse("reflection:patterns") in html
    assert "Write a development plan" not in html  # Q8 scored 3, not among the lowest three


@pytest.mark.django_db
def test_each_attempt_is_kept_with_the_change_per_statement(client, mentor, questionnaire):
    first = services.readiness_submit(
        mentor=mentor,
        framework=questionnaire,
        scores={s.pk: 2 for s in questionnaire.statements.all()},
    )
    ReadinessAttempt.objects.filter(pk=first.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=90)
    )
    client.force_login(mentor)
    client.post(reverse("reflection:readiness_take"), all_scores(questionnaire, 2, Q1=5, Q2=1))
    second = ReadinessAttempt.objects.exclude(pk=first.pk).get()
    html = client.get(reverse("reflection:readiness_result", args=[second.pk])).content.decode()
    assert '<span class="change-up">+3</span>' in html
    assert '<span class="change-down">−1</span>' in html
    index = client.get(reverse("reflection:readiness_index")).content.decode()
    assert index.count("Getting started") == 2
    assert "Your total over time" in index  # a chart once there are two attempts


@pytest.mark.django_db
def test_a_missing_score_is_marked_and_nothing_is_saved(client, mentor, questionnaire):
    data = all_scores(questionnaire)
    first = questionnaire.statements.first()
    del data[f"s{first.pk}"]
    data[f"s{questionnaire.statements.last().pk}"] = "7"
    client.force_login(mentor)
    response = client.post(reverse("reflection:readiness_take"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Score this statement from 1 to 5." in html
    assert "Select a valid choice. 7 is not one of the available choices." in html
    assert not ReadinessAttempt.objects.exists()


@pytest.mark.django_db
def test_the_service_refuses_an_incomplete_or_off_scale_attempt(mentor, questionnaire):
    from django.core.exceptions import ValidationError

    statements = list(questionnaire.statements.all())
    with pytest.raises(ValidationError):
        services.readiness_submit(
            mentor=mentor, framework=questionnaire, scores={s.pk: 3 for s in statements[1:]}
        )
    with pytest.raises(ValidationError):
        services.readiness_submit(
            mentor=mentor, framework=questionnaire, scores={s.pk: 6 for s in statements}
        )
    assert not ReadinessAttempt.objects.exists() and not ReadinessAnswer.objects.exists()


@pytest.mark.django_db
def test_nobody_else_sees_an_attempt(
    client, mentor, other_mentor, supervisor, staff, questionnaire
):
    attempt = services.readiness_submit(
        mentor=mentor,
        framework=questionnaire,
        scores={s.pk: 3 for s in questionnaire.statements.all()},
    )
    url = reverse("reflection:readiness_result", args=[attempt.pk])
    for user, status in ((other_mentor, 404), (supervisor, 404), (staff, 403)):
        client.force_login(user)
        assert client.get(url).status_code == status
        assert (
            client.post(reverse("reflection:readiness_delete", args=[attempt.pk])).status_code
            == status
        )
    assert ReadinessAttempt.objects.filter(pk=attempt.pk).exists()
    client.force_login(mentor)
    client.post(reverse("reflection:readiness_delete", args=[attempt.pk]))
    assert not ReadinessAttempt.objects.exists()
