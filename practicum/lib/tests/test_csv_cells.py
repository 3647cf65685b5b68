"""The per-cell readers of `lib.csv_import` as spreadsheets write cells: dates in either order,
decimal commas, Windows-1252 text, our exports' formula quotes."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from practicum.lib.csv_import import (
    DAY_FIRST,
    MONTH_FIRST,
    Cells,
    Row,
    decimal_text,
    decode,
    unquoted,
)


def _date(value: str, order=None):
    cells = Cells(Row(number=2, values={"d": value}), date_order=order)
    return cells.date("d", required=True), [e["message"] for e in cells.errors]


@pytest.mark.parametrize(
    ("value", "order", "expected"),
    [
        ("2025-04-05", None, datetime.date(2025, 4, 5)),
        ("25/04/2025", None, datetime.date(2025, 4, 25)),  # a day above 12 decides
        ("04/25/2025", None, datetime.date(2025, 4, 25)),
        ("05.05.2025", None, datetime.date(2025, 5, 5)),  # the same either way
        ("05/04/2025", DAY_FIRST, datetime.date(2025, 4, 5)),
        ("05-04-2025", MONTH_FIRST, datetime.date(2025, 5, 4)),
        ("2025-04-05", MONTH_FIRST, datetime.date(2025, 4, 5)),  # ISO is never reordered
    ],
)
def test_dates_in_either_order(value, order, expected):
    assert _date(value, order) == (expected, [])


def test_an_ambiguous_or_impossible_date_is_a_clear_error():
    assert "write it as YYYY-MM-DD" in _date("05/04/2025")[1][0]
    assert "“Dates in the file”" in _date("05/04/2025", "")[1][0]  # where the form offers it
    assert "read month-first" in _date("25/04/2025", MONTH_FIRST)[1][0]
    assert "read day-first" in _date("31/02/2025", DAY_FIRST)[1][0]
    assert "YYYY-MM-DD" in _date("5/4/25")[1][0]  # two-digit years are not guessed


def test_decimal_commas_and_formula_quotes():
    assert decimal_text("12,5") == "12.5" and decimal_text("1,234") == "1,234"
    assert unquoted("'-based") == "-based" and unquoted("'quoted'") == "'quoted'"


def test_windows_1252_is_read_and_undefined_bytes_are_refused():
    assert decode("Café;Núñez".encode("cp1252")) == "Café;Núñez"
    assert decode("\ufeffCafé".encode()) == "Café"
    with pytest.raises(ValidationError, match="neither UTF-8 nor Windows-1252"):
        decode(b"Caf\x81")
