"""Rule sets in force and a mentor's standing against them (the mentor's page)."""

import dataclasses
import datetime
from dataclasses import dataclass, field

from practicum.accounts.models import User
from practicum.credentials import eligibility
from practicum.credentials.eligibility import Cycle, Evaluation
from practicum.credentials.evidence import gather, session_counts
from practicum.credentials.loader import DATA_DIR, read_rule_file
from practicum.credentials.models import Application, Credential, RuleSet, body_today
from practicum.credentials.rules import Rules
from practicum.credentials.services._common import Status
from practicum.lib.translations import version_files
from practicum.lib.versioned import remembered
from practicum.practice.progress import Targets

# --- Rule sets and a mentor's standing -------------------------------------------------------


def rule_sets_in_force(today: datetime.date | None = None) -> list[RuleSet]:
    """The rule set of each type in force on `today`, with their rules parsed. Every mentor
    dashboard asks (its targets and its credentials panel): like the Code in force
    (lib.versioned), each process keeps the answer for CURRENT_TTL seconds, and forgets it when
    a rule set is saved. The rows may be kept whole: a published version never changes in
    place (only translations may be added to it, reaching pages within CURRENT_TTL)."""
    today = today or body_today()
    return list(
        remembered(("credentials.RuleSet", "in_force", today), lambda: _load_in_force(today))
    )


def _load_in_force(today: datetime.date) -> tuple[RuleSet, ...]:
    rule_sets = tuple(RuleSet.objects.in_force(today))
    for rule_set in rule_sets:
        rule_set.rules  # noqa: B018 (parsed once here, not on every page that reads them)
    return rule_sets


def held_credential(
    mentor: User, code: str, today: datetime.date | None = None
) -> Credential | None:
    """The credential of type `code` the mentor holds today (the one valid now)."""
    today = today or body_today()
    return (
        Credential.objects.valid_on(today)
        .filter(holder=mentor, credential_type__code=code)
        .order_by("-expires_on")
        .first()
    )


def superseding_credential(
    mentor: User, rules: Rules, today: datetime.date | None = None
) -> Credential | None:
    """A higher credential the mentor holds that makes this (entry) one pointless, else None."""
    if not rules.superseded_by:
        return None
    return (
        Credential.objects.valid_on(today or body_today())
        .filter(holder=mentor, credential_type__code__in=rules.superseded_by)
        .select_related("credential_type")
        .first()
    )


@dataclass
class YearProgress:
    year: int
    start: datetime.date
    last_day: datetime.date
    confirmed: int
    pending: int
    need: int
    current: bool

    @property
    def missing(self) -> int:
        return max(self.need - self.confirmed, 0)


@dataclass
class TypeOverview:
    """Where a mentor stands with one credential type."""

    rule_set: RuleSet
    evaluation: Evaluation
    held: Credential | None = None
    renewal: Evaluation | None = None
    years: list[YearProgress] = field(default_factory=list)
    application: Application | None = None
    renewal_opens_on: datetime.date | None = None
    today: datetime.date | None = None
    # A higher credential held that supersedes this one: it is then not offered.
    superseded_by: Credential | None = None

    @property
    def rules(self) -> Rules:
        return self.rule_set.rules

    @property
    def renewal_open(self) -> bool:
        return bool(self.held and self.today and self.renewal_opens_on <= self.today)

    @property
    def can_apply(self) -> bool:
        return (
            self.held is None
            and self.superseded_by is None
            and self.evaluation.eligible
            and not self._open_application
        )

    @property
    def can_renew(self) -> bool:
        return self.renewal_open and not self._open_application and not self._renewed

    @property
    def _open_application(self) -> bool:
        return self.application is not None and self.application.is_open

    @property
    def _renewed(self) -> bool:
        return bool(self.held and hasattr(self.held, "renewed_by"))


def cycle_of(credential: Credential) -> Cycle:
    return Cycle(credential.valid_from, credential.expires_on)


def year_progress(evaluation: Evaluation | None, today: datetime.date) -> list[YearProgress]:
    result = evaluation.result("sessions_per_cycle_year") if evaluation else None
    if result is None:
        return []
    need = result.facts["need"]
    years = []
    for y in result.facts["years"]:
        start = datetime.date.fromisoformat(y["start"])
        last = datetime.date.fromisoformat(y["last_day"])
        years.append(
            YearProgress(
                year=y["year"],
                start=start,
                last_day=last,
                confirmed=y["confirmed"],
                pending=y["pending"],
                need=need,
                current=start <= today <= last,
            )
        )
    return years


def mentor_overview(mentor: User, today: datetime.date | None = None) -> list[TypeOverview]:
    """Every credential type in force, judged on the mentor's records, in a fixed number of
    queries: the rule sets, the records (gather), the credentials held and the applications."""
    today = today or body_today()
    rule_sets = rule_sets_in_force(today)
    if not rule_sets:
        return []
    held, held_codes = {}, {}
    for credential in (
        Credential.objects.valid_on(today)
        .filter(holder=mentor)
        .select_related("credential_type", "renewed_by")
        .order_by("expires_on")
    ):
        held[credential.credential_type_id] = credential
        held_codes[credential.credential_type.code] = credential
    # Sessions count only per year of a held credential's cycle, and the overview shows the
    # figures, not the sessions: one bounded aggregate instead of every session ever logged.
    spans = [
        (start, end)
        for credential in held.values()
        for _n, start, end in eligibility.cycle_years(cycle_of(credential))
    ]
    records = dataclasses.replace(
        gather(mentor, include_sessions=False), session_counts=session_counts(mentor, spans)
    )
    applications = {}
    for application in (
        Application.objects.filter(applicant=mentor)
        .exclude(status__in=[Status.APPROVED, Status.REJECTED])
        # The overview names an application and its status; its frozen evidence (encrypted)
        # and its draft answers are for the application's own pages.
        .defer("snapshot", "draft", "eligibility")
        .order_by("created_at")
    ):
        current = applications.get(application.credential_type_id)
        if current is None or not current.is_open:
            applications[application.credential_type_id] = application
    overview = []
    for rule_set in rule_sets:
        rules = rule_set.rules
        credential = held.get(rule_set.credential_type_id)
        item = TypeOverview(
            rule_set=rule_set,
            evaluation=eligibility.evaluate(rules.requirements, records, today=today),
            held=credential,
            application=applications.get(rule_set.credential_type_id),
            today=today,
            superseded_by=next(
                (held_codes[c] for c in rules.superseded_by if c in held_codes), None
            ),
        )
        if credential is not None:
            item.renewal = eligibility.evaluate(
                rules.renewal.requirements, records, today=today, cycle=cycle_of(credential)
            )
            item.years = year_progress(item.renewal, today)
            item.renewal_opens_on = credential.expires_on - datetime.timedelta(
                days=rules.renewal.opens_days_before_expiry
            )
        overview.append(item)
    return overview


# The credential whose figures the Mentor Dashboard counts towards (DOMAIN.md: the CMM).
DASHBOARD_CREDENTIAL = "CMM"


def dashboard_targets(today: datetime.date) -> Targets | None:
    """The Mentor Dashboard's thresholds, from the dashboard credential's rules in force (or,
    before any rule set is loaded, its newest data file in force): practice asks through
    `practice.progress.TARGET_SOURCES`, registered in CredentialsConfig.ready()."""
    # The same row as RuleSet.objects.current(DASHBOARD_CREDENTIAL, today), from the memo.
    rule_set = next((r for r in rule_sets_in_force(today) if r.code == DASHBOARD_CREDENTIAL), None)
    rules = rule_set.rules if rule_set is not None else _rules_from_files(today)
    if rules is None:
        return None
    sessions = next(
        (r for r in rules.renewal.requirements if r.kind == "sessions_per_cycle_year"), None
    )
    engagements = rules.requirement("completed_engagements")
    references = rules.requirement("verified_references")
    training = rules.requirement("training_hours")
    return Targets(
        sessions_per_year=sessions.count if sessions else None,
        engagements=engagements.count if engagements else None,
        references=references.count if references else None,
        training_hours=training.hours if training else None,
    )


def _rules_from_files(today: datetime.date):
    in_force = []
    for path in version_files(DATA_DIR, f"{DASHBOARD_CREDENTIAL}-*.yaml"):
        _content, rules = read_rule_file(path)
        if rules.effective_date <= today:
            in_force.append(rules)
    return max(in_force, key=lambda r: r.effective_date, default=None)
