"""The eligibility engine: pure functions from a mentor's records to a verdict per requirement.

Nothing here touches the database. `evidence.gather` reads the records into the plain facts
below; `evaluate` judges them against a rule set's requirements and returns, per requirement,
whether it is met, which records it counted, and what is missing, in words a mentor can act on
("2 more verified references").

A result stores numbers and dates (`facts`), not sentences: the words are made when shown, in
the reader's language, so an evaluation frozen into an application reads the same to the
applicant and to staff.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from practicum.credentials.rules import TRAINING_SOURCES, Requirement
from practicum.lib.dates import add_years

COMPLETED = "completed"
VERIFIED_REFERENCE = ("confirmed", "corrected")
BODY_CONTACT_REFERENCE = "to_be_contacted"
AWAITING_REFERENCE = "requested"
CONFIRMED_SESSION = "confirmed"
PENDING_SESSION = "pending"
ACTIVE_CREDENTIAL = "active"
REVOKED_CREDENTIAL = "revoked"


# --- The facts the engine judges ------------------------------------------------------------


@dataclass(frozen=True)
class TrainingFact:
    id: int
    hours: Decimal
    centre_type: str
    programme_name: str = ""
    centre_name: str = ""
    # Hours a confirmed graduate record of the centre verifies (None: the mentor's own record,
    # with its certificate or letter).
    verified_hours: Decimal | None = None

    @property
    def counted_hours(self) -> Decimal:
        return self.hours if self.verified_hours is None else self.verified_hours


@dataclass(frozen=True)
class EngagementFact:
    id: int
    status: str
    kind: str
    started_on: datetime.date
    ended_on: datetime.date | None = None


@dataclass(frozen=True)
class ReferenceFact:
    id: int
    engagement_id: int
    status: str


@dataclass(frozen=True)
class SessionFact:
    id: int
    day: datetime.date  # in the mentor's time zone
    status: str


@dataclass(frozen=True)
class CpdFact:
    id: int
    hours: Decimal
    occurred_on: datetime.date
    title: str = ""


@dataclass(frozen=True)
class SupervisorFact:
    id: int
    name: str
    active: bool


@dataclass(frozen=True)
class CredentialFact:
    id: int
    code: str
    number: str
    valid_from: datetime.date
    expires_on: datetime.date
    status: str


@dataclass(frozen=True)
class Records:
    training: tuple[TrainingFact, ...] = ()
    engagements: tuple[EngagementFact, ...] = ()
    references: tuple[ReferenceFact, ...] = ()
    sessions: tuple[SessionFact, ...] = ()
    cpd: tuple[CpdFact, ...] = ()
    supervisors: tuple[SupervisorFact, ...] = ()
    credentials: tuple[CredentialFact, ...] = ()
    # (confirmed, pending) per [first day, first day after), counted by the database instead of
    # `sessions` (evidence.session_counts) where only the figures are shown, not the sessions.
    session_counts: dict[tuple[datetime.date, datetime.date], tuple[int, int]] | None = None


@dataclass(frozen=True)
class Cycle:
    """The validity cycle a renewal is judged on: [start, end)."""

    start: datetime.date
    end: datetime.date


# --- Results ----------------------------------------------------------------------------------


def _day(value: str | datetime.date) -> str:
    day = datetime.date.fromisoformat(value) if isinstance(value, str) else value
    return date_format(day, "DATE_FORMAT")


def _hours(value: str | Decimal) -> str:
    number = Decimal(str(value)).normalize()
    return f"{number:f}"


@dataclass(frozen=True)
class Counted:
    """A record a requirement counted: its kind (as practice.erasure names them) and id."""

    kind: str
    id: int
    facts: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        f = self.facts
        if self.kind == "training":
            values = {
                "programme": f["programme"],
                "centre": f["centre"],
                "type": _source_label(f["centre_type"]),
                "hours": _hours(f["hours"]),
            }
            if f.get("verified"):
                return (
                    _("%(programme)s, %(centre)s (%(type)s), %(hours)s h, verified by the centre")
                    % values
                )
            return _("%(programme)s, %(centre)s (%(type)s), %(hours)s h") % values
        if self.kind == "engagement":
            kind = _("Internal") if f["kind"] == "internal" else _("External")
            return _("%(kind)s engagement, %(start)s to %(end)s") % {
                "kind": kind,
                "start": _day(f["started_on"]),
                "end": _day(f["ended_on"]) if f.get("ended_on") else _("now"),
            }
        if self.kind == "reference":
            return _("Reference for the engagement from %(start)s: %(state)s") % {
                "start": _day(f["started_on"]),
                "state": _reference_state(f["status"]),
            }
        if self.kind == "session":
            return _("Supervision session on %(day)s") % {"day": _day(f["day"])}
        if self.kind == "cpd":
            return _("%(title)s on %(day)s, %(hours)s h") % {
                "title": f["title"],
                "day": _day(f["occurred_on"]),
                "hours": _hours(f["hours"]),
            }
        if self.kind == "relationship":
            return _("Supervisor: %(name)s") % {"name": f["name"]}
        if self.kind == "credential":
            return _("%(number)s, %(start)s to %(end)s") % {
                "number": f["number"],
                "start": _day(f["valid_from"]),
                "end": _day(f["expires_on"]),
            }
        return f"{self.kind} {self.id}"

    def to_json(self) -> dict:
        return {"kind": self.kind, "id": self.id, "facts": self.facts}


def _source_label(value: str) -> str:
    return {
        "accredited": _("Accredited"),
        "endorsed": _("Endorsed"),
        "non_accredited": _("Non-Accredited"),
    }.get(value, value)


def _reference_state(status: str) -> str:
    if status in VERIFIED_REFERENCE:
        return _("verified")
    if status == BODY_CONTACT_REFERENCE:
        return _("to be verified by the body")
    return _("awaiting the referee")


@dataclass(frozen=True)
class RequirementResult:
    kind: str
    met: bool
    facts: dict
    counted: tuple[Counted, ...] = ()

    @property
    def title(self) -> str:
        f = self.facts
        if self.kind == "training_hours":
            return _("At least %(n)s hours of mentoring training") % {"n": _hours(f["need"])}
        if self.kind == "prior_credential":
            return ngettext(
                "%(n)d full cycle of the %(code)s credential",
                "%(n)d full cycles of the %(code)s credential",
                f["need"],
            ) % {"n": f["need"], "code": f["code"]}
        if self.kind == "completed_engagements":
            return _("At least %(n)d completed mentoring engagements") % {"n": f["need"]}
        if self.kind == "verified_references":
            return _("%(n)d engagements verified by a referee") % {"n": f["need"]}
        if self.kind == "declared_supervisor":
            return _("A declared mentoring supervisor")
        if self.kind == "sessions_per_cycle_year":
            return _("%(n)d confirmed supervision sessions in each year of the cycle") % {
                "n": f["need"]
            }
        if self.kind == "cpd_hours":
            return _("At least %(n)s CPD hours during the cycle") % {"n": _hours(f["need"])}
        return self.kind

    @property
    def progress(self) -> str:
        f = self.facts
        if self.kind in {"training_hours", "cpd_hours"}:
            return _("%(have)s of %(need)s hours") % {
                "have": _hours(f["have"]),
                "need": _hours(f["need"]),
            }
        if self.kind == "prior_credential":
            return _("%(have)d of %(need)d") % {"have": f["have"], "need": f["need"]}
        if self.kind == "completed_engagements":
            return _("%(have)d of %(need)d") % {"have": f["have"], "need": f["need"]}
        if self.kind == "verified_references":
            return _("%(have)d verified of %(need)d") % {"have": f["verified"], "need": f["need"]}
        if self.kind == "sessions_per_cycle_year":
            return "; ".join(
                _("year %(year)d: %(have)d of %(need)d")
                % {"year": y["year"], "have": y["confirmed"], "need": f["need"]}
                for y in f["years"]
            )
        if self.kind == "declared_supervisor":
            return f.get("name") or _("none declared")
        return ""

    @property
    def missing(self) -> list[str]:
        """What is still missing, in plain words; empty when met."""
        if self.met:
            return []
        f = self.facts
        if self.kind == "training_hours":
            return [
                _("%(n)s more hours of mentoring training")
                % {"n": _hours(Decimal(f["need"]) - Decimal(f["have"]))}
            ]
        if self.kind == "prior_credential":
            if f.get("completes_on"):
                days = f["days_to_go"]
                return [
                    ngettext(
                        "Your %(code)s cycle completes on %(day)s: %(n)d more day.",
                        "Your %(code)s cycle completes on %(day)s: %(n)d more days.",
                        days,
                    )
                    % {"code": f["code"], "day": _day(f["completes_on"]), "n": days}
                ]
            return [
                _("A completed cycle of the %(code)s credential (hold it for its full validity).")
                % {"code": f["code"]}
            ]
        if self.kind == "completed_engagements":
            n = f["need"] - f["have"]
            return [
                ngettext("%(n)d more completed engagement", "%(n)d more completed engagements", n)
                % {"n": n}
            ]
        if self.kind == "verified_references":
            n = f["need"] - f["counted"]
            text = ngettext(
                "%(n)d more verified reference", "%(n)d more verified references", n
            ) % {"n": n}
            if f["awaiting"]:
                text += " " + ngettext(
                    "(%(n)d awaits the referee’s answer)",
                    "(%(n)d await the referees’ answers)",
                    f["awaiting"],
                ) % {"n": f["awaiting"]}
            return [text]
        if self.kind == "declared_supervisor":
            return [_("Declare your mentoring supervisor (name, email, address and focus area).")]
        if self.kind == "sessions_per_cycle_year":
            if not f["years"]:
                return [_("An active credential whose cycle the sessions are counted in.")]
            lines = []
            for y in f["years"]:
                n = f["need"] - y["confirmed"]
                if n <= 0:
                    continue
                line = ngettext(
                    "%(n)d more confirmed supervision session in year %(year)d "
                    "(%(start)s to %(end)s)",
                    "%(n)d more confirmed supervision sessions in year %(year)d "
                    "(%(start)s to %(end)s)",
                    n,
                ) % {
                    "n": n,
                    "year": y["year"],
                    "start": _day(y["start"]),
                    "end": _day(y["last_day"]),
                }
                if y["pending"]:
                    line += " " + ngettext(
                        "(%(n)d awaits sign-off)", "(%(n)d await sign-off)", y["pending"]
                    ) % {"n": y["pending"]}
                lines.append(line)
            return lines
        if self.kind == "cpd_hours":
            return [
                _("%(n)s more CPD hours during the cycle")
                % {"n": _hours(Decimal(f["need"]) - Decimal(f["have"]))}
            ]
        return [self.kind]

    @property
    def notes(self) -> list[str]:
        if self.kind == "verified_references" and self.met and self.facts.get("body_contact_used"):
            n = self.facts["body_contact_used"]
            return [
                ngettext(
                    "%(n)d reference is to be verified by the body during review.",
                    "%(n)d references are to be verified by the body during review.",
                    n,
                )
                % {"n": n}
            ]
        return []

    def to_json(self) -> dict:
        return {
            "kind": self.kind,
            "met": self.met,
            "facts": self.facts,
            "counted": [c.to_json() for c in self.counted],
        }

    @classmethod
    def from_json(cls, doc: dict) -> "RequirementResult":
        return cls(
            kind=doc["kind"],
            met=bool(doc["met"]),
            facts=doc.get("facts", {}),
            counted=tuple(
                Counted(c["kind"], int(c["id"]), c.get("facts", {})) for c in doc.get("counted", [])
            ),
        )


@dataclass(frozen=True)
class Evaluation:
    results: tuple[RequirementResult, ...]
    on: datetime.date

    @property
    def eligible(self) -> bool:
        return all(r.met for r in self.results)

    @property
    def unmet(self) -> list[RequirementResult]:
        return [r for r in self.results if not r.met]

    @property
    def missing(self) -> list[str]:
        return [line for r in self.unmet for line in r.missing]

    def result(self, kind: str) -> RequirementResult | None:
        return next((r for r in self.results if r.kind == kind), None)

    def counted_ids(self) -> dict[str, list[int]]:
        """Record ids counted, by kind: what an application cites."""
        ids: dict[str, set[int]] = {}
        for r in self.results:
            for c in r.counted:
                ids.setdefault(c.kind, set()).add(c.id)
        return {kind: sorted(values) for kind, values in ids.items()}

    def to_json(self) -> dict:
        return {"on": self.on.isoformat(), "results": [r.to_json() for r in self.results]}

    @classmethod
    def from_json(cls, doc: dict) -> "Evaluation | None":
        if not doc:
            return None
        return cls(
            results=tuple(RequirementResult.from_json(r) for r in doc.get("results", [])),
            on=datetime.date.fromisoformat(doc["on"]),
        )


# --- The rules ------------------------------------------------------------------------------


_add_years = add_years  # one home: practicum.lib.dates


def training_hours(req: Requirement, records: Records, **_kw) -> RequirementResult:
    types = set(req.param("centre_types") or TRAINING_SOURCES)
    counted = [t for t in records.training if t.centre_type in types]
    have = sum((t.counted_hours for t in counted), Decimal(0))
    return RequirementResult(
        kind=req.kind,
        met=have >= req.hours,
        facts={"have": str(have), "need": str(req.hours)},
        counted=tuple(
            Counted(
                "training",
                t.id,
                {
                    "programme": t.programme_name,
                    "centre": t.centre_name,
                    "centre_type": t.centre_type,
                    "hours": str(t.counted_hours),
                    "verified": t.verified_hours is not None,
                },
            )
            for t in counted
        ),
    )


def prior_credential(
    req: Requirement, records: Records, *, today: datetime.date, **_kw
) -> RequirementResult:
    """A full cycle is a validity period that has run to its end without being revoked: the
    credential's expiry date has come (a suspended or expired one still completed its cycle)."""
    code = str(req.param("credential")).upper()
    need = int(req.param("full_cycles", 1))
    held = [c for c in records.credentials if c.code == code and c.status != REVOKED_CREDENTIAL]
    done = [c for c in held if c.expires_on <= today]
    running = sorted(
        (c for c in held if c.valid_from <= today < c.expires_on), key=lambda c: c.expires_on
    )
    facts: dict[str, Any] = {"code": code, "need": need, "have": len(done)}
    if len(done) < need and running:
        facts["completes_on"] = running[0].expires_on.isoformat()
        facts["days_to_go"] = (running[0].expires_on - today).days
    return RequirementResult(
        kind=req.kind,
        met=len(done) >= need,
        facts=facts,
        counted=tuple(
            Counted(
                "credential",
                c.id,
                {
                    "number": c.number,
                    "valid_from": c.valid_from.isoformat(),
                    "expires_on": c.expires_on.isoformat(),
                },
            )
            for c in done
        ),
    )


def _completed(records: Records) -> list[EngagementFact]:
    return [e for e in records.engagements if e.status == COMPLETED and e.ended_on is not None]


def _engagement_counted(e: EngagementFact) -> Counted:
    return Counted(
        "engagement",
        e.id,
        {
            "kind": e.kind,
            "started_on": e.started_on.isoformat(),
            "ended_on": e.ended_on.isoformat() if e.ended_on else None,
        },
    )


def completed_engagements(req: Requirement, records: Records, **_kw) -> RequirementResult:
    completed = _completed(records)
    return RequirementResult(
        kind=req.kind,
        met=len(completed) >= req.count,
        facts={"have": len(completed), "need": req.count},
        counted=tuple(_engagement_counted(e) for e in completed),
    )


def verified_references(req: Requirement, records: Records, **_kw) -> RequirementResult:
    """One reference per completed engagement counts: five references on one engagement verify
    one engagement, not five. A verified reference counts before one the body is to contact."""
    body_counts = bool(req.param("body_contact_counts", False))
    completed = {e.id: e for e in _completed(records)}
    best: dict[int, ReferenceFact] = {}
    rank = {**dict.fromkeys(VERIFIED_REFERENCE, 0), BODY_CONTACT_REFERENCE: 1}
    awaiting = set()
    for ref in records.references:
        if ref.engagement_id not in completed:
            continue
        if ref.status == AWAITING_REFERENCE:
            awaiting.add(ref.engagement_id)
        if ref.status not in rank or (ref.status == BODY_CONTACT_REFERENCE and not body_counts):
            continue
        current = best.get(ref.engagement_id)
        if current is None or rank[ref.status] < rank[current.status]:
            best[ref.engagement_id] = ref
    verified = [r for r in best.values() if r.status in VERIFIED_REFERENCE]
    by_body = [r for r in best.values() if r.status == BODY_CONTACT_REFERENCE]
    chosen = (verified + by_body)[: max(req.count, len(verified))]
    counted = len(chosen)
    return RequirementResult(
        kind=req.kind,
        met=counted >= req.count,
        facts={
            "need": req.count,
            "verified": len(verified),
            "counted": counted,
            "body_contact_used": len([r for r in chosen if r.status == BODY_CONTACT_REFERENCE]),
            "awaiting": len(awaiting - set(best)),
        },
        counted=tuple(
            Counted(
                "reference",
                r.id,
                {
                    "engagement_id": r.engagement_id,
                    "status": r.status,
                    "started_on": completed[r.engagement_id].started_on.isoformat(),
                },
            )
            for r in chosen
        ),
    )


def declared_supervisor(req: Requirement, records: Records, **_kw) -> RequirementResult:
    active = [s for s in records.supervisors if s.active]
    return RequirementResult(
        kind=req.kind,
        met=bool(active),
        facts={"name": active[0].name if active else ""},
        counted=tuple(Counted("relationship", s.id, {"name": s.name}) for s in active[:1]),
    )


def cycle_years(cycle: Cycle) -> list[tuple[int, datetime.date, datetime.date]]:
    """(year number, first day, first day after) of each year of `cycle`, from its start."""
    years, start, n = [], cycle.start, 1
    while start < cycle.end:
        end = min(_add_years(cycle.start, n), cycle.end)
        years.append((n, start, end))
        start, n = end, n + 1
    return years


def sessions_per_cycle_year(
    req: Requirement, records: Records, *, cycle: Cycle | None = None, **_kw
) -> RequirementResult:
    years, counted, met = [], [], cycle is not None
    for n, start, end in cycle_years(cycle) if cycle else []:
        if records.session_counts is not None:
            n_confirmed, n_pending = records.session_counts.get((start, end), (0, 0))
        else:
            in_year = [s for s in records.sessions if start <= s.day < end]
            confirmed = [s for s in in_year if s.status == CONFIRMED_SESSION]
            n_confirmed = len(confirmed)
            n_pending = sum(1 for s in in_year if s.status == PENDING_SESSION)
            counted += confirmed
        met = met and n_confirmed >= req.count
        years.append(
            {
                "year": n,
                "start": start.isoformat(),
                "last_day": (end - datetime.timedelta(days=1)).isoformat(),
                "confirmed": n_confirmed,
                "pending": n_pending,
            }
        )
    return RequirementResult(
        kind=req.kind,
        met=met,
        facts={"need": req.count, "years": years},
        counted=tuple(Counted("session", s.id, {"day": s.day.isoformat()}) for s in counted),
    )


def cpd_hours(
    req: Requirement, records: Records, *, cycle: Cycle | None = None, **_kw
) -> RequirementResult:
    entries = [c for c in records.cpd if cycle and cycle.start <= c.occurred_on < cycle.end]
    have = sum((c.hours for c in entries), Decimal(0))
    return RequirementResult(
        kind=req.kind,
        met=cycle is not None and have >= req.hours,
        facts={"have": str(have), "need": str(req.hours)},
        counted=tuple(
            Counted(
                "cpd",
                c.id,
                {"title": c.title, "occurred_on": c.occurred_on.isoformat(), "hours": str(c.hours)},
            )
            for c in entries
        ),
    )


RULES = {
    "training_hours": training_hours,
    "prior_credential": prior_credential,
    "completed_engagements": completed_engagements,
    "verified_references": verified_references,
    "declared_supervisor": declared_supervisor,
    "sessions_per_cycle_year": sessions_per_cycle_year,
    "cpd_hours": cpd_hours,
}


def evaluate(
    requirements: tuple[Requirement, ...],
    records: Records,
    *,
    today: datetime.date,
    cycle: Cycle | None = None,
) -> Evaluation:
    """Judge `records` against `requirements` on `today` (and, for a renewal, its `cycle`)."""
    return Evaluation(
        results=tuple(
            RULES[req.kind](req, records, today=today, cycle=cycle) for req in requirements
        ),
        on=today,
    )


def training_source(records: Records) -> str | None:
    """The training source that sets the review time: the slowest one among the training
    counted (an application with endorsed and non-accredited training waits as non-accredited)."""
    types = {t.centre_type for t in records.training}
    for source in reversed(TRAINING_SOURCES):
        if source in types:
            return source
    return None
