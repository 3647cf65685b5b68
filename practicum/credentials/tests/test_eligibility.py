"""The eligibility engine, without a database: every boundary of the rules in data/."""

import datetime
from decimal import Decimal

import pytest

from practicum.credentials.eligibility import (
    CpdFact,
    CredentialFact,
    Cycle,
    EngagementFact,
    Evaluation,
    Records,
    ReferenceFact,
    SessionFact,
    SupervisorFact,
    TrainingFact,
    evaluate,
    training_source,
)
from practicum.credentials.loader import DATA_DIR, read_rule_file

TODAY = datetime.date(2026, 6, 15)
CMM = read_rule_file(DATA_DIR / "CMM-1.0.yaml")[1]
CPM = read_rule_file(DATA_DIR / "CPM-1.0.yaml")[1]


def only(rules, kind):
    return tuple(r for r in rules.requirements if r.kind == kind)


def completed(n: int, start=datetime.date(2024, 1, 1)) -> tuple[EngagementFact, ...]:
    return tuple(
        EngagementFact(i, "completed", "external", start, start + datetime.timedelta(days=90))
        for i in range(1, n + 1)
    )


def result(rules, kind, records, **kwargs):
    return evaluate(only(rules, kind), records, today=TODAY, **kwargs).results[0]


# --- Training hours -----------------------------------------------------------------------------


def test_49_and_a_half_training_hours_are_not_enough():
    records = Records(
        training=(
            TrainingFact(1, Decimal("30"), "accredited", "Foundations", "Centre A"),
            TrainingFact(2, Decimal("19.5"), "non_accredited", "Advanced", "Centre B"),
        )
    )
    verdict = result(CMM, "training_hours", records)
    assert not verdict.met
    assert verdict.missing == ["0.5 more hours of mentoring training"]
    assert verdict.progress == "49.5 of 50 hours"


def test_50_training_hours_meet_the_requirement_and_count_each_programme():
    records = Records(
        training=(
            TrainingFact(1, Decimal("30"), "accredited", "Foundations", "Centre A"),
            TrainingFact(2, Decimal("20"), "endorsed", "Advanced", "Centre B"),
        )
    )
    verdict = result(CMM, "training_hours", records)
    assert verdict.met and verdict.missing == []
    assert [c.id for c in verdict.counted] == [1, 2]
    assert "Foundations, Centre A (Accredited), 30 h" in [c.label for c in verdict.counted]


# --- Engagements ---------------------------------------------------------------------------------


def test_9_completed_engagements_are_one_short():
    verdict = result(CMM, "completed_engagements", Records(engagements=completed(9)))
    assert not verdict.met
    assert verdict.missing == ["1 more completed engagement"]


def test_10_completed_engagements_meet_it_and_active_ones_do_not_count():
    engagements = completed(10) + (
        EngagementFact(99, "active", "internal", datetime.date(2026, 1, 1)),
        EngagementFact(98, "ended_early", "internal", datetime.date(2025, 1, 1), TODAY),
    )
    verdict = result(CMM, "completed_engagements", Records(engagements=engagements))
    assert verdict.met
    assert len(verdict.counted) == 10 and 99 not in {c.id for c in verdict.counted}


# --- References ----------------------------------------------------------------------------------


def test_4_verified_references_are_one_short_and_say_what_awaits():
    engagements = completed(10)
    references = tuple(ReferenceFact(i, i, "confirmed") for i in range(1, 5)) + (
        ReferenceFact(5, 5, "requested"),
    )
    verdict = result(
        CMM, "verified_references", Records(engagements=engagements, references=references)
    )
    assert not verdict.met
    assert verdict.missing == ["1 more verified reference (1 awaits the referee’s answer)"]


def test_5_verified_references_meet_it_corrected_ones_included():
    engagements = completed(10)
    references = tuple(ReferenceFact(i, i, "confirmed") for i in range(1, 5)) + (
        ReferenceFact(5, 5, "corrected"),
    )
    verdict = result(
        CMM, "verified_references", Records(engagements=engagements, references=references)
    )
    assert verdict.met and len(verdict.counted) == 5


def test_five_references_on_one_engagement_verify_one_engagement():
    references = tuple(ReferenceFact(i, 1, "confirmed") for i in range(1, 6))
    verdict = result(
        CMM, "verified_references", Records(engagements=completed(10), references=references)
    )
    assert not verdict.met
    assert verdict.missing == ["4 more verified references"]


def test_a_reference_on_an_unfinished_engagement_does_not_count():
    engagements = (*completed(4), EngagementFact(5, "active", "internal", TODAY))
    references = tuple(ReferenceFact(i, i, "confirmed") for i in range(1, 6))
    verdict = result(
        CMM, "verified_references", Records(engagements=engagements, references=references)
    )
    assert not verdict.met and verdict.facts["verified"] == 4


def test_a_mentee_the_body_contacts_counts_toward_applying_and_is_flagged():
    references = tuple(ReferenceFact(i, i, "confirmed") for i in range(1, 5)) + (
        ReferenceFact(5, 5, "to_be_contacted"),
    )
    verdict = result(
        CMM, "verified_references", Records(engagements=completed(10), references=references)
    )
    assert verdict.met
    assert verdict.notes == ["1 reference is to be verified by the body during review."]


def test_declined_references_do_not_count():
    references = tuple(ReferenceFact(i, i, "declined") for i in range(1, 6))
    verdict = result(
        CMM, "verified_references", Records(engagements=completed(10), references=references)
    )
    assert not verdict.met and verdict.missing == ["5 more verified references"]


# --- The CPM cycle ---------------------------------------------------------------------------


def cpm(valid_from, expires_on, status="active"):
    return CredentialFact(7, "CPM", "IMC-CPM-2024-000001", valid_from, expires_on, status)


def test_a_cpm_cycle_one_day_short_is_not_complete_and_says_when_it_will_be():
    records = Records(credentials=(cpm(datetime.date(2024, 6, 16), datetime.date(2026, 6, 16)),))
    verdict = result(CMM, "prior_credential", records)
    assert not verdict.met
    assert verdict.missing == ["Your CPM cycle completes on 16 Jun 2026: 1 more day."]


def test_a_cpm_cycle_completes_on_its_expiry_date():
    records = Records(credentials=(cpm(datetime.date(2024, 6, 15), datetime.date(2026, 6, 15)),))
    verdict = result(CMM, "prior_credential", records)
    assert verdict.met and [c.id for c in verdict.counted] == [7]


def test_a_revoked_cpm_never_completes_a_cycle():
    records = Records(
        credentials=(cpm(datetime.date(2022, 1, 1), datetime.date(2024, 1, 1), "revoked"),)
    )
    verdict = result(CMM, "prior_credential", records)
    assert not verdict.met
    assert verdict.missing == [
        "A completed cycle of the CPM credential (hold it for its full validity)."
    ]


def test_an_expired_cpm_has_completed_its_cycle():
    records = Records(
        credentials=(cpm(datetime.date(2022, 1, 1), datetime.date(2024, 1, 1), "expired"),)
    )
    assert result(CMM, "prior_credential", records).met


# --- Supervisor ------------------------------------------------------------------------------


def test_an_ended_supervision_relationship_is_not_a_declared_supervisor():
    records = Records(supervisors=(SupervisorFact(1, "Edith External", False),))
    verdict = result(CMM, "declared_supervisor", records)
    assert not verdict.met
    assert verdict.missing == [
        "Declare your mentoring supervisor (name, email, address and focus area)."
    ]
    records = Records(supervisors=(SupervisorFact(2, "Sam Supervisor", True),))
    assert result(CMM, "declared_supervisor", records).met


# --- Renewal: sessions per cycle year and CPD -------------------------------------------------

CYCLE = Cycle(datetime.date(2024, 7, 1), datetime.date(2026, 7, 1))


def renewal(kind, records):
    reqs = tuple(r for r in CMM.renewal.requirements if r.kind == kind)
    return evaluate(reqs, records, today=TODAY, cycle=CYCLE).results[0]


def sessions_in(start: datetime.date, n: int, status="confirmed", first_id=1):
    return tuple(
        SessionFact(first_id + i, start + datetime.timedelta(days=10 * i), status) for i in range(n)
    )


def test_4_sessions_in_a_year_of_the_cycle_are_one_short():
    records = Records(
        sessions=sessions_in(datetime.date(2024, 7, 1), 5)
        + sessions_in(datetime.date(2025, 7, 1), 4, first_id=100)
        + sessions_in(datetime.date(2025, 9, 1), 2, status="pending", first_id=200)
    )
    verdict = renewal("sessions_per_cycle_year", records)
    assert not verdict.met
    assert verdict.missing == [
        "1 more confirmed supervision session in year 2 (1 Jul 2025 to 30 Jun 2026) "
        "(2 await sign-off)"
    ]
    assert verdict.facts["years"][0]["confirmed"] == 5


def test_5_sessions_in_each_year_of_the_cycle_meet_it():
    records = Records(
        sessions=sessions_in(datetime.date(2024, 7, 1), 5)
        + sessions_in(datetime.date(2025, 7, 1), 5, first_id=100)
    )
    verdict = renewal("sessions_per_cycle_year", records)
    assert verdict.met and len(verdict.counted) == 10


def test_a_session_on_the_last_day_of_a_year_counts_in_that_year_and_not_the_next():
    last_day = datetime.date(2025, 6, 30)
    records = Records(
        sessions=sessions_in(datetime.date(2024, 7, 1), 4)
        + (SessionFact(50, last_day, "confirmed"),)
        + sessions_in(datetime.date(2025, 7, 1), 5, first_id=100)
    )
    verdict = renewal("sessions_per_cycle_year", records)
    assert verdict.met
    assert [y["confirmed"] for y in verdict.facts["years"]] == [5, 5]


def test_sessions_before_the_cycle_do_not_count():
    records = Records(
        sessions=sessions_in(datetime.date(2024, 6, 1), 3)
        + sessions_in(datetime.date(2024, 7, 1), 2, first_id=10)
        + sessions_in(datetime.date(2025, 7, 1), 5, first_id=100)
    )
    verdict = renewal("sessions_per_cycle_year", records)
    assert not verdict.met and verdict.facts["years"][0]["confirmed"] == 2


def test_cpd_hours_are_counted_within_the_cycle():
    records = Records(
        cpd=(
            CpdFact(1, Decimal("20"), datetime.date(2024, 6, 30), "Before"),
            CpdFact(2, Decimal("39.5"), datetime.date(2025, 1, 1), "During"),
        )
    )
    verdict = renewal("cpd_hours", records)
    assert not verdict.met and verdict.missing == ["0.5 more CPD hours during the cycle"]
    records = Records(cpd=(*records.cpd, CpdFact(3, Decimal("0.5"), datetime.date(2026, 6, 30))))
    assert renewal("cpd_hours", records).met


def test_renewal_requirements_without_a_cycle_are_not_met():
    reqs = CMM.renewal.requirements
    evaluation = evaluate(reqs, Records(), today=TODAY)
    assert not evaluation.eligible
    assert "An active credential whose cycle the sessions are counted in." in evaluation.missing


# --- The whole verdict -------------------------------------------------------------------------


def eligible_records() -> Records:
    return Records(
        training=(TrainingFact(1, Decimal("50"), "endorsed", "P", "C"),),
        engagements=completed(10),
        references=tuple(ReferenceFact(i, i, "confirmed") for i in range(1, 6)),
        supervisors=(SupervisorFact(1, "Edith", True),),
        credentials=(cpm(datetime.date(2023, 1, 1), datetime.date(2025, 1, 1), "expired"),),
    )


def test_a_mentor_with_every_record_is_eligible_for_the_cmm():
    evaluation = evaluate(CMM.requirements, eligible_records(), today=TODAY)
    assert evaluation.eligible and evaluation.missing == []
    assert evaluation.counted_ids() == {
        "training": [1],
        "credential": [7],
        "engagement": list(range(1, 11)),
        "reference": [1, 2, 3, 4, 5],
        "relationship": [1],
    }


def test_an_empty_record_lists_every_missing_requirement_in_plain_words():
    evaluation = evaluate(CMM.requirements, Records(), today=TODAY)
    assert evaluation.missing == [
        "50 more hours of mentoring training",
        "A completed cycle of the CPM credential (hold it for its full validity).",
        "10 more completed engagements",
        "5 more verified references",
        "Declare your mentoring supervisor (name, email, address and focus area).",
    ]


def test_the_cpm_asks_less_and_needs_no_prior_credential():
    records = Records(
        training=(TrainingFact(1, Decimal("30"), "accredited"),),
        engagements=completed(3),
        references=(ReferenceFact(1, 1, "confirmed"), ReferenceFact(2, 2, "confirmed")),
        supervisors=(SupervisorFact(1, "Edith", True),),
    )
    assert evaluate(CPM.requirements, records, today=TODAY).eligible


def test_an_evaluation_survives_its_json_round_trip():
    evaluation = evaluate(CMM.requirements, eligible_records(), today=TODAY)
    again = Evaluation.from_json(evaluation.to_json())
    assert again.eligible and again.counted_ids() == evaluation.counted_ids()
    assert [r.title for r in again.results] == [r.title for r in evaluation.results]


@pytest.mark.parametrize(
    ("types", "source"),
    [
        ({"accredited"}, "accredited"),
        ({"accredited", "endorsed"}, "endorsed"),
        ({"endorsed", "non_accredited"}, "non_accredited"),
        (set(), None),
    ],
)
def test_the_slowest_training_source_sets_the_review_time(types, source):
    records = Records(training=tuple(TrainingFact(i, Decimal(1), t) for i, t in enumerate(types)))
    assert training_source(records) == source
