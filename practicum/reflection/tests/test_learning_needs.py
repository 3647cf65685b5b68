"""What a mentor's own self-assessments and worksheets say they could learn next: computed in
the database, in a fixed number of queries, for that mentor only."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from practicum.frameworks.models import BehaviouralIndicator, EthicsClause, FrameworkVersion
from practicum.reflection import services
from practicum.reflection.learning_needs import (
    CitedClause,
    LearningNeeds,
    LowCompetency,
    LowReadiness,
    mentor_learning_needs,
)
from practicum.reflection.models import ReadinessAttempt, ToolVersion

pytestmark = pytest.mark.django_db
Kind = FrameworkVersion.Kind


def questionnaire():
    return FrameworkVersion.objects.current(Kind.READINESS_QUESTIONNAIRE)


def take_readiness(mentor, low: dict[str, int], *, default=4, days_ago=0):
    framework = questionnaire()
    statements = list(framework.statements.all())
    attempt = services.readiness_submit(
        mentor=mentor,
        framework=framework,
        scores={s.pk: low.get(s.code, default) for s in statements},
    )
    if days_ago:
        ReadinessAttempt.objects.filter(pk=attempt.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=days_ago)
        )
    return attempt


def rate_competencies(mentor, tools, low: dict[int, int], *, default=4):
    """`low`: competency number -> the rating of every one of its indicators."""
    framework = FrameworkVersion.objects.current(Kind.COMPETENCIES)
    indicators = BehaviouralIndicator.objects.filter(competency__framework=framework)
    return services.competency_submit(
        mentor=mentor,
        framework=framework,
        tool=tools[ToolVersion.Kind.COMPETENCY_SCALE],
        ratings={i.pk: low.get(i.competency.number, default) for i in indicators},
    )


def clause(identifier):
    code = FrameworkVersion.objects.current(Kind.CODE_OF_ETHICS)
    return EthicsClause.objects.get(framework=code, identifier=identifier)


def cite(mentor, *identifiers, title="A choice"):
    worksheet = services.worksheet_create(mentor=mentor, title=title)
    for identifier in identifiers:
        services.worksheet_clause_add(
            worksheet=worksheet, clause=clause(identifier), source="searched"
        )
    return worksheet


def first_identifiers(n):
    code = FrameworkVersion.objects.current(Kind.CODE_OF_ETHICS)
    return list(
        EthicsClause.objects.filter(framework=code).values_list("identifier", flat=True)[:n]
    )


def test_nothing_for_a_mentor_without_assessments_or_worksheets(mentor, tools):
    needs = mentor_learning_needs(mentor)
    assert needs == LearningNeeds((), (), ())
    assert not needs
    assert mentor_learning_needs(AnonymousUser()) == LearningNeeds((), (), ())


def test_the_lowest_readiness_statements_of_the_latest_attempt(mentor, tools):
    take_readiness(mentor, {"Q1": 1, "Q2": 1, "Q3": 1}, days_ago=30)
    take_readiness(mentor, {"Q5": 1, "Q9": 2, "Q6": 2, "Q12": 2, "Q7": 3})
    needs = mentor_learning_needs(mentor)
    q5 = questionnaire().statements.get(code="Q5")
    assert needs.low_readiness[0] == LowReadiness(
        statement_id=q5.pk,
        code="Q5",
        position=q5.position,
        text="I look for recurring patterns with each client",
        score=1,
    )
    # ties in questionnaire order; the earlier attempt is not read
    assert [(r.code, r.score) for r in needs.low_readiness] == [("Q5", 1), ("Q6", 2), ("Q9", 2)]
    assert [r.code for r in mentor_learning_needs(mentor, limit=5).low_readiness] == [
        "Q5",
        "Q6",
        "Q9",
        "Q12",
        "Q7",
    ]


def test_a_low_statement_reads_in_the_readers_language(mentor, tools):
    from django.utils import translation

    take_readiness(mentor, {"Q5": 1})
    low = mentor_learning_needs(mentor).low_readiness[0]
    q5 = questionnaire().statements.get(code="Q5")
    with translation.override("ar"):
        assert low.local_text == q5.translations["ar"]["text"]
    assert low.local_text == low.text == q5.text  # English: as written


def test_a_statement_at_the_top_of_the_scale_is_never_a_need(mentor, tools):
    take_readiness(mentor, {"Q4": 4}, default=5)
    assert [r.code for r in mentor_learning_needs(mentor).low_readiness] == ["Q4"]


def test_the_competencies_rated_lowest_in_the_latest_assessment(mentor, tools):
    rate_competencies(mentor, tools, {1: 1, 2: 1})
    latest = rate_competencies(mentor, tools, {3: 2, 7: 1, 9: 3}, default=5)
    needs = mentor_learning_needs(mentor)
    assert [(c.number, c.rating) for c in needs.low_competencies] == [
        (7, Decimal("1.0")),
        (3, Decimal("2.0")),
        (9, Decimal("3.0")),
    ]
    seven = latest.framework.competencies.get(number=7)
    assert needs.low_competencies[0] == LowCompetency(
        competency_id=seven.pk, number=7, name=seven.name, rating=Decimal("1.0")
    )


def test_a_competency_rating_is_the_mean_of_its_indicators(mentor, tools):
    framework = FrameworkVersion.objects.current(Kind.COMPETENCIES)
    indicators = list(
        BehaviouralIndicator.objects.filter(competency__framework=framework).order_by(
            "competency__number", "number"
        )
    )
    first = [i for i in indicators if i.competency.number == 1]
    ratings = {i.pk: 5 for i in indicators}
    ratings[first[0].pk] = 2  # one low indicator among the first competency's
    services.competency_submit(
        mentor=mentor,
        framework=framework,
        tool=tools[ToolVersion.Kind.COMPETENCY_SCALE],
        ratings=ratings,
    )
    (only,) = mentor_learning_needs(mentor).low_competencies
    expected = (Decimal(2 + 5 * (len(first) - 1)) / len(first)).quantize(Decimal("0.1"))
    assert (only.number, only.rating) == (1, expected)


def test_the_clauses_cited_most_across_the_mentors_worksheets(mentor, tools):
    a, b, c, d = first_identifiers(4)
    cite(mentor, a, b, c)
    cite(mentor, b, c)
    cite(mentor, c)
    cite(mentor, d)
    needs = mentor_learning_needs(mentor)
    assert needs.cited_clauses == (
        CitedClause(clause_id=clause(c).pk, reference=c, count=3),
        CitedClause(clause_id=clause(b).pk, reference=b, count=2),
        CitedClause(clause_id=clause(a).pk, reference=a, count=1),
    )


def test_another_mentors_data_never_leaks_in(mentor, other_mentor, tools):
    a, b = first_identifiers(2)
    take_readiness(other_mentor, {"Q1": 1}, default=5)
    rate_competencies(other_mentor, tools, {2: 1}, default=5)
    cite(other_mentor, a)
    # the other mentor's attempt is the newest on the platform: it must not count as "latest"
    take_readiness(mentor, {"Q8": 2}, default=5, days_ago=1)
    cite(mentor, b)
    needs = mentor_learning_needs(mentor)
    assert [r.code for r in needs.low_readiness] == ["Q8"]
    assert needs.low_competencies == ()
    assert [c.reference for c in needs.cited_clauses] == [b]
    other = mentor_learning_needs(other_mentor)
    assert [r.code for r in other.low_readiness] == ["Q1"]
    assert [c.number for c in other.low_competencies] == [2]
    assert [c.reference for c in other.cited_clauses] == [a]


def test_three_queries_whatever_the_amount_of_data(mentor, tools, django_assert_num_queries):
    identifiers = first_identifiers(6)
    take_readiness(mentor, {"Q2": 2})
    rate_competencies(mentor, tools, {4: 2})
    cite(mentor, identifiers[0])
    with django_assert_num_queries(3):
        mentor_learning_needs(mentor)
    for n in range(8):
        take_readiness(mentor, {"Q3": 1, "Q4": 2}, days_ago=n + 1)
        rate_competencies(mentor, tools, {5: 1})
        cite(mentor, *identifiers[: n % 6 + 1], title=f"Choice {n}")
    with django_assert_num_queries(3):
        needs = mentor_learning_needs(mentor, limit=10)
    assert len(needs.cited_clauses) == 6
