"""Scoring rules of the self-assessments, as pure functions of the answers and the versioned
data (bands, scales, the prompt rule). No database here: the property-based tests call these.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ONE_PLACE = Decimal("0.1")


def band_for(bands: Sequence[Mapping], total: int) -> Mapping | None:
    """The band whose min..max (both included) holds `total`, or None when none does."""
    for band in bands:
        if band["min"] <= total <= band["max"]:
            return band
    return None


# --- Supervision-readiness self-assessment --------------------------------------------------

READINESS_MIN, READINESS_MAX = 1, 5
SUGGESTED_STEPS = 3
SUGGESTED_STEPS_WITH_TIES = 5


def readiness_total(scores: Iterable[int]) -> int:
    """The sum of the statement scores, each 1 (not like me at all) to 5 (just like me)."""
    values = list(scores)
    if any(not READINESS_MIN <= v <= READINESS_MAX for v in values):
        raise ValueError("a readiness score runs from 1 to 5")
    return sum(values)


def lowest_scored(scores: Sequence[tuple[str, int]], *, top: int = READINESS_MAX) -> list[str]:
    """The statements to work on: the three scored lowest (in questionnaire order among equal
    scores), with any tied with the third up to five in all. A statement at the top of the
    scale is never suggested."""
    ranked = sorted(
        ((score, index, key) for index, (key, score) in enumerate(scores) if score < top),
    )
    if not ranked:
        return []
    chosen = ranked[:SUGGESTED_STEPS]
    cut = chosen[-1][0]
    for item in ranked[SUGGESTED_STEPS:]:
        if item[0] != cut or len(chosen) >= SUGGESTED_STEPS_WITH_TIES:
            break
        chosen.append(item)
    return [key for _score, _index, key in chosen]


def changes_since(
    current: Mapping[str, int], previous: Mapping[str, int] | None
) -> dict[str, int | None]:
    """Per statement, the change since the previous attempt (None: not answered then)."""
    previous = previous or {}
    return {
        key: (score - previous[key]) if key in previous else None for key, score in current.items()
    }


# --- Self-Care and Burnout Checklist --------------------------------------------------------


def selfcare_points(value: int, *, keyed: str, low: int, high: int) -> int:
    """Strain points of one answer: as it is for a strain statement, reversed for a resource."""
    if not low <= value <= high:
        raise ValueError("the answer is off the scale")
    return value - low if keyed == "strain" else high - value


def selfcare_score(
    statements: Sequence[Mapping], answers: Mapping[str, int], scale: Mapping
) -> int:
    """The strain total: 0 (no strain) to statements x (max - min)."""
    return sum(
        selfcare_points(answers[s["code"]], keyed=s["keyed"], low=scale["min"], high=scale["max"])
        for s in statements
    )


@dataclass(frozen=True)
class SelfCarePrompt:
    due: bool
    rise: Decimal | None  # the latest score minus the mean of the checks before it
    high: bool  # the latest score reached the rule's `at_or_above`


def selfcare_prompt(scores: Sequence[int], rule: Mapping) -> SelfCarePrompt:
    """Whether to suggest bringing it to supervision, from the scores oldest first.

    Due when the latest score is `rise` points or more above the mean of the `window` checks
    before it (the trend worsens past the threshold), or reaches `at_or_above`.
    """
    if not scores:
        return SelfCarePrompt(due=False, rise=None, high=False)
    latest = scores[-1]
    before = list(scores[-1 - rule["window"] : -1])
    rise = None
    if before:
        mean = Decimal(sum(before)) / len(before)
        rise = (Decimal(latest) - mean).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)
    worsening = rise is not None and rise >= rule["rise"]
    high = latest >= rule["at_or_above"]
    return SelfCarePrompt(due=worsening or high, rise=rise, high=high)


# --- Competency self-assessment ---------------------------------------------------------------


def mean(values: Iterable[int | Decimal]) -> Decimal | None:
    items = [Decimal(v) for v in values]
    if not items:
        return None
    return (sum(items) / len(items)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def competency_scores(ratings: Iterable[tuple[int, int]]) -> dict[int, Decimal]:
    """Per competency number, the mean of its indicators' ratings to one decimal place."""
    grouped: dict[int, list[int]] = {}
    for competency, score in ratings:
        grouped.setdefault(competency, []).append(score)
    return {number: mean(scores) for number, scores in sorted(grouped.items())}


def overall_score(scores: Mapping[int, Decimal]) -> Decimal | None:
    """Each competency weighs the same, whatever its number of indicators."""
    return mean(scores.values())
