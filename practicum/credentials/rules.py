"""A rule set's content (the YAML file, as stored in `RuleSet.content`) as typed values.

The loader checks a file with `Rules.from_content` before storing it, so every stored rule set
parses; views and services read rules only through this module, never from raw dictionaries.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

TRAINING_SOURCES = ("accredited", "endorsed", "non_accredited")

# Requirement kinds the eligibility engine knows, and the parameters each must give.
REQUIREMENT_PARAMS: dict[str, tuple[str, ...]] = {
    "training_hours": ("hours",),
    "prior_credential": ("credential",),
    "completed_engagements": ("count",),
    "verified_references": ("count",),
    "declared_supervisor": (),
    "sessions_per_cycle_year": ("count",),
    "cpd_hours": ("hours",),
}


class RulesError(ValueError):
    """The rule set cannot be used; the message says which key and why."""


def _decimal(value: Any, where: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise RulesError(f"{where}: '{value}' is not a number") from exc
    if not number.is_finite() or number < 0:
        raise RulesError(f"{where}: '{value}' must be zero or more")
    return number


def _positive_int(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise RulesError(f"{where}: '{value}' must be a whole number above zero")
    return value


def _need(doc: dict, key: str, where: str) -> Any:
    if not isinstance(doc, dict) or key not in doc or doc[key] in (None, "", []):
        raise RulesError(f"{where}: missing '{key}'")
    return doc[key]


@dataclass(frozen=True)
class Requirement:
    kind: str
    params: dict

    def param(self, name: str, default=None):
        return self.params.get(name, default)

    @property
    def count(self) -> int:
        return int(self.params["count"])

    @property
    def hours(self) -> Decimal:
        return Decimal(str(self.params["hours"]))


def _requirements(items: Any, where: str) -> tuple[Requirement, ...]:
    if not isinstance(items, list) or not items:
        raise RulesError(f"{where}: requirements must be a non-empty list")
    result = []
    for index, item in enumerate(items, start=1):
        here = f"{where} requirement {index}"
        kind = _need(item, "kind", here)
        if kind not in REQUIREMENT_PARAMS:
            raise RulesError(f"{here}: unknown kind '{kind}'")
        for name in REQUIREMENT_PARAMS[kind]:
            _need(item, name, f"{here} ({kind})")
        if "count" in item:
            _positive_int(item["count"], f"{here} count")
        if "hours" in item and _decimal(item["hours"], f"{here} hours") <= 0:
            raise RulesError(f"{here} hours: must be above zero")
        if "centre_types" in item:
            unknown = set(item["centre_types"]) - set(TRAINING_SOURCES)
            if unknown:
                raise RulesError(f"{here}: unknown centre types {sorted(unknown)}")
        result.append(Requirement(kind, {k: v for k, v in item.items() if k != "kind"}))
    kinds = [r.kind for r in result]
    if len(set(kinds)) != len(kinds):
        raise RulesError(f"{where}: a requirement kind is listed twice")
    return tuple(result)


@dataclass(frozen=True)
class Fees:
    currency: str
    member: Decimal
    non_member: Decimal

    def for_membership(self, *, member: bool) -> Decimal:
        return self.member if member else self.non_member

    @classmethod
    def parse(cls, doc: Any, where: str) -> "Fees":
        currency = str(_need(doc, "currency", where)).upper()
        if len(currency) != 3 or not currency.isalpha():
            raise RulesError(f"{where}: currency must be a three-letter code")
        member = _decimal(_need(doc, "member", where), f"{where} member")
        non_member = _decimal(_need(doc, "non_member", where), f"{where} non_member")
        if member <= 0 or non_member <= 0:
            raise RulesError(f"{where}: fees must be above zero")
        return cls(currency, member, non_member)


@dataclass(frozen=True)
class RenewalRules:
    requirements: tuple[Requirement, ...]
    fees: Fees
    audit_percent: int
    opens_days_before_expiry: int
    reminder_days: tuple[int, ...]
    review_weeks: int
    ours: bool


@dataclass(frozen=True)
class ReviewControls:
    """Checks a decision to approve must pass. Defaults (when a rule set is silent): the person
    who recorded the payment does not decide, and every reference has a recorded contact."""

    payment_recorder_may_decide: bool = False
    # None: every reference of the application; else at least this many (or all, if fewer).
    references_contacted: int | None = None

    def contacts_needed(self, references: int) -> int:
        if self.references_contacted is None:
            return references
        return min(self.references_contacted, references)

    @classmethod
    def parse(cls, doc: Any, where: str) -> "ReviewControls":
        if doc in (None, {}):
            return cls()
        if not isinstance(doc, dict):
            raise RulesError(f"{where}: review must be a mapping")
        unknown = set(doc) - {"payment_recorder_may_decide", "references_contacted"}
        if unknown:
            raise RulesError(f"{where}: unknown review keys {sorted(unknown)}")
        may_decide = doc.get("payment_recorder_may_decide", False)
        if not isinstance(may_decide, bool):
            raise RulesError(f"{where}: review payment_recorder_may_decide must be true or false")
        contacted = doc.get("references_contacted", "all")
        if contacted == "all":
            contacted = None
        elif isinstance(contacted, bool) or not isinstance(contacted, int) or contacted < 0:
            raise RulesError(f"{where}: review references_contacted must be 'all' or 0 or more")
        return cls(payment_recorder_may_decide=may_decide, references_contacted=contacted)


def _codes(value: Any, where: str) -> tuple[str, ...]:
    if value in (None, []):
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise RulesError(f"{where}: superseded_by must be a list of credential codes")
    return tuple(v.upper() for v in value)


@dataclass(frozen=True)
class Rules:
    code: str
    version: str
    name: str
    description: str
    source: str
    rules_are_ours: bool
    effective_date: datetime.date
    validity_years: int
    fees: Fees
    review_weeks: dict[str, int]
    requirements: tuple[Requirement, ...]
    declaration: str
    renewal: RenewalRules
    # Higher credentials whose holders are not offered this one (an entry credential).
    superseded_by: tuple[str, ...] = ()
    review: ReviewControls = ReviewControls()

    @property
    def title(self) -> str:
        return f"{self.name} ({self.code})"

    def review_days_for(self, source: str) -> int:
        return self.review_weeks[source] * 7

    def requirement(self, kind: str) -> Requirement | None:
        return next((r for r in self.requirements if r.kind == kind), None)

    @classmethod
    def from_content(cls, doc: Any, where: str = "rules") -> "Rules":
        if not isinstance(doc, dict):
            raise RulesError(f"{where}: expected a mapping at the top")
        code = str(_need(doc, "credential", where)).upper()
        if not (2 <= len(code) <= 8 and code.isalnum()):
            raise RulesError(f"{where}: credential code '{code}' must be 2 to 8 letters or digits")
        effective = _need(doc, "effective_date", where)
        if isinstance(effective, str):
            try:
                effective = datetime.date.fromisoformat(effective)
            except ValueError as exc:
                raise RulesError(f"{where}: effective_date must be YYYY-MM-DD") from exc
        if not isinstance(effective, datetime.date):
            raise RulesError(f"{where}: effective_date must be YYYY-MM-DD")
        weeks = _need(doc, "review_weeks", where)
        if not isinstance(weeks, dict) or set(weeks) != set(TRAINING_SOURCES):
            raise RulesError(f"{where}: review_weeks must give {', '.join(TRAINING_SOURCES)}")
        review_weeks = {k: _positive_int(v, f"{where} review_weeks {k}") for k, v in weeks.items()}
        renewal = _need(doc, "renewal", where)
        audit = renewal.get("audit_percent", 0)
        if isinstance(audit, bool) or not isinstance(audit, int) or not 0 <= audit <= 100:
            raise RulesError(f"{where}: renewal audit_percent must be a whole number 0 to 100")
        reminders = _need(renewal, "reminder_days", f"{where} renewal")
        if not isinstance(reminders, list):
            raise RulesError(f"{where}: renewal reminder_days must be a list")
        reminder_days = tuple(
            sorted({_positive_int(d, f"{where} reminder_days") for d in reminders}, reverse=True)
        )
        return cls(
            code=code,
            version=str(_need(doc, "version", where)),
            name=str(_need(doc, "name", where)),
            description=" ".join(str(doc.get("description") or "").split()),
            source=str(doc.get("source") or ""),
            rules_are_ours=bool(doc.get("rules_are_ours")),
            effective_date=effective,
            validity_years=_positive_int(_need(doc, "validity_years", where), where),
            fees=Fees.parse(_need(doc, "fees", where), f"{where} fees"),
            review_weeks=review_weeks,
            requirements=_requirements(_need(doc, "requirements", where), where),
            declaration=" ".join(str(_need(doc, "declaration", where)).split()),
            renewal=RenewalRules(
                requirements=_requirements(
                    _need(renewal, "requirements", f"{where} renewal"), f"{where} renewal"
                ),
                fees=Fees.parse(_need(renewal, "fees", f"{where} renewal"), f"{where} renewal"),
                audit_percent=audit,
                opens_days_before_expiry=_positive_int(
                    _need(renewal, "opens_days_before_expiry", f"{where} renewal"),
                    f"{where} renewal opens_days_before_expiry",
                ),
                reminder_days=reminder_days,
                review_weeks=_positive_int(
                    _need(renewal, "review_weeks", f"{where} renewal"),
                    f"{where} renewal review_weeks",
                ),
                ours=bool(renewal.get("ours")),
            ),
            superseded_by=_codes(doc.get("superseded_by"), where),
            review=ReviewControls.parse(doc.get("review"), where),
        )
