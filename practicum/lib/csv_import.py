"""The generic parts of a CSV import: reading the bytes, a row's cells, and the plan of what
committing would do. Practice's importer (sessions, engagements) and the institutions' graduate
import build on these; each keeps its own columns and rules."""

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_BYTES = 2 * 1024 * 1024
MAX_ERRORS = 500  # past this, the file needs a look as a whole, not a longer list


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    help: str


@dataclass(frozen=True)
class Row:
    number: int  # as a spreadsheet numbers it: the header is row 1
    values: dict[str, str]  # every column of the kind; "" when empty or absent
    overflow: bool = False  # a value beyond the header's last column


SAVE_AS_CSV = gettext_lazy(
    "In your spreadsheet, choose “Save as” (or “Download”), then “CSV UTF-8”, and upload that file."
)
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def decode(data: bytes) -> str:
    """The file's text, or ValidationError when it is too large, empty or not UTF-8 text."""
    if len(data) > MAX_BYTES:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s. Split it into smaller files.")
            % {"size": filesizeformat(len(data)), "limit": filesizeformat(MAX_BYTES)}
        )
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise ValidationError(
            _("This is a spreadsheet workbook, not a CSV file. %(how)s") % {"how": SAVE_AS_CSV}
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ValidationError(
            _("The file is UTF-16 text; the import reads UTF-8. %(how)s") % {"how": SAVE_AS_CSV}
        )
    if b"\x00" in data:
        raise ValidationError(
            _("This is not a CSV file: it holds binary data. %(how)s") % {"how": SAVE_AS_CSV}
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV (comma delimited)" in Windows-1252; of the bytes UTF-8
        # refuses, that code page leaves only five undefined, so a real text file decodes.
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise ValidationError(
                _("The file is neither UTF-8 nor Windows-1252 text. %(how)s") % {"how": SAVE_AS_CSV}
            ) from None
    if CONTROL_CHARACTERS.search(text):
        raise ValidationError(
            _("This is not a CSV file: it holds binary data. %(how)s") % {"how": SAVE_AS_CSV}
        )
    if not text.strip():
        raise ValidationError(_("The file is empty."))
    return text


DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# 14/03/2025, 14.03.2025, 3-14-2025: day and month in either order, a four-digit year.
LOCAL_DATE = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})")
DAY_FIRST, MONTH_FIRST = "dmy", "mdy"
DATE_ORDERS = (
    ("", gettext_lazy("Only unambiguous dates (YYYY-MM-DD, or a day above 12)")),
    (DAY_FIRST, gettext_lazy("Day first: 14/03/2025")),
    (MONTH_FIRST, gettext_lazy("Month first: 03/14/2025")),
)
FORMULA_QUOTE = re.compile(r"'(?=[=+\-@])")
TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")
INTEGER = re.compile(r"[+-]?\d{1,9}")
DECIMAL = re.compile(r"[+-]?\d{1,9}(?:\.\d{1,2})?")
DECIMAL_COMMA = re.compile(r"([+-]?\d{1,9}),(\d{1,2})")


def decimal_text(value: str) -> str:
    """A number written with a decimal comma (12,5), as many spreadsheets do, with a dot."""
    match = DECIMAL_COMMA.fullmatch(value)
    return f"{match.group(1)}.{match.group(2)}" if match else value


def unquoted(value: str) -> str:
    """A cell without the quote our exports put before a formula-like value ('-1 → -1)."""
    return FORMULA_QUOTE.sub("", value, count=1) if value.startswith("'") else value


def cell_error(row: int | None, column: str, message) -> dict:
    return {"row": row, "column": column, "message": str(message)}


class Cells:
    """One row's cells read into values; each problem is noted against its column."""

    def __init__(self, row: Row, *, date_order: str | None = None):
        self.row = row
        # DAY_FIRST, MONTH_FIRST, "" (unambiguous only, the form offers the choice) or None
        # (unambiguous only, and no choice to point to).
        self.date_order = date_order
        self.errors: list[dict] = []
        if row.overflow:
            self.fail("", _("This row has more values than the header has columns."))

    def fail(self, column: str, message) -> None:
        self.errors.append(cell_error(self.row.number, column, message))

    def text(self, column: str, *, max_length: int, required=False, one_line=False) -> str:
        value = self.row.values[column]
        if one_line:
            value = " ".join(value.split())
        if required and not value:
            self.fail(column, _("This column is required and is empty."))
        elif len(value) > max_length:
            self.fail(
                column,
                _("This is %(length)s characters long; the limit is %(max)s.")
                % {"length": f"{len(value):,}", "max": f"{max_length:,}"},
            )
        return value

    def date(self, column: str, *, required: bool) -> datetime.date | None:
        value = self.row.values[column]
        if not value:
            if required:
                self.fail(column, _("This column is required and is empty."))
            return None
        if DATE.fullmatch(value):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                pass
        elif match := LOCAL_DATE.fullmatch(value):
            return self._local_date(column, match)
        self.fail(column, _("Give a real date as YYYY-MM-DD, such as 2025-03-14."))
        return None

    def _local_date(self, column: str, match: re.Match) -> datetime.date | None:
        first, second, year = int(match.group(1)), int(match.group(3)), int(match.group(4))
        order = self.date_order
        if not order:
            if first > 12 >= second:
                order = DAY_FIRST
            elif second > 12 >= first:
                order = MONTH_FIRST
            elif first == second:
                order = DAY_FIRST  # 05/05/2025 reads the same either way
            elif self.date_order is None:
                self.fail(
                    column,
                    _("This date can be read day-first or month-first: write it as YYYY-MM-DD."),
                )
                return None
            else:
                self.fail(
                    column,
                    _(
                        "This date can be read day-first or month-first: choose which the file "
                        "uses under “Dates in the file”, or write it as YYYY-MM-DD."
                    ),
                )
                return None
        day, month = (first, second) if order == DAY_FIRST else (second, first)
        try:
            return datetime.date(year, month, day)
        except ValueError:
            if order == DAY_FIRST:
                message = _("This is not a real date read day-first (DD/MM/YYYY).")
            else:
                message = _("This is not a real date read month-first (MM/DD/YYYY).")
            self.fail(column, message)
            return None

    def time(self, column: str) -> datetime.time | None:
        value = self.row.values[column]
        match = TIME.fullmatch(value)
        if match:
            hour, minute, second = (int(part or 0) for part in match.groups())
            if hour < 24 and minute < 60 and second < 60:
                return datetime.time(hour, minute, second)
        if not value:
            self.fail(column, _("This column is required and is empty."))
        else:
            self.fail(column, _("Give the time as HH:MM on a 24-hour clock, such as 14:30."))
        return None

    def integer(self, column: str, *, low: int, high: int, message) -> int | None:
        value = self.row.values[column]
        if INTEGER.fullmatch(value) and low <= int(value) <= high:
            return int(value)
        self.fail(column, message)
        return None

    def choice(
        self, column: str, choices: Iterable[str], *, labels: dict[str, str] | None = None
    ) -> str | None:
        """One of `choices`, or a label (casefolded) that `labels` maps to one."""
        choices = list(choices)
        value = self.row.values[column].casefold()
        if value in choices:
            return value
        if labels and value in labels:
            return labels[value]
        self.fail(column, _("Use one of: %(choices)s.") % {"choices": ", ".join(choices)})
        return None


@dataclass
class Entry:
    row: int
    import_key: str
    fields: dict


@dataclass
class Plan:
    """What committing would do: entries to create, rows to skip, or errors."""

    entries: list[Entry] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    error_count: int = 0

    def add_errors(self, errors: list[dict]) -> None:
        self.error_count += len(errors)
        self.errors.extend(errors[: max(0, MAX_ERRORS - len(self.errors))])

    def stored_errors(self) -> list[dict]:
        if self.error_count <= len(self.errors):
            return self.errors
        more = _("%(count)s more problems are not listed: correct these first.") % {
            "count": f"{self.error_count - len(self.errors):,}"
        }
        return [*self.errors, cell_error(None, "", more)]
