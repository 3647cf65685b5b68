"""The competency self-assessment: every behavioural indicator rated, scores per competency,
a radar chart and the history over time."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from practicum.frameworks.models import BehaviouralIndicator, FrameworkVersion
from practicum.reflection import charts, scoring, services
from practicum.reflection.models import CompetencyAssessment, IndicatorRating

ratings_strategy = st.lists(
    st.tuples(st.integers(1, 9), st.integers(1, 5)), min_size=1, max_size=90
)


# --- Scoring rules, property-based ----------------------------------------------------------


@given(ratings_strategy)
def test_a_competency_score_is_the_mean_of_its_ratings_within_the_scale(ratings):
    scores = scoring.competency_scores(ratings)
    assert set(scores) == {number for number, _score in ratings}
    for number, score in scores.items():
        mine = [s for n, s in ratings if n == number]
        assert Decimal(1) <= score <= Decimal(5)
        assert min(mine) <= score <= max(mine)
        assert abs(score - Decimal(sum(mine)) / len(mine)) <= Decimal("0.05")
        assert score == score.quantize(Decimal("0.1"))


@given(st.integers(1, 9), st.integers(1, 5), st.integers(1, 11))
def test_equal_ratings_give_that_score(number, value, count):
    assert scoring.competency_scores([(number, value)] * count) == {number: Decimal(value)}


@given(ratings_strategy, st.integers(0, 89))
def test_rating_an_indicator_higher_never_lowers_its_competency(ratings, index):
    index %= len(ratings)
    number, value = ratings[index]
    higher = list(ratings)
    higher[index] = (number, min(5, value + 1))
    assert scoring.competency_scores(higher)[number] >= scoring.competency_scores(ratings)[number]


@given(st.dictionaries(st.integers(1, 9), st.integers(10, 50).map(lambda n: Decimal(n) / 10)))
def test_the_overall_score_weighs_each_competency_the_same(scores):
    overall = scoring.overall_score(scores)
    if not scores:
        assert overall is None
    else:
        assert min(scores.values()) <= overall <= max(scores.values())


def test_the_radar_puts_the_scale_between_centre_and_rim():
    radar = charts.radar(
        [(1, "A", Decimal(5), None), (2, "B", Decimal(1), None), (3, "C", Decimal(3), None)],
        low=1,
        high=5,
        size=360,
    )
    first, second, third = (tuple(map(float, p.split(","))) for p in radar.polygon.split())
    assert first == (180.0, 40.0)  # top of the first axis: the rim
    assert second == (180.0, 180.0)  # the lowest score sits at the centre
    assert len(radar.rings) == 4 and radar.previous_polygon == ""


# --- The pages -------------------------------------------------------------------------------


@pytest.fixture
def competencies(frameworks):
    return FrameworkVersion.objects.current(FrameworkVersion.Kind.COMPETENCIES)


def rate_all(framework, value=3, **by_identifier):
    return {
        i.pk: by_identifier.get(i.identifier.replace(".", "_"), value)
        for i in BehaviouralIndicator.objects.filter(competency__framework=framework)
    }


@pytest.mark.django_db
def test_a_mentor_rates_every_indicator_and_sees_scores_and_a_radar(
    client, mentor, competencies, tools
):
    client.force_login(mentor)
    page = client.get(reverse("reflection:competency_take")).content.decode()
    assert "Continuous Learning and Development" in page and "1.1 Maintains an ongoing" in page
    assert "5 · A strength I could teach" in page
    data = {f"i{pk}": str(v) for pk, v in rate_all(competencies, 4).items()}
    for indicator in BehaviouralIndicator.objects.filter(competency__number=3):
        data[f"i{indicator.pk}"] = "2"
    response = client.post(reverse("reflection:competency_take"), data)
    assessment = CompetencyAssessment.objects.get(mentor=mentor)
    assert response["Location"] == reverse("reflection:competency_result", args=[assessment.pk])
    html = client.get(response["Location"]).content.decode()
    assert "<polygon" in html and "<desc" in html and 'class="radar-shape"' in html
    assert '<td lang="en">3. Communication</td><td>2.0</td>' in html
    assert "Where to grow next" in html and "?competency=" in html


@pytest.mark.django_db
def test_an_unrated_indicator_is_marked_and_nothing_is_saved(client, mentor, competencies, tools):
    data = {f"i{pk}": "3" for pk in rate_all(competencies)}
    data.pop(next(iter(data)))
    client.force_login(mentor)
    response = client.post(reverse("reflection:competency_take"), data)
    assert response.status_code == 400
    assert "Rate this indicator." in response.content.decode()
    assert not CompetencyAssessment.objects.exists() and not IndicatorRating.objects.exists()


@pytest.mark.django_db
def test_the_history_shows_each_assessment_and_the_radar_compares_with_the_one_before(
    client, mentor, competencies, tools, django_assert_max_num_queries
):
    scale = tools["competency_scale"]
    for months_ago, value in [(6, 2), (3, 3), (0, 4)]:
        assessment = services.competency_submit(
            mentor=mentor, framework=competencies, tool=scale, ratings=rate_all(competencies, value)
        )
        CompetencyAssessment.objects.filter(pk=assessment.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=30 * months_ago)
        )
    client.force_login(mentor)
    with django_assert_max_num_queries(14):
        html = client.get(reverse("reflection:competency_index")).content.decode()
    assert 'class="radar-previous"' in html
    assert html.count("<td>4.0</td>") == 10  # nine competencies and overall, latest row
    assert html.count("<td>2.0</td>") == 10


@pytest.mark.django_db
def test_the_service_refuses_an_incomplete_or_off_scale_assessment(mentor, competencies, tools):
    from django.core.exceptions import ValidationError

    scale = tools["competency_scale"]
    ratings = rate_all(competencies)
    with pytest.raises(ValidationError):
        services.competency_submit(
            mentor=mentor,
            framework=competencies,
            tool=scale,
            ratings=dict(list(ratings.items())[1:]),
        )
    with pytest.raises(ValidationError):
        services.competency_submit(
            mentor=mentor, framework=competencies, tool=scale, ratings=dict.fromkeys(ratings, 9)
        )
    assert not CompetencyAssessment.objects.exists()


@pytest.mark.django_db
def test_nobody_else_sees_an_assessment(
    client, mentor, other_mentor, supervisor, staff, competencies, tools
):
    assessment = services.competency_submit(
        mentor=mentor,
        framework=competencies,
        tool=tools["competency_scale"],
        ratings=rate_all(competencies),
        note="PRIVATE-NOTE",
    )
    url = reverse("reflection:competency_result", args=[assessment.pk])
    for user, status in ((other_mentor, 404), (supervisor, 404), (staff, 403)):
        client.force_login(user)
        assert client.get(url).status_code == status
        client.post(reverse("reflection:competency_delete", args=[assessment.pk]))
    assert CompetencyAssessment.objects.filter(pk=assessment.pk).exists()
    client.force_login(mentor)
    assert "PRIVATE-NOTE" in client.get(url).content.decode()
    client.post(reverse("reflection:competency_delete", args=[assessment.pk]))
    assert not CompetencyAssessment.objects.exists()
