"""The rules of "Recommended for you", as plain functions, then the mentor's own panel."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from practicum.library import recommendations as rules
from practicum.library.recommendations import Candidate

pytestmark = pytest.mark.django_db


def item(pk, *, title="", summary="", competencies=(), clauses=(), themes=()):
    resource = SimpleNamespace(pk=pk, title=title, summary=summary)
    return Candidate(
        resource=resource,
        competency_ids=frozenset(competencies),
        clause_ids=frozenset(clauses),
        themes=frozenset(themes),
        stems=frozenset(rules.analyse(f"{title} {summary}")) - rules.GENERIC,
    )


PATTERNS = item(1, title="Spotting recurring patterns", summary="Across your clients.")
BOUNDARIES = item(2, title="Holding boundaries", themes={"boundaries"}, clauses={7})
COMMUNICATION = item(3, title="Listening well", competencies={30})
CLIENTS_ONLY = item(4, title="Your clients and your mentoring work")


def test_a_low_readiness_statement_recommends_what_shares_its_words_and_says_why():
    found = rules.from_statements(
        [("I look for recurring patterns with each client", None)],
        [PATTERNS, BOUNDARIES, CLIENTS_ONLY],
    )
    assert [r.resource.pk for r in found] == [1]
    assert "recurring patterns with each client" in found[0].reason
    assert "readiness reflection" in found[0].reason


def test_common_words_alone_recommend_nothing():
    found = rules.from_statements([("I work with each client and mentee", None)], [CLIENTS_ONLY])
    assert found == []


def test_a_statement_with_a_known_competency_recommends_its_resources():
    found = rules.from_statements([("Something else entirely", 30)], [COMMUNICATION])
    assert [r.resource.pk for r in found] == [3]


def test_low_competencies_and_cited_clauses_recommend_tagged_resources():
    assert [
        r.resource.pk
        for r in rules.from_competencies([(30, "Communication")], [COMMUNICATION, PATTERNS])
    ] == [3]
    clauses = rules.from_clauses([(7, "1.B.3", 4)], [BOUNDARIES, PATTERNS])
    assert [r.resource.pk for r in clauses] == [2]
    assert "1.B.3" in clauses[0].reason and "4" in clauses[0].reason


def test_the_upcoming_labs_theme_recommends_resources_on_that_theme():
    found = rules.from_lab("Spring lab", "Boundary challenges", [BOUNDARIES, PATTERNS])
    assert [r.resource.pk for r in found] == [2]
    assert "Spring lab" in found[0].reason
    assert rules.from_lab("Spring lab", "Something unrelated", [BOUNDARIES]) == []


def test_combine_keeps_each_resource_once_with_its_first_reason_and_skips_studied():
    first = rules.from_statements([("recurring patterns noticed", None)], [PATTERNS])
    second = rules.from_lab("Lab", "Boundaries", [BOUNDARIES])
    again = rules.from_clauses([(7, "1.B.3", 2)], [BOUNDARIES])
    combined = rules.combine(first, second, again, studied=set())
    assert [(r.resource.pk, r.reason) for r in combined] == [
        (1, first[0].reason),
        (2, second[0].reason),
    ]
    assert [r.resource.pk for r in rules.combine(first, second, studied={1})] == [2]
    assert len(rules.combine(first, second, studied=set(), limit=1)) == 1


def test_the_panel_recommends_from_the_mentors_own_readiness_result(
    client, publish, mentor, other_mentor
):
    from practicum.reflection.tests.test_learning_needs import take_readiness

    resource = publish(access="public")
    take_readiness(mentor, {"Q5": 1, "Q6": 1})
    client.force_login(mentor)
    page = client.get(reverse("library:recommended_panel")).content.decode()
    assert resource.title in page
    assert "low in your readiness reflection" in page
    client.force_login(other_mentor)
    page = client.get(reverse("library:recommended_panel")).content.decode()
    assert resource.title not in page


def test_the_panel_recommends_nothing_the_mentor_may_not_read(client, publish, mentor):
    from practicum.reflection.tests.test_learning_needs import take_readiness

    resource = publish(access="members")
    take_readiness(mentor, {"Q5": 1, "Q6": 1})
    client.force_login(mentor)
    assert resource.title not in client.get(reverse("library:recommended_panel")).content.decode()
