"""The rules an imported row is checked by, and the other names a column or a value may go by.

The site's own CSV exports (`exports.py`) write headers and choices as people read them, in the
exporting person's language ("Start time", "Hora de inicio"; "One-to-one"): an export is
accepted back as it is, so its headers are aliases of the import's columns (in every language
the site speaks), its extra columns (time zone, sign-off) are ignored, and its labels are read
as the values they show.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from practicum.accounts.models import User
from practicum.lib.csv_import import DECIMAL, Cells, Row, decimal_text
from practicum.practice.models import (
    MAX_SESSION_MINUTES,
    ImportBatch,
    MentoringEngagement,
    SessionFormat,
    SupervisionRelationship,
)
from practicum.practice.records_forms import MAX_HOURS

MIN_SESSION_MINUTES = 5  # as the session form
MAX_TEXT_LENGTH = 10_000
IGNORED = "~ignored"  # a column of the export that the import does not need

Kind = ImportBatch.Kind

# The export's header for each import column (the same msgids `exports.py` writes), then the
# export's columns that the import leaves aside.
EXPORT_HEADERS = {
    Kind.SESSIONS: {
        "date": gettext_lazy("Date"),
        "start_time": gettext_lazy("Start time"),
        "duration_minutes": gettext_lazy("Duration (minutes)"),
        "format": gettext_lazy("Format"),
        "supervisor": gettext_lazy("Supervisor"),
        "focus": gettext_lazy("Focus"),
        "key_learnings": gettext_lazy("Key learnings"),
        "actions": gettext_lazy("Actions"),
        IGNORED: (
            gettext_lazy("Time zone"),
            gettext_lazy("Hours"),
            gettext_lazy("Sign-off status"),
            gettext_lazy("Signed off by"),
            gettext_lazy("Signed off at"),
        ),
    },
    Kind.ENGAGEMENTS: {
        "mentee_name": gettext_lazy("Mentee's name"),
        "mentee_email": gettext_lazy("Mentee's email"),
        "organisation": gettext_lazy("Organisation"),
        "kind": gettext_lazy("Internal or external"),
        "start_date": gettext_lazy("Start date"),
        "end_date": gettext_lazy("End date"),
        "status": gettext_lazy("Status"),
        "hours": gettext_lazy("Hours"),
        "confidentiality_agreement": gettext_lazy("Confidentiality agreement"),
        IGNORED: (gettext_lazy("Verified references"),),
    },
}


def header_name(cell: str) -> str:
    return cell.strip().lower().replace(" ", "_")


def _normalised(value: str) -> str:
    return " ".join(value.split()).casefold()


def _in_every_language(text) -> set[str]:
    found = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            found.add(str(text))
    return found


def header_aliases(kind: str) -> dict[str, str]:
    """The export's header names (every language) -> the import's column, or IGNORED."""
    aliases = {}
    for column, labels in EXPORT_HEADERS[kind].items():
        for label in labels if column == IGNORED else (labels,):
            for text in _in_every_language(label):
                aliases.setdefault(header_name(text), column)
    return aliases


def _labels(choices: type[models.TextChoices]) -> dict[str, str]:
    return {
        text.casefold(): value
        for value, label in choices.choices
        for text in _in_every_language(label)
    }


def _yes_no() -> dict[str, str]:
    # The export writes booleans as the words yes / no, translated.
    labels = {text.casefold(): "yes" for text in _in_every_language(gettext_lazy("yes"))}
    labels.update({text.casefold(): "no" for text in _in_every_language(gettext_lazy("no"))})
    return labels


def _relationship_range(relationship: SupervisionRelationship) -> dict:
    return {"start": relationship.started_on, "end": relationship.ended_on or _("now")}


class SessionRules:
    """A session row as `services.session_log` will judge it, so the preview tells in advance."""

    def __init__(self, mentor: User, *, date_order: str = ""):
        self.date_order = date_order
        relationships = SupervisionRelationship.objects.filter(mentor=mentor).select_related(
            "supervisor"
        )
        self.by_name: dict[str, list[SupervisionRelationship]] = {}
        for relationship in relationships:
            name = _normalised(relationship.supervisor_name)
            self.by_name.setdefault(name, []).append(relationship)
        self.names = sorted({r.supervisor_name for r in relationships}, key=str.casefold)
        self.in_file: dict[tuple, int] = {}
        self.zone = timezone.get_current_timezone()

    def __call__(self, row: Row) -> tuple[dict | None, list[dict]]:
        cells = Cells(row, date_order=self.date_order)
        day = cells.date("date", required=True)
        start = cells.time("start_time")
        minutes = cells.integer(
            "duration_minutes",
            low=MIN_SESSION_MINUTES,
            high=MAX_SESSION_MINUTES,
            message=_("Give the duration in whole minutes, from %(min)s to %(max)s.")
            % {"min": MIN_SESSION_MINUTES, "max": MAX_SESSION_MINUTES},
        )
        session_format = cells.choice("format", SessionFormat.values, labels=_labels(SessionFormat))
        focus = cells.text("focus", required=True, max_length=200, one_line=True)
        key_learnings = cells.text("key_learnings", max_length=MAX_TEXT_LENGTH)
        actions = cells.text("actions", max_length=MAX_TEXT_LENGTH)
        relationship = self._relationship(cells, day)
        starts_at = None
        # The session rules themselves (no future session, one per supervisor and start, the
        # relationship's dates) are the service's: the check runs it (`_rehearse`).
        if day and start:
            starts_at = datetime.datetime.combine(day, start, tzinfo=self.zone)
        if relationship and starts_at:
            pair = (relationship.pk, starts_at)
            if pair in self.in_file:
                cells.fail(
                    "date",
                    _("Row %(row)s has a session with this supervisor starting at the same time.")
                    % {"row": self.in_file[pair]},
                )
            else:
                self.in_file[pair] = row.number
        if cells.errors:
            return None, cells.errors
        return {
            "relationship": relationship,
            "starts_at": starts_at,
            "duration_minutes": minutes,
            "format": session_format,
            "focus": focus,
            "key_learnings": key_learnings,
            "actions": actions,
        }, []

    def _relationship(
        self, cells: Cells, day: datetime.date | None
    ) -> SupervisionRelationship | None:
        name = cells.text("supervisor", required=True, max_length=150, one_line=True)
        if not name:
            return None
        candidates = self.by_name.get(_normalised(name))
        if not candidates:
            if self.names:
                cells.fail(
                    "supervisor",
                    _("None of your declared supervisors has this name. Yours: %(names)s.")
                    % {"names": ", ".join(self.names)},
                )
            else:
                cells.fail(
                    "supervisor",
                    _("Declare your supervisors first (on the Supervisors page), then import."),
                )
            return None
        if day is None:
            return None
        for relationship in candidates:
            if relationship.started_on <= day and (
                relationship.ended_on is None or day <= relationship.ended_on
            ):
                return relationship
        cells.fail(
            "supervisor",
            _("On that date this supervisor relationship was not in place (%(start)s to %(end)s).")
            % _relationship_range(candidates[0]),
        )
        return None


class EngagementRules:
    """An engagement row as the engagement form and the model's constraints judge it."""

    def __init__(self, mentor: User, *, date_order: str = ""):
        self.date_order = date_order
        self.today = timezone.localdate()

    def __call__(self, row: Row) -> tuple[dict | None, list[dict]]:
        cells = Cells(row, date_order=self.date_order)
        mentee_name = cells.text("mentee_name", required=True, max_length=150, one_line=True)
        mentee_email = cells.text("mentee_email", max_length=254).lower()
        if mentee_email:
            try:
                validate_email(mentee_email)
            except ValidationError:
                cells.fail("mentee_email", _("This is not a valid email address."))
        organisation = cells.text("organisation", max_length=200, one_line=True)
        kind = cells.choice(
            "kind", MentoringEngagement.Kind.values, labels=_labels(MentoringEngagement.Kind)
        )
        started_on = cells.date("start_date", required=True)
        ended_on = cells.date("end_date", required=False)
        status = cells.choice(
            "status", MentoringEngagement.Status.values, labels=_labels(MentoringEngagement.Status)
        )
        hours = self._hours(cells)
        agreement = cells.choice("confidentiality_agreement", ["yes", "no"], labels=_yes_no())
        finished = status in {
            MentoringEngagement.Status.COMPLETED,
            MentoringEngagement.Status.ENDED_EARLY,
        }
        if started_on and ended_on and ended_on < started_on:
            cells.fail("end_date", _("The end date cannot be before the start date."))
        elif finished and ended_on is None and not row.values["end_date"]:
            cells.fail("end_date", _("Give the end date of a finished engagement."))
        elif finished and ended_on and ended_on > self.today:
            cells.fail(
                "end_date", _("A finished engagement cannot end in the future: check the date.")
            )
        if cells.errors:
            return None, cells.errors
        return {
            "mentee_name": mentee_name,
            "mentee_email": mentee_email,
            "organisation": organisation,
            "kind": kind,
            "started_on": started_on,
            "ended_on": ended_on,
            "status": status,
            "hours": hours,
            "confidentiality_agreement": agreement == "yes",
        }, []

    def _hours(self, cells: Cells) -> Decimal | None:
        value = decimal_text(cells.row.values["hours"])
        if not value:
            return None
        if not DECIMAL.fullmatch(value):
            cells.fail(
                "hours", _("Give the hours as a number such as 12.5 (two decimals at most).")
            )
            return None
        hours = Decimal(value)
        if hours <= 0:
            cells.fail("hours", _("Hours must be more than zero."))
        elif hours > MAX_HOURS:
            cells.fail("hours", _("Hours must be at most %(max)s.") % {"max": f"{MAX_HOURS:,.0f}"})
        else:
            return hours
        return None
