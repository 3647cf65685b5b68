"""CSV import of past supervision sessions and mentoring engagements.

    batch_create   the upload: checks the file as a whole, keeps its text encrypted, queues a check
    batch_parse    the background task's work: every row checked, progress recorded
    preview_rows   what the preview page lists
    batch_commit   every new row saved in one transaction, through the usual rules, or none

Nothing is saved unless every row is valid. Each row has an import key (a keyed hash of the
mentor, the kind and the row's normalised values) stored on the record it creates: a row whose
key is already in the mentor's records is skipped, so importing a file twice creates nothing twice.

Error messages never quote a cell: they are stored in clear (`ImportBatch.errors`), and a cell
may hold a mentee's name or a reflection. Nothing here logs a cell either.
"""

import csv
import hashlib
import io
import json
import logging
import traceback
import zoneinfo
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from practicum.accounts.models import User
from practicum.lib.csv_import import (  # noqa: F401 (re-exported for callers and tests)
    DATE,
    DATE_ORDERS,
    DECIMAL,
    INTEGER,
    MAX_BYTES,
    MAX_ERRORS,
    SAVE_AS_CSV,
    TIME,
    Column,
    Entry,
    Plan,
    Row,
    decode,
    unquoted,
)
from practicum.lib.csv_import import cell_error as _error
from practicum.practice import services
from practicum.practice.import_rules import (
    IGNORED,
    EngagementRules,
    SessionRules,
    _normalised,
    header_aliases,
    header_name,
)
from practicum.practice.models import ImportBatch, MentoringEngagement, SupervisionSession

logger = logging.getLogger(__name__)

MAX_ROWS = 5_000
PROGRESS_EVERY = 100
KEY_SALT = "practicum.practice.importer.import_key"

Kind = ImportBatch.Kind
Status = ImportBatch.Status


SESSION_COLUMNS = (
    Column("date", True, gettext_lazy("The day it was held: YYYY-MM-DD, such as 2025-03-14.")),
    Column("start_time", True, gettext_lazy("HH:MM, 24-hour clock, in your own time zone.")),
    Column("duration_minutes", True, gettext_lazy("Whole minutes, from 5 to 480.")),
    Column("format", True, gettext_lazy("one_to_one, group or thematic_lab.")),
    Column(
        "supervisor",
        True,
        gettext_lazy(
            "The name of one of your declared supervisors, as your Supervisors page shows it."
        ),
    ),
    Column("focus", True, gettext_lazy("What the session was about, up to 200 characters.")),
    Column("key_learnings", False, gettext_lazy("Kept encrypted.")),
    Column("actions", False, gettext_lazy("Kept encrypted.")),
)
ENGAGEMENT_COLUMNS = (
    Column("mentee_name", True, gettext_lazy("Up to 150 characters. Kept encrypted.")),
    Column("mentee_email", False, gettext_lazy("Kept encrypted.")),
    Column("organisation", False, gettext_lazy("Up to 200 characters.")),
    Column("kind", True, gettext_lazy("internal or external.")),
    Column("start_date", True, gettext_lazy("YYYY-MM-DD, such as 2024-09-01.")),
    Column("end_date", False, gettext_lazy("YYYY-MM-DD. Needed once the engagement has finished.")),
    Column("status", True, gettext_lazy("active, completed or ended_early.")),
    Column("hours", False, gettext_lazy("More than 0 and up to 2,000, such as 12.5.")),
    Column("confidentiality_agreement", True, gettext_lazy("yes or no.")),
)
COLUMNS = {Kind.SESSIONS: SESSION_COLUMNS, Kind.ENGAGEMENTS: ENGAGEMENT_COLUMNS}
EXAMPLES = {
    Kind.SESSIONS: "2025-03-14,10:00,90,one_to_one,Sam Supervisor,Contracting,"
    '"Re-contract early, in writing.",Read chapter 3',
    Kind.ENGAGEMENTS: "Alex Example,alex@example.org,Example Ltd,external,2024-09-01,"
    "2025-02-28,completed,12.5,yes",
}


def header_line(kind: str) -> str:
    return ",".join(column.name for column in COLUMNS[kind])


# --- Reading the file ------------------------------------------------------------------------


def parse(*, kind: str, text: str) -> list[Row]:
    """The data rows of a CSV text (comma- or semicolon-separated), or ValidationError when the
    file as a whole is refused: header, quoting, no rows, too many rows."""
    columns = COLUMNS[kind]
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[Row] = []
    try:
        names = _header(kind, next(reader, []))
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue  # spreadsheets leave blank lines at the end
            if len(rows) == MAX_ROWS:
                raise ValidationError(
                    _("The file has more than %(max)s rows. Split it into smaller files.")
                    % {"max": f"{MAX_ROWS:,}"}
                )
            given = dict(zip(names, cells, strict=False))
            values = {
                column.name: unquoted(given.get(column.name, "").strip()) for column in columns
            }
            overflow = any(cell.strip() for cell in cells[len(names) :])
            rows.append(Row(number=number, values=values, overflow=overflow))
    except csv.Error:
        # The csv module's message may quote the line: say where, not what.
        raise ValidationError(
            _("The file cannot be read as CSV near line %(line)s: check the quotes there. %(how)s")
            % {"line": reader.line_num, "how": SAVE_AS_CSV}
        ) from None
    if not rows:
        raise ValidationError(_("The file has a header but no rows to import."))
    return rows


def _header(kind: str, cells: list[str]) -> list[str]:
    aliases = header_aliases(kind)
    names = [header_name(cell) for cell in cells]
    while names and not names[-1]:
        names.pop()  # a trailing separator
    expected = [column.name for column in COLUMNS[kind]]
    # A file the site exported names its columns as people read them (see `import_rules`).
    names = [name if name in expected else aliases.get(name, name) for name in names]
    expected_or_ignored = [*expected, IGNORED]
    listing = _("The columns are: %(columns)s.") % {"columns": ", ".join(expected)}
    if not names:
        raise ValidationError(_("The file is empty."))
    known = [name for name in names if name in expected_or_ignored]
    if not [name for name in known if name != IGNORED]:
        other = Kind.ENGAGEMENTS if kind == Kind.SESSIONS else Kind.SESSIONS
        if {c.name for c in COLUMNS[other] if c.required} <= set(names):
            raise ValidationError(
                _("These are the columns for %(other)s: choose that kind of file, or check it.")
                % {"other": Kind(other).label.lower()}
            )
        raise ValidationError(
            _("The first row must be the header, naming the columns. %(listing)s")
            % {"listing": listing}
        )
    unknown = [str(position) for position, name in enumerate(names, start=1) if name not in known]
    if unknown:
        raise ValidationError(
            _(
                "The header has columns this import does not know (column %(positions)s). "
                "%(listing)s"
            )
            % {"positions": ", ".join(unknown), "listing": listing}
        )
    twice = sorted({name for name in names if name != IGNORED and names.count(name) > 1})
    if twice:
        raise ValidationError(
            _("The header names these columns more than once: %(columns)s.")
            % {"columns": ", ".join(twice)}
        )
    missing = [c.name for c in COLUMNS[kind] if c.required and c.name not in names]
    if missing:
        raise ValidationError(
            _("The header lacks these columns: %(columns)s. %(listing)s")
            % {"columns": ", ".join(missing), "listing": listing}
        )
    return names


# --- Import keys -------------------------------------------------------------------------------


def import_keys(*, mentor_id: int, kind: str, row: Row) -> list[str]:
    """The row's import key under the current secret key, then under each fallback key.

    Keyed (HMAC-SHA256), not a bare hash: the other columns of an engagement are stored in clear,
    so a bare hash would let a copy of the database test guesses of a mentee's name.
    """
    message = json.dumps(
        [mentor_id, str(kind), sorted((name, _normalised(v)) for name, v in row.values.items())],
        ensure_ascii=False,
    )
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [
        salted_hmac(KEY_SALT, message, secret=secret, algorithm="sha256").hexdigest()
        for secret in secrets
    ]


def _existing_keys(*, mentor: User, kind: str) -> set[str]:
    model = SupervisionSession if kind == Kind.SESSIONS else MentoringEngagement
    return set(
        model.objects.filter(mentor=mentor)
        .exclude(import_key="")
        .values_list("import_key", flat=True)
    )


# --- Checking rows ---------------------------------------------------------------------------


def _plan(
    *,
    mentor: User,
    kind: str,
    rows: list[Row],
    date_order: str = "",
    progress: Callable[[int], None] | None = None,
) -> Plan:
    plan = Plan()
    existing = _existing_keys(mentor=mentor, kind=kind)
    rules = SessionRules if kind == Kind.SESSIONS else EngagementRules
    check = rules(mentor, date_order=date_order)
    seen: dict[str, int] = {}
    for done, row in enumerate(rows, start=1):
        keys = import_keys(mentor_id=mentor.pk, kind=kind, row=row)
        if existing.intersection(keys):
            plan.skipped.append(row.number)
        elif keys[0] in seen:
            plan.add_errors(
                [
                    _error(
                        row.number, "", _("This row repeats row %(row)s.") % {"row": seen[keys[0]]}
                    )
                ]
            )
        else:
            seen[keys[0]] = row.number
            fields, errors = check(row)
            if errors:
                plan.add_errors(errors)
            else:
                plan.entries.append(Entry(row=row.number, import_key=keys[0], fields=fields))
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done)
    return plan


@contextmanager
def _as_mentor(mentor: User) -> Iterator[None]:
    """Times are read in the mentor's zone, messages written in their language, whoever runs it."""
    try:
        zone = zoneinfo.ZoneInfo(mentor.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    with timezone.override(zone), translation.override(mentor.preferred_language):
        yield


# --- The steps ---------------------------------------------------------------------------------


@transaction.atomic
def batch_create(*, mentor: User, kind: str, data: bytes, date_order: str = "") -> ImportBatch:
    """Check the file as a whole, keep its text encrypted and queue the row-by-row check.
    `date_order` says how the file writes dates such as 03/04/2025 (`lib.csv_import`).

    Raises ValidationError when the file itself is refused (size, encoding, header, row count).
    """
    from practicum.practice.tasks import parse_import_batch  # tasks.py imports this module

    if kind not in COLUMNS:
        raise ValidationError(_("Choose what the file holds."))
    if date_order not in dict(DATE_ORDERS):
        raise ValidationError(_("Choose how the file writes its dates."))
    text = decode(data)
    rows = parse(kind=kind, text=text)
    batch = ImportBatch.objects.create(
        mentor=mentor,
        kind=kind,
        date_order=date_order,
        payload=text,
        file_digest=hashlib.sha256(data).hexdigest(),
        total_rows=len(rows),
    )
    # The database task backend writes the task in this transaction: no batch, no task.
    parse_import_batch.enqueue(batch_id=batch.pk)
    return batch


def batch_parse(*, batch: ImportBatch) -> None:
    """Check every row, recording progress. The batch ends READY (nothing wrong), INVALID (with
    its errors) or FAILED (a fault, logged without the file's content). Running it again on a
    batch already checked does nothing."""
    claimed = ImportBatch.objects.filter(
        pk=batch.pk, status__in=[Status.UPLOADED, Status.PARSING]
    ).update(status=Status.PARSING, processed_rows=0)
    if not claimed:
        return
    mentor = batch.mentor

    def progress(done: int) -> None:
        ImportBatch.objects.filter(pk=batch.pk).update(processed_rows=done)

    with _as_mentor(mentor):
        try:
            rows = parse(kind=batch.kind, text=batch.payload)
            plan = _plan(
                mentor=mentor,
                kind=batch.kind,
                rows=rows,
                date_order=batch.date_order,
                progress=progress,
            )
            _rehearse(mentor=mentor, kind=batch.kind, plan=plan)
        except Exception as exc:
            # An exception's message may quote a cell: log where it failed, not what it said.
            logger.error(
                "import batch %s could not be checked: %s\n%s",
                batch.pk,
                type(exc).__name__,
                "".join(traceback.format_tb(exc.__traceback__)),
            )
            message = _("The file could not be checked. Nothing was saved: upload it again.")
            if isinstance(exc, ValidationError):
                message = " ".join(exc.messages)
            ImportBatch.objects.filter(pk=batch.pk).update(
                status=Status.FAILED, errors=[_error(None, "", message)]
            )
            return
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=Status.INVALID if plan.errors else Status.READY,
        errors=plan.stored_errors(),
        total_rows=len(rows),
        processed_rows=len(rows),
    )


@dataclass(frozen=True)
class PreviewRow:
    number: int
    values: dict[str, str]
    state: str  # "new", "skipped" (already imported) or "error"

    @property
    def is_skipped(self) -> bool:
        return self.state == "skipped"

    @property
    def has_error(self) -> bool:
        return self.state == "error"


def preview_rows(*, batch: ImportBatch) -> list[PreviewRow]:
    """The rows of a checked batch as the preview lists them; none once committed (its text is
    cleared then) or while it is being checked."""
    if batch.status not in {Status.READY, Status.INVALID} or not batch.payload:
        return []
    try:
        rows = parse(kind=batch.kind, text=batch.payload)
    except ValidationError:
        return []
    existing = _existing_keys(mentor=batch.mentor, kind=batch.kind)
    error_rows = {error["row"] for error in batch.errors}
    preview = []
    for row in rows:
        if existing.intersection(import_keys(mentor_id=batch.mentor_id, kind=batch.kind, row=row)):
            state = "skipped"
        elif row.number in error_rows:
            state = "error"
        else:
            state = "new"
        preview.append(PreviewRow(number=row.number, values=row.values, state=state))
    return preview


class _Refused(Exception):
    def __init__(self, errors: list[dict]):
        super().__init__("rows refused")
        self.errors = errors


def batch_commit(*, batch: ImportBatch) -> tuple[int, int]:
    """Save every new row of a READY batch in one transaction, or none; returns (imported,
    skipped). Rows are checked again, as the log may have changed since the preview; sessions go
    through `services.session_log`, and each supervisor is sent one digest for sign-off.

    Raises ValidationError when the batch is not ready (or already committed), or when a row is
    refused: then nothing is saved and the batch is INVALID with the errors.
    """
    mentor = batch.mentor
    with _as_mentor(mentor):
        try:
            with transaction.atomic():
                locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
                _check_committable(locked)
                rows = parse(kind=locked.kind, text=locked.payload)
                plan = _plan(
                    mentor=mentor, kind=locked.kind, rows=rows, date_order=locked.date_order
                )
                if not plan.errors:
                    _save_all(mentor=mentor, kind=locked.kind, plan=plan)
                if plan.errors:
                    raise _Refused(plan.stored_errors())
                locked.status = Status.COMMITTED
                locked.committed_at = timezone.now()
                locked.imported_rows = len(plan.entries)
                locked.processed_rows = locked.total_rows
                locked.errors = []
                locked.payload = ""  # the records hold it now
                locked.save()
        except _Refused as refused:
            ImportBatch.objects.filter(pk=batch.pk).update(
                status=Status.INVALID, errors=refused.errors
            )
            batch.refresh_from_db()
            raise ValidationError(
                _(
                    "Nothing was saved: some rows no longer pass the checks. "
                    "Correct the file and upload it again."
                )
            ) from None
    batch.refresh_from_db()
    return len(plan.entries), len(plan.skipped)


def _check_committable(batch: ImportBatch) -> None:
    if batch.status == Status.COMMITTED:
        raise ValidationError(_("This file has already been imported."))
    if batch.is_checking:
        raise ValidationError(_("The file is still being checked: wait for the preview."))
    if batch.status != Status.READY:
        raise ValidationError(_("Nothing will be saved until the file is corrected."))


# Where a service's refusal (by its code) is shown in the preview; others name no column.
SERVICE_ERROR_COLUMNS = {"future": "date", "duplicate": "date", "relationship_dates": "supervisor"}


def _row_errors(row: int, error: ValidationError) -> list[dict]:
    errors = []
    for item in error.error_list if hasattr(error, "error_list") else [error]:
        message = item.message % item.params if item.params else item.message
        errors.append(_error(row, SERVICE_ERROR_COLUMNS.get(item.code, ""), message))
    return errors


class _Rehearsal(Exception):
    """Raised to roll back the rehearsal of an import."""


def _rehearse(*, mentor: User, kind: str, plan: Plan) -> None:
    """Run the real services on every entry in a transaction that is then rolled back, so the
    preview shows what committing would refuse, by the very rules that would refuse it."""
    try:
        with transaction.atomic():
            _save_all(mentor=mentor, kind=kind, plan=plan, notify=False)
            raise _Rehearsal
    except _Rehearsal:
        pass
    plan.errors.sort(key=lambda error: (error["row"] is None, error["row"] or 0))


def _save_all(*, mentor: User, kind: str, plan: Plan, notify: bool = True) -> None:
    """Create each entry; a refusal becomes a row error (the caller then rolls everything back).
    Supervisors hear once per import, in a digest, not once per session."""
    logged: list = []
    for entry in plan.entries:
        try:
            if kind == Kind.SESSIONS:
                logged.append(
                    services.session_log(
                        mentor=mentor, import_key=entry.import_key, notify=False, **entry.fields
                    )
                )
            else:
                engagement = MentoringEngagement(
                    mentor=mentor, import_key=entry.import_key, **entry.fields
                )
                engagement.full_clean()
                engagement.save()
        except ValidationError as error:
            plan.add_errors(_row_errors(entry.row, error))
    if notify and logged and not plan.errors:
        services.sign_off_request_many(sessions=logged)
