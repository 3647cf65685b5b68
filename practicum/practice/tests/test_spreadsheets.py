"""CSV as spreadsheets write and read it: exports open in Excel on Windows (UTF-8 with a BOM)
and in pandas; the import reads day-first dates (with a choice when ambiguous), decimal commas,
Windows-1252 files, and the site's own exports, headers and labels as they are."""

import datetime
import io
from decimal import Decimal

import pandas as pd
import pytest
from django.test import Client
from django.urls import reverse

from conftest import make_user
from practicum.accounts.models import Role
from practicum.practice import importer
from practicum.practice.models import ImportBatch, MentoringEngagement, SupervisionSession
from practicum.practice.tests.test_import import (
    ENGAGEMENT_HEADER,
    SESSION_HEADER,
    csv_bytes,
    declare,
    engagement_row,
    session_row,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sam(mentor, supervisor):
    return declare(mentor, supervisor=supervisor)


@pytest.fixture
def omar(supervisor, frameworks):
    """Another mentor with the same supervisor, to import what Maya exported."""
    other = make_user("omar@example.org", Role.MENTOR, full_name="Omar Other")
    declare(other, supervisor=supervisor)
    return other


def _import(user, run_tasks, data: bytes, kind="sessions", date_order="") -> ImportBatch:
    client = Client()
    client.force_login(user)
    response = client.post(
        reverse("practice:import_upload"),
        {"kind": kind, "date_order": date_order, "file": io.BytesIO(data)},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    run_tasks()
    return ImportBatch.objects.filter(mentor=user).latest("created_at")


def _imported(user, run_tasks, data: bytes, **kwargs) -> ImportBatch:
    batch = _import(user, run_tasks, data, **kwargs)
    assert batch.status == ImportBatch.Status.READY, batch.errors
    importer.batch_commit(batch=batch)
    return batch


def _export(user, log: str, language: str = "en") -> bytes:
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    client = Client()
    client.force_login(user)
    response = client.get(reverse("practice:export_csv", args=[log]))
    assert response.status_code == 200
    return response.content


SESSIONS = [
    session_row(date="2025-03-14", focus="Contracting", key_learnings='"Café, naïve; «quoted»"'),
    session_row(date="2025-04-02", start_time="17:30", duration_minutes="45", format="group"),
    session_row(date="2025-05-20", focus="-based on a formula-like text", actions="=1+1"),
]
ENGAGEMENTS = [
    engagement_row(mentee_name="Zoë Ñandú", hours="12.5", organisation="Café Ltd"),
    engagement_row(mentee_name="Ann Active", status="active", end_date="", kind="internal"),
]


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_export_has_a_bom_and_pandas_reads_it_as_written(mentor, sam, run_tasks, language):
    _imported(mentor, run_tasks, csv_bytes(SESSION_HEADER, *SESSIONS))
    _imported(mentor, run_tasks, csv_bytes(ENGAGEMENT_HEADER, *ENGAGEMENTS), kind="engagements")
    for log in ("sessions", "engagements", "training", "cpd"):
        data = _export(mentor, log, language)
        assert data.startswith(b"\xef\xbb\xbf")  # Excel on Windows reads UTF-8 only with it
        frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str)
        assert not any(name.startswith("\ufeff") for name in frame.columns)
    sessions = pd.read_csv(io.BytesIO(_export(mentor, "sessions", language)), encoding="utf-8-sig")
    assert len(sessions) == 3
    assert list(sessions.iloc[:, 3]) == [90, 45, 90]  # minutes are numbers to a spreadsheet
    assert sessions.iloc[0, 11] == "Café, naïve; «quoted»"
    engagements = pd.read_csv(
        io.BytesIO(_export(mentor, "engagements", language)), encoding="utf-8-sig"
    )
    assert sorted(engagements.iloc[:, 0]) == ["Ann Active", "Zoë Ñandú"]
    assert 12.5 in list(engagements.iloc[:, 7])


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_sessions_export_imports_back_as_the_same_sessions(
    mentor, sam, omar, run_tasks, language
):
    _imported(mentor, run_tasks, csv_bytes(SESSION_HEADER, *SESSIONS))
    exported = _export(mentor, "sessions", language)
    batch = _imported(omar, run_tasks, exported)
    assert batch.imported_rows == 3

    def facts(user):
        return [
            (s.starts_at, s.duration_minutes, s.format, s.focus, s.key_learnings, s.actions)
            for s in SupervisionSession.objects.filter(mentor=user).order_by("starts_at")
        ]

    assert facts(omar) == facts(mentor)
    # formula-like text, quoted in the export for spreadsheets, comes back as it was written
    assert (facts(omar)[2][3], facts(omar)[2][5]) == ("-based on a formula-like text", "=1+1")


@pytest.mark.parametrize("language", ["en", "es"])
def test_an_engagements_export_imports_back_as_the_same_engagements(
    mentor, omar, run_tasks, language
):
    _imported(mentor, run_tasks, csv_bytes(ENGAGEMENT_HEADER, *ENGAGEMENTS), kind="engagements")
    exported = _export(mentor, "engagements", language)
    _imported(omar, run_tasks, exported, kind="engagements")
    fields = ("mentee_name", "mentee_email", "organisation", "kind", "started_on", "ended_on")
    fields += ("status", "hours", "confidentiality_agreement")

    def facts(user):
        # names are stored encrypted: sorted here, not by the database
        return sorted(
            tuple(getattr(e, name) for name in fields)
            for e in MentoringEngagement.objects.filter(mentor=user)
        )

    assert facts(omar) == facts(mentor) and len(facts(omar)) == 2


@pytest.mark.parametrize(
    ("date_order", "expected"),
    [("dmy", datetime.date(2025, 4, 5)), ("mdy", datetime.date(2025, 5, 4))],
)
def test_the_chosen_date_order_reads_an_ambiguous_date(
    mentor, sam, run_tasks, date_order, expected
):
    _imported(
        mentor,
        run_tasks,
        csv_bytes(SESSION_HEADER, session_row(date="05/04/2025")),
        date_order=date_order,
    )
    (session,) = SupervisionSession.objects.filter(mentor=mentor)
    assert session.starts_at.date() == expected


def test_an_ambiguous_date_without_a_choice_is_a_clear_row_error(mentor, sam, run_tasks):
    batch = _import(mentor, run_tasks, csv_bytes(SESSION_HEADER, session_row(date="05/04/2025")))
    assert batch.status == ImportBatch.Status.INVALID
    assert batch.errors[0]["column"] == "date"
    assert "day-first or month-first" in batch.errors[0]["message"]
    # an unambiguous day-first date needs no choice
    batch = _import(mentor, run_tasks, csv_bytes(SESSION_HEADER, session_row(date="25.04.2025")))
    assert batch.status == ImportBatch.Status.READY


def test_a_windows_1252_file_with_semicolons_and_decimal_commas(mentor, run_tasks):
    header = ENGAGEMENT_HEADER.replace(",", ";")
    row = "José Núñez;;Café Ltd;external;01/09/2024;28/02/2025;completed;12,5;yes"
    data = ("\r\n".join([header, row]) + "\r\n").encode("cp1252")
    _imported(mentor, run_tasks, data, kind="engagements", date_order="dmy")
    (engagement,) = MentoringEngagement.objects.filter(mentor=mentor)
    assert engagement.mentee_name == "José Núñez" and engagement.organisation == "Café Ltd"
    assert engagement.hours == Decimal("12.5")
    assert (engagement.started_on, engagement.ended_on) == (
        datetime.date(2024, 9, 1),
        datetime.date(2025, 2, 28),
    )
