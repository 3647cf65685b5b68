"""CSV import of a cohort's graduates: checked at upload, previewed, saved all or none.

It reuses the generic import machinery that practice's importer uses too
(`lib.csv_import`: the file checks of `decode`, the `Row`, the per-cell readers of `Cells`, the
capped error list of `Plan`); the columns and rules are the graduates' own.
"""

import csv
import io
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from practicum.audit.services import audit_record
from practicum.institutions import services
from practicum.institutions.models import Cohort, Graduate, GraduateImport, email_digest
from practicum.lib.csv_import import (
    SAVE_AS_CSV,
    Cells,
    Column,
    Plan,
    Row,
    cell_error,
    decimal_text,
    decode,
)

MAX_ROWS = 2_000
COLUMNS = (
    Column("name", True, gettext_lazy("The graduate's full name, up to 150 characters.")),
    Column("email", True, gettext_lazy("The email they use; it matches their account.")),
    Column("hours", False, gettext_lazy("Hours completed; the programme's hours when empty.")),
    Column(
        "completed_on",
        False,
        gettext_lazy("YYYY-MM-DD; the cohort's end date when empty."),
    ),
)
HEADER = ",".join(column.name for column in COLUMNS)
EXAMPLE = "Alex Example,alex@example.org,40,2025-06-30"


def parse(text: str) -> list[Row]:
    """The rows of the file, or ValidationError for the file as a whole."""
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    expected = [column.name for column in COLUMNS]
    listing = _("The columns are: %(columns)s.") % {"columns": ", ".join(expected)}
    rows: list[Row] = []
    try:
        names = [cell.strip().lower().replace(" ", "_") for cell in next(reader, [])]
        while names and not names[-1]:
            names.pop()
        unknown = [name for name in names if name not in expected]
        missing = [c.name for c in COLUMNS if c.required and c.name not in names]
        if unknown or missing or len(set(names)) != len(names):
            raise ValidationError(
                _("The first row must be the header, naming the columns. %(listing)s")
                % {"listing": listing}
            )
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) == MAX_ROWS:
                raise ValidationError(
                    _("The file has more than %(max)s rows. Split it into smaller files.")
                    % {"max": f"{MAX_ROWS:,}"}
                )
            given = dict(zip(names, cells, strict=False))
            values = {name: given.get(name, "").strip() for name in expected}
            overflow = any(cell.strip() for cell in cells[len(names) :])
            rows.append(Row(number=number, values=values, overflow=overflow))
    except csv.Error:
        raise ValidationError(
            _("The file cannot be read as CSV near line %(line)s: check the quotes there. %(how)s")
            % {"line": reader.line_num, "how": SAVE_AS_CSV}
        ) from None
    if not rows:
        raise ValidationError(_("The file has a header but no rows to import."))
    return rows


def _plan(cohort: Cohort, rows: list[Row]) -> tuple[Plan, list[Graduate]]:
    plan = Plan()
    graduates: list[Graduate] = []
    seen: dict[str, int] = {}
    for row in rows:
        cells = Cells(row)
        name = cells.text("name", max_length=150, required=True, one_line=True)
        email = cells.text("email", max_length=254, required=True)
        completed_on = cells.date("completed_on", required=False)
        hours = None
        if row.values["hours"]:
            try:
                hours = Decimal(decimal_text(row.values["hours"]))
                if not hours.is_finite() or hours <= 0:
                    raise InvalidOperation
            except InvalidOperation:
                cells.fail("hours", _("Give the hours as a number such as 12.5."))
                hours = None
        if cells.errors:
            plan.add_errors(cells.errors)
            continue
        digest = email_digest(email)
        if digest in seen:
            plan.add_errors(
                [
                    cell_error(
                        row.number,
                        "email",
                        _("This row repeats row %(row)s.") % {"row": seen[digest]},
                    )
                ]
            )
            continue
        seen[digest] = row.number
        try:
            graduate = services.graduate_build(
                cohort=cohort, name=name, email=email, hours=hours, completed_on=completed_on
            )
        except ValidationError as error:
            plan.add_errors([cell_error(row.number, "", message) for message in error.messages])
            continue
        graduates.append(graduate)
    return plan, graduates


@transaction.atomic
def import_create(*, cohort: Cohort, by, data: bytes) -> GraduateImport:
    """Check the whole file now (a cohort's list is small) and keep it, encrypted, for the
    preview. Raises ValidationError when the file itself is refused."""
    text = decode(data)
    rows = parse(text)
    plan, _graduates = _plan(cohort, rows)
    return GraduateImport.objects.create(
        cohort=cohort,
        created_by=by,
        payload=text,
        status=GraduateImport.Status.INVALID if plan.errors else GraduateImport.Status.READY,
        errors=plan.stored_errors(),
        total_rows=len(rows),
    )


def preview(batch: GraduateImport) -> list[Row]:
    if not batch.payload:
        return []
    try:
        return parse(batch.payload)
    except ValidationError:
        return []


def _save_all(*, cohort: Cohort, graduates: list[Graduate], by) -> None:
    now = timezone.now()
    for graduate in graduates:
        graduate.created_by = by
        graduate.status = Graduate.Status.CONFIRMED
        graduate.source = Graduate.Source.IMPORTED
        graduate.decided_at = now
        graduate.save()
    audit_record(
        actor=by, action="graduate.imported", subject=cohort, after={"imported": len(graduates)}
    )


@transaction.atomic
def import_rows(*, cohort: Cohort, by, rows: list[Row]) -> tuple[list[dict], list[Graduate]]:
    """The same checks as a file's rows, and the same all-or-none save, for rows given another
    way (the API's bulk create). Returns (errors, []) with nothing saved, or ([], graduates)."""
    plan, graduates = _plan(cohort, rows)
    if plan.errors:
        return plan.stored_errors(), []
    _save_all(cohort=cohort, graduates=graduates, by=by)
    return [], graduates


def import_commit(*, batch: GraduateImport, by) -> int:
    """Save every graduate of a READY import in one transaction, or none. Rows are checked
    again (the cohort may have changed since the preview)."""
    with transaction.atomic():
        locked = (
            GraduateImport.objects.select_for_update().select_related("cohort").get(pk=batch.pk)
        )
        if locked.status == GraduateImport.Status.COMMITTED:
            raise ValidationError(_("This file has already been imported."))
        if locked.status != GraduateImport.Status.READY:
            raise ValidationError(_("Nothing will be saved until the file is corrected."))
        plan, graduates = _plan(locked.cohort, parse(locked.payload))
        if not plan.errors:
            _save_all(cohort=locked.cohort, graduates=graduates, by=by)
            locked.status = GraduateImport.Status.COMMITTED
            locked.imported_rows = len(graduates)
            locked.payload = ""
            locked.errors = []
            locked.save()
            return len(graduates)
    GraduateImport.objects.filter(pk=batch.pk).update(
        status=GraduateImport.Status.INVALID, errors=plan.stored_errors()
    )
    raise ValidationError(
        _(
            "Nothing was saved: some rows no longer pass the checks. "
            "Correct the file and upload it again."
        )
    )
