"""What a mentor's own self-assessments and worksheets say they could learn next: the signals the
resource library's "Recommended for you" reads.

Three aggregates in the database, one query each whatever the mentor has written: the
statements of their latest readiness self-assessment they scored lowest, the competencies of
their latest competency self-assessment they rated lowest (a competency's rating is the mean of
its indicators', as on the result page), and the Code clauses their Ethics Lens worksheets cite
most. Only numbers, codes and the frameworks' own text leave here: never a word the mentor
wrote. A statement or competency at the top of its scale is a strength, not a need, so it is
never listed (the readiness page suggests steps by the same rule, `scoring.lowest_scored`).
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Subquery

from practicum.lib.translations import localized
from practicum.reflection import scoring
from practicum.reflection.models import (
    CompetencyAssessment,
    IndicatorRating,
    ReadinessAnswer,
    ReadinessAttempt,
    WorksheetClause,
)

# The database bounds every indicator rating at 5 (`rating_score_1_to_5`).
COMPETENCY_TOP = 5


@dataclass(frozen=True)
class LowReadiness:
    statement_id: int  # frameworks.QuestionnaireStatement
    code: str  # "Q5"
    position: int  # its number in the questionnaire
    text: str
    score: int  # 1 (not like me at all) .. 5 (just like me)
    # The statement's translations ({lang: {"text": ...}}), for `local_text`.
    translations: dict | None = field(default=None, compare=False)

    @property
    def local_text(self) -> str:
        """The statement in the reader's language (the questionnaire's own translation)."""
        return localized({"text": self.text, "translations": self.translations}, "text")


@dataclass(frozen=True)
class LowCompetency:
    competency_id: int  # frameworks.Competency
    number: int
    name: str
    rating: Decimal  # the mean of its indicators' ratings, one decimal place, 1..5


@dataclass(frozen=True)
class CitedClause:
    clause_id: int  # frameworks.EthicsClause (the row of the Code version cited)
    reference: str  # its identifier, "1.B.3"
    count: int  # how many of the mentor's worksheets cite it


@dataclass(frozen=True)
class LearningNeeds:
    low_readiness: tuple[LowReadiness, ...]  # lowest score first, then questionnaire order
    low_competencies: tuple[LowCompetency, ...]  # lowest rating first, then by number
    cited_clauses: tuple[CitedClause, ...]  # most cited first, then by reference

    def __bool__(self) -> bool:
        return bool(self.low_readiness or self.low_competencies or self.cited_clauses)


NO_NEEDS = LearningNeeds((), (), ())


def _one_place(value) -> Decimal:
    return Decimal(str(value)).quantize(scoring.ONE_PLACE, rounding=ROUND_HALF_UP)


def mentor_learning_needs(user, limit: int = 3) -> LearningNeeds:
    """At most `limit` of each signal, for `user` alone, in three queries (none for a visitor)."""
    if not getattr(user, "is_authenticated", False) or limit <= 0:
        return NO_NEEDS

    latest_attempt = (
        ReadinessAttempt.objects.filter(mentor=user).order_by("-created_at", "-pk").values("pk")[:1]
    )
    readiness = (
        ReadinessAnswer.objects.filter(
            attempt=Subquery(latest_attempt), score__lt=scoring.READINESS_MAX
        )
        .order_by("score", "statement__position", "statement_id")
        .values_list(
            "statement_id",
            "statement__code",
            "statement__position",
            "statement__text",
            "score",
            "statement__translations",
        )[:limit]
    )

    latest_assessment = (
        CompetencyAssessment.objects.filter(mentor=user)
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    competencies = (
        IndicatorRating.objects.filter(assessment=Subquery(latest_assessment))
        .values(
            "indicator__competency_id",
            "indicator__competency__number",
            "indicator__competency__name",
        )
        .annotate(rating=Avg("score"))
        .filter(rating__lt=COMPETENCY_TOP)
        .order_by("rating", "indicator__competency__number")[:limit]
    )

    clauses = (
        WorksheetClause.objects.filter(worksheet__mentor=user)
        .values("clause_id", "clause__identifier")
        .annotate(count=Count("worksheet_id", distinct=True))
        .order_by("-count", "clause__identifier", "clause_id")[:limit]
    )

    return LearningNeeds(
        low_readiness=tuple(LowReadiness(*row) for row in readiness),
        low_competencies=tuple(
            LowCompetency(
                competency_id=row["indicator__competency_id"],
                number=row["indicator__competency__number"],
                name=row["indicator__competency__name"],
                rating=_one_place(row["rating"]),
            )
            for row in competencies
        ),
        cited_clauses=tuple(
            CitedClause(
                clause_id=row["clause_id"], reference=row["clause__identifier"], count=row["count"]
            )
            for row in clauses
        ),
    )


__all__ = [
    "CitedClause",
    "LearningNeeds",
    "LowCompetency",
    "LowReadiness",
    "mentor_learning_needs",
]
