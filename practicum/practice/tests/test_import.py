import datetime
import json
import zoneinfo
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD, make_user
from practicum.accounts.models import Role
from practicum.practice import importer, services
from practicum.practice.models import (
    FocusArea,
    ImportBatch,
    MentoringEngagement,
    SignOffLink,
    SupervisionSession,
)

pytestmark = pytest.mark.django_db
LONG_AGO = datetime.date(2025, 1, 1)
SESSION_HEADER = "date,start_time,duration_minutes,format,supervisor,focus,key_learnings,actions"
ENGAGEMENT_HEADER = (
    "mentee_name,mentee_email,organisation,kind,start_date,end_date,status,hours,"
    "confidentiality_agreement"
)
SECRET_NAME = "Jane Secretname"
SECRET_LEARNING = "I over-function when Jane calls"


def declare(mentor, supervisor=None, **extra):
    fields = {"focus_area": FocusArea.BOTH, "started_on": LONG_AGO, "frequency": "monthly"}
    if supervisor is None:
        extra.setdefault("external_name", "Edith External")
        extra.setdefault("external_email", "edith@example.org")
        extra.setdefault("external_address", "1 High Street, York")
    return services.relationship_declare(
        mentor=mentor, supervisor=supervisor, **{**fields, **extra}
    )


def days_ago(days: int) -> str:
    return (timezone.localdate() - datetime.timedelta(days=days)).isoformat()


def session_row(**overrides) -> str:
    values = {
        "date": days_ago(10),
        "start_time": "10:00",
        "duration_minutes": "90",
        "format": "one_to_one",
        "supervisor": "Sam Supervisor",
        "focus": "Contracting",
        "key_learnings": SECRET_LEARNING,
        "actions": "Re-contract",
    }
    values.update(overrides)
    return ",".join(values[name] for name in SESSION_HEADER.split(","))


def engagement_row(**overrides) -> str:
    values = {
        "mentee_name": SECRET_NAME,
        "mentee_email": "jane@example.org",
        "organisation": "Example Ltd",
        "kind": "external",
        "start_date": days_ago(200),
        "end_date": days_ago(20),
        "status": "completed",
        "hours": "12.5",
        "confidentiality_agreement": "yes",
    }
    values.update(overrides)
    return ",".join(values[name] for name in ENGAGEMENT_HEADER.split(","))


def csv_bytes(header: str, *rows: str) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode()


def upload(client, data: bytes, kind="sessions", name="past-sessions.csv"):
    return client.post(
        reverse("practice:import_upload"),
        {"kind": kind, "file": SimpleUploadedFile(name, data, content_type="text/csv")},
    )


def checked(client, run_tasks, data: bytes, kind="sessions") -> ImportBatch:
    response = upload(client, data, kind)
    assert response.status_code == 302, response.content.decode()[:2000]
    run_tasks()
    return ImportBatch.objects.latest("created_at")


def preview(client, batch):
    return client.get(reverse("practice:import_preview", args=[batch.code])).content.decode()


@pytest.fixture
def sam(mentor, supervisor):
    return declare(mentor, supervisor=supervisor)


# --- the whole journey ---------------------------------------------------------------------


def test_valid_sessions_are_imported_end_to_end(client, mentor, supervisor, sam, run_tasks):
    mentor.time_zone = "Europe/Madrid"
    mentor.save()
    client.force_login(mentor)
    # Once: a request as this mentor makes Madrid the test thread's zone, and between 23:00 and
    # midnight UTC "40 days ago" would then name another day.
    forty_days_ago = days_ago(40)
    data = csv_bytes(
        SESSION_HEADER,
        session_row(),
        session_row(date=forty_days_ago, start_time="18:30", format="group", focus="Boundaries"),
    )

    response = upload(client, data)
    batch = ImportBatch.objects.get(mentor=mentor)
    assert response.url == reverse("practice:import_preview", args=[batch.code])
    assert batch.status == ImportBatch.Status.UPLOADED and batch.total_rows == 2
    page = preview(client, batch)
    assert "Checking your file" in page and "<progress" in page

    run_tasks()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.READY and batch.errors == []
    page = preview(client, batch)
    assert "Boundaries" in page and "Sam Supervisor" in page and "18:30" in page
    assert "Import 2 rows" in page and reverse("practice:import_confirm", args=[batch.code]) in page

    response = client.post(reverse("practice:import_confirm", args=[batch.code]))
    assert response.url == reverse("practice:session_list")
    sessions = SupervisionSession.objects.filter(mentor=mentor).order_by("starts_at")
    assert sessions.count() == 2
    assert {s.status for s in sessions} == {SupervisionSession.Status.PENDING}
    assert all(len(s.import_key) == 64 for s in sessions)
    madrid = zoneinfo.ZoneInfo("Europe/Madrid")
    first = sessions[0]
    assert first.starts_at == datetime.datetime.combine(
        datetime.date.fromisoformat(forty_days_ago), datetime.time(18, 30), tzinfo=madrid
    )
    assert first.format == "group" and first.duration_minutes == 90
    assert sessions[1].key_learnings == SECRET_LEARNING
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED and batch.imported_rows == 2
    assert batch.payload == "" and batch.committed_at is not None

    run_tasks()
    # one digest per supervisor, not one email per imported session
    assert [m.to for m in mail.outbox] == [[supervisor.email]]
    assert "2 supervision sessions" in mail.outbox[0].subject


def test_valid_engagements_are_imported(client, mentor, run_tasks):
    client.force_login(mentor)
    data = csv_bytes(
        ENGAGEMENT_HEADER,
        engagement_row(),
        engagement_row(
            mentee_name="Ravi Other",
            mentee_email="",
            organisation="",
            kind="internal",
            end_date="",
            status="active",
            hours="",
            confidentiality_agreement="NO",
        ),
    )
    batch = checked(client, run_tasks, data, kind="engagements")
    assert batch.status == ImportBatch.Status.READY, batch.errors
    assert SECRET_NAME in preview(client, batch)  # the mentor's own data, shown to them

    client.post(reverse("practice:import_confirm", args=[batch.code]))
    done = MentoringEngagement.objects.get(mentor=mentor, status="completed")
    assert done.mentee_name == SECRET_NAME and done.hours == Decimal("12.5")
    assert done.confidentiality_agreement and done.import_key
    active = MentoringEngagement.objects.get(mentor=mentor, status="active")
    assert active.ended_on is None and active.hours is None
    assert not active.confidentiality_agreement


def test_a_file_exported_by_excel_is_read(client, mentor, sam, run_tasks):
    """A byte-order mark, semicolons, CRLF, quoted text with a newline and a blank last line."""
    client.force_login(mentor)
    header = SESSION_HEADER.replace(",", ";")
    row = f'{days_ago(3)};9:05;60;One_To_One;sam supervisor;Ethics;"Two lines\nof learning";'
    data = b"\xef\xbb\xbf" + f"{header}\r\n{row}\r\n;;;;;;;\r\n".encode()
    batch = checked(client, run_tasks, data)
    assert batch.status == ImportBatch.Status.READY, batch.errors
    importer.batch_commit(batch=batch)
    session = SupervisionSession.objects.get(mentor=mentor)
    assert session.key_learnings == "Two lines\nof learning" and session.actions == ""


# --- row errors: nothing saved ---------------------------------------------------------------


def test_one_bad_row_is_listed_and_nothing_is_saved(client, mentor, sam, run_tasks):
    client.force_login(mentor)
    data = csv_bytes(
        SESSION_HEADER,
        session_row(),
        session_row(date=days_ago(11), duration_minutes="0"),
        session_row(date=days_ago(12)),
    )
    batch = checked(client, run_tasks, data)
    assert batch.status == ImportBatch.Status.INVALID
    assert [(e["row"], e["column"]) for e in batch.errors] == [(3, "duration_minutes")]
    page = preview(client, batch)
    assert "Nothing will be saved until the file is corrected." in page
    assert "<td>3</td><td><code>duration_minutes</code></td>" in page
    assert reverse("practice:import_confirm", args=[batch.code]) not in page

    response = client.post(reverse("practice:import_confirm", args=[batch.code]), follow=True)
    assert "Nothing will be saved until the file is corrected." in response.content.decode()
    assert not SupervisionSession.objects.exists()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.INVALID


@pytest.mark.parametrize(
    ("overrides", "column", "message"),
    [
        ({"date": days_ago(-2)}, "date", "A session in the future cannot be logged as held."),
        ({"date": "03/04/2025"}, "date", "day-first or month-first: choose which"),
        ({"date": "14/03/25"}, "date", "Give a real date as YYYY-MM-DD"),
        ({"date": "2025-02-30"}, "date", "Give a real date as YYYY-MM-DD"),
        ({"date": "2024-06-01"}, "supervisor", "was not in place (2025-01-01 to now)"),
        ({"start_time": "25:00"}, "start_time", "Give the time as HH:MM"),
        ({"start_time": ""}, "start_time", "required"),
        ({"duration_minutes": "0"}, "duration_minutes", "from 5 to 480"),
        ({"duration_minutes": "-30"}, "duration_minutes", "from 5 to 480"),
        ({"duration_minutes": "481"}, "duration_minutes", "from 5 to 480"),
        ({"duration_minutes": "1.5"}, "duration_minutes", "whole minutes"),
        ({"format": "coffee"}, "format", "Use one of: one_to_one, group, thematic_lab."),
        ({"supervisor": SECRET_NAME}, "supervisor", "Yours: Sam Supervisor."),
        ({"focus": ""}, "focus", "required"),
        ({"focus": "x" * 201}, "focus", "the limit is 200"),
    ],
)
def test_each_session_rule_is_a_row_error(
    client, mentor, sam, run_tasks, overrides, column, message
):
    client.force_login(mentor)
    batch = checked(client, run_tasks, csv_bytes(SESSION_HEADER, session_row(**overrides)))
    assert batch.status == ImportBatch.Status.INVALID
    assert [(e["row"], e["column"]) for e in batch.errors] == [(2, column)]
    assert message in batch.errors[0]["message"]
    # messages are stored in clear: they never quote a cell
    assert SECRET_NAME not in json.dumps(batch.errors)
    assert message in preview(client, batch)


@pytest.mark.parametrize(
    ("overrides", "column", "message"),
    [
        (
            {"start_date": days_ago(10), "end_date": days_ago(20)},
            "end_date",
            "The end date cannot be before the start date.",
        ),
        ({"end_date": ""}, "end_date", "Give the end date of a finished engagement."),
        ({"end_date": days_ago(-5)}, "end_date", "cannot end in the future"),
        ({"hours": "0"}, "hours", "Hours must be more than zero."),
        ({"hours": "-4"}, "hours", "Hours must be more than zero."),
        ({"hours": "2000.01"}, "hours", "Hours must be at most 2,000."),
        ({"hours": "12.555"}, "hours", "such as 12.5"),
        ({"hours": '"12,5,0"'}, "hours", "such as 12.5"),
        ({"mentee_name": ""}, "mentee_name", "required"),
        ({"mentee_email": "jane.secretname@"}, "mentee_email", "not a valid email"),
        ({"kind": "both"}, "kind", "Use one of: internal, external."),
        ({"status": "paused"}, "status", "Use one of: active, completed, ended_early."),
        ({"confidentiality_agreement": "maybe"}, "confidentiality_agreement", "yes, no"),
    ],
)
def test_each_engagement_rule_is_a_row_error(client, mentor, run_tasks, overrides, column, message):
    client.force_login(mentor)
    data = csv_bytes(ENGAGEMENT_HEADER, engagement_row(**overrides))
    batch = checked(client, run_tasks, data, kind="engagements")
    assert batch.status == ImportBatch.Status.INVALID
    assert [(e["row"], e["column"]) for e in batch.errors] == [(2, column)]
    assert message in batch.errors[0]["message"]
    assert "ecretname" not in json.dumps(batch.errors).lower()


def test_a_session_already_logged_by_hand_is_a_row_error(client, mentor, sam, run_tasks):
    day = datetime.date.fromisoformat(days_ago(10))
    services.session_log(
        mentor=mentor,
        relationship=sam,
        starts_at=datetime.datetime.combine(day, datetime.time(10), tzinfo=datetime.UTC),
        duration_minutes=60,
        format="one_to_one",
        focus="Logged by hand",
    )
    client.force_login(mentor)
    batch = checked(client, run_tasks, csv_bytes(SESSION_HEADER, session_row()))
    assert batch.errors == [
        {
            "row": 2,
            "column": "date",
            "message": (
                "A session with this supervisor starting at that time is already in your log."
            ),
        }
    ]


def test_two_rows_for_the_same_supervisor_and_start_are_refused(client, mentor, sam, run_tasks):
    client.force_login(mentor)
    data = csv_bytes(
        SESSION_HEADER, session_row(), session_row(focus="Other"), session_row(focus="Other")
    )
    batch = checked(client, run_tasks, data)
    assert [(e["row"], e["message"]) for e in batch.errors] == [
        (3, "Row 2 has a session with this supervisor starting at the same time."),
        (4, "This row repeats row 3."),
    ]


def test_a_row_refused_at_commit_rolls_back_every_row(client, mentor, sam, run_tasks):
    """The log may change between the preview and the confirmation: then nothing is saved."""
    client.force_login(mentor)
    data = csv_bytes(SESSION_HEADER, session_row(), session_row(date=days_ago(12)))
    batch = checked(client, run_tasks, data)
    assert batch.status == ImportBatch.Status.READY
    day = datetime.date.fromisoformat(days_ago(12))
    services.session_log(
        mentor=mentor,
        relationship=sam,
        starts_at=datetime.datetime.combine(day, datetime.time(10), tzinfo=datetime.UTC),
        duration_minutes=60,
        format="one_to_one",
        focus="Logged by hand meanwhile",
    )
    response = client.post(reverse("practice:import_confirm", args=[batch.code]), follow=True)
    assert "Nothing was saved" in response.content.decode()
    assert list(SupervisionSession.objects.values_list("focus", flat=True)) == [
        "Logged by hand meanwhile"
    ]
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.INVALID
    assert [(e["row"], e["column"]) for e in batch.errors] == [(3, "date")]


def test_a_refusal_by_the_service_rolls_back_the_rows_before_it(
    client, mentor, sam, run_tasks, monkeypatch
):
    client.force_login(mentor)
    data = csv_bytes(SESSION_HEADER, session_row(), session_row(date=days_ago(12)))
    batch = checked(client, run_tasks, data)
    real_session_log = services.session_log
    calls = []

    def second_refused(**fields):
        calls.append(fields)
        if len(calls) == 2:
            raise ValidationError("Refused for the test.")
        return real_session_log(**fields)

    monkeypatch.setattr(services, "session_log", second_refused)
    with pytest.raises(ValidationError, match="Nothing was saved"):
        importer.batch_commit(batch=batch)
    assert len(calls) == 2 and not SupervisionSession.objects.exists()
    assert batch.status == ImportBatch.Status.INVALID
    assert batch.errors == [{"row": 3, "column": "", "message": "Refused for the test."}]
    run_tasks()
    assert mail.outbox == []  # the first row's sign-off request was rolled back with it


# --- the file as a whole ---------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The submitted file is empty."),
        (b"\r\n\r\n", "The file is empty."),
        (SESSION_HEADER.encode() + b"\r\n", "no rows to import"),
        (PNG, "it holds binary data"),
        (b"PK\x03\x04" + b"\x00" * 20, "spreadsheet workbook"),
        ("date,naïve".encode("utf-16"), "UTF-16"),
        (f"{SESSION_HEADER}\n{session_row(focus='Caf')}".encode() + b"\x81", "nor Windows-1252"),
        (csv_bytes(SESSION_HEADER.replace(",focus", ""), "x"), "lacks these columns: focus"),
        (csv_bytes(session_row(), session_row()), "The first row must be the header"),
        (csv_bytes(SESSION_HEADER + ",mood", session_row() + ",ok"), "(column 9)"),
        (csv_bytes(SESSION_HEADER + ",focus", session_row()), "more than once: focus"),
        (csv_bytes(ENGAGEMENT_HEADER, engagement_row()), "columns for mentoring engagements"),
        (csv_bytes(SESSION_HEADER, '2025-01-01,"10:00"x,'), "near line 2"),
    ],
)
def test_a_refused_file_gets_a_clear_message(client, mentor, sam, data, message):
    client.force_login(mentor)
    response = upload(client, data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert not ImportBatch.objects.exists()


def test_more_than_5000_rows_are_refused(client, mentor, sam):
    client.force_login(mentor)
    data = csv_bytes(SESSION_HEADER, *[session_row()] * 5001)
    assert len(data) < importer.MAX_BYTES
    response = upload(client, data)
    assert "more than 5,000 rows" in " ".join(response.context["form"].errors["file"])
    assert not ImportBatch.objects.exists()


def test_more_than_2_mb_is_refused(client, mentor, sam):
    client.force_login(mentor)
    long_row = session_row(key_learnings="x" * 9_000)
    data = csv_bytes(SESSION_HEADER, *[long_row] * 240)
    assert len(data) > importer.MAX_BYTES
    response = upload(client, data)
    assert response.status_code == 200
    assert "the limit is 2.0\xa0MB" in " ".join(response.context["form"].errors["file"])
    assert not ImportBatch.objects.exists()


def test_a_fault_while_checking_fails_the_batch_without_logging_the_file(
    client, mentor, sam, run_tasks, monkeypatch, caplog
):
    def broken(**kwargs):
        raise ValueError(f"bad value {SECRET_LEARNING}")

    monkeypatch.setattr(importer, "_plan", broken)
    client.force_login(mentor)
    batch = checked(client, run_tasks, csv_bytes(SESSION_HEADER, session_row()))
    assert batch.status == ImportBatch.Status.FAILED
    assert "ValueError" in caplog.text and SECRET_LEARNING not in caplog.text
    assert "could not be checked" in preview(client, batch)


# --- no duplicates -------------------------------------------------------------------------


def test_reimporting_the_same_sessions_file_adds_nothing(client, mentor, sam, run_tasks):
    client.force_login(mentor)
    data = csv_bytes(SESSION_HEADER, session_row(), session_row(date=days_ago(30)))
    first = checked(client, run_tasks, data)
    client.post(reverse("practice:import_confirm", args=[first.code]))
    assert SupervisionSession.objects.count() == 2

    again = checked(client, run_tasks, data)
    assert again.status == ImportBatch.Status.READY and again.errors == []
    page = preview(client, again)
    assert page.count("Already imported, will be skipped") == 2
    assert "nothing to import" in page and "You imported this same file on" in page
    assert importer.batch_commit(batch=again) == (0, 2)
    assert SupervisionSession.objects.count() == 2


def test_reimporting_engagements_with_a_new_row_adds_only_that_row(client, mentor, run_tasks):
    client.force_login(mentor)
    first = checked(
        client, run_tasks, csv_bytes(ENGAGEMENT_HEADER, engagement_row()), kind="engagements"
    )
    client.post(reverse("practice:import_confirm", args=[first.code]))
    data = csv_bytes(
        ENGAGEMENT_HEADER,
        engagement_row(mentee_name=f"  {SECRET_NAME.upper()} "),  # the same, normalised
        engagement_row(mentee_name="Ravi Other"),
    )
    again = checked(client, run_tasks, data, kind="engagements")
    assert importer.batch_commit(batch=again) == (1, 1)
    assert MentoringEngagement.objects.filter(mentor=mentor).count() == 2


def test_committing_twice_is_refused(client, mentor, sam, run_tasks):
    client.force_login(mentor)
    batch = checked(client, run_tasks, csv_bytes(SESSION_HEADER, session_row()))
    client.post(reverse("practice:import_confirm", args=[batch.code]))
    response = client.post(reverse("practice:import_confirm", args=[batch.code]), follow=True)
    assert "This file has already been imported." in response.content.decode()
    assert SupervisionSession.objects.count() == 1


def test_a_batch_cannot_be_committed_while_it_is_checked(client, mentor, sam):
    client.force_login(mentor)
    upload(client, csv_bytes(SESSION_HEADER, session_row()))
    batch = ImportBatch.objects.get()
    response = client.post(reverse("practice:import_confirm", args=[batch.code]), follow=True)
    assert "still being checked" in response.content.decode()
    assert not SupervisionSession.objects.exists()


# --- confidentiality, htmx -----------------------------------------------------------------


def test_the_stored_file_is_ciphertext(client, mentor, run_tasks):
    client.force_login(mentor)
    batch = checked(
        client, run_tasks, csv_bytes(ENGAGEMENT_HEADER, engagement_row()), kind="engagements"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT payload FROM practice_importbatch WHERE id = %s", [batch.pk])
        (raw,) = cursor.fetchone()
    assert raw.startswith("fernet:") and SECRET_NAME not in raw
    assert batch.payload.startswith("mentee_name,")
    assert len(batch.file_digest) == 64 and batch.code not in raw


def test_the_progress_fragment_has_no_page_layout(client, mentor, sam):
    client.force_login(mentor)
    upload(client, csv_bytes(SESSION_HEADER, session_row()))
    batch = ImportBatch.objects.get()
    url = reverse("practice:import_progress", args=[batch.code])

    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and "<h1>" not in fragment
    assert '<progress max="1" value="0"' in fragment
    assert f'hx-get="{url}"' in fragment and 'hx-trigger="load delay:1s"' in fragment
    assert "Processed 0 of 1 rows." in fragment

    assert client.get(url).url == reverse("practice:import_preview", args=[batch.code])


def test_the_fragment_stops_polling_once_checked(client, mentor, sam, run_tasks):
    client.force_login(mentor)
    batch = checked(client, run_tasks, csv_bytes(SESSION_HEADER, session_row()))
    url = reverse("practice:import_progress", args=[batch.code])
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-get" not in fragment and "Import 1 row" in fragment


def test_the_upload_page_documents_the_columns(client, mentor, sam):
    client.force_login(mentor)
    page = client.get(reverse("practice:import_upload")).content.decode()
    assert f"<pre>{SESSION_HEADER}</pre>" in page and f"<pre>{ENGAGEMENT_HEADER}</pre>" in page
    assert "Sam Supervisor" in page and 'enctype="multipart/form-data"' in page


def test_the_upload_checks_the_csrf_token(mentor, sam):
    client = Client(enforce_csrf_checks=True)
    client.force_login(mentor)
    assert upload(client, csv_bytes(SESSION_HEADER, session_row())).status_code == 403
    assert not ImportBatch.objects.exists()


# --- access --------------------------------------------------------------------------------


def test_another_mentors_batch_is_a_404(client, mentor, other_mentor, sam, run_tasks):
    client.force_login(mentor)
    batch = checked(client, run_tasks, csv_bytes(SESSION_HEADER, session_row()))
    client.force_login(other_mentor)
    for name in ("import_preview", "import_progress"):
        url = reverse(f"practice:{name}", args=[batch.code])
        assert client.get(url, headers={"HX-Request": "true"}).status_code == 404
    confirm = reverse("practice:import_confirm", args=[batch.code])
    assert client.post(confirm).status_code == 404
    assert not SupervisionSession.objects.exists()


def test_staff_cannot_import(client, staff, mentor, sam):
    client.force_login(mentor)
    upload(client, csv_bytes(SESSION_HEADER, session_row()))
    code = ImportBatch.objects.get().code
    client.force_login(staff)
    assert client.get(reverse("practice:import_upload")).status_code == 403
    assert upload(client, csv_bytes(SESSION_HEADER, session_row())).status_code == 403
    for name in ("import_preview", "import_progress", "import_confirm"):
        url = reverse(f"practice:{name}", args=[code])
        assert client.get(url).status_code == 403
        assert client.post(url).status_code == 403
    assert ImportBatch.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "codes"),
    [
        # anonymous, mentor, supervisor, staff (GET, code "nope")
        ("import_upload", (302, 200, 200, 403)),
        ("import_preview", (302, 404, 404, 403)),
        ("import_progress", (302, 404, 404, 403)),
        ("import_confirm", (302, 405, 405, 403)),
    ],
)
def test_get_status_by_persona(client, mentor, supervisor, staff, name, codes):
    url = reverse(f"practice:{name}", kwargs={} if name == "import_upload" else {"code": "nope"})
    found = [client.get(url).status_code]
    for user in (mentor, supervisor, staff):
        client.force_login(user)
        found.append(client.get(url).status_code)
    assert tuple(found) == codes


# --- in a browser: the preview polls, under the page's CSP -----------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_preview_updates_itself_once_the_file_is_checked(page, frameworks, run_tasks, tmp_path):
    mentor = make_user("maya@example.org", Role.MENTOR, full_name="Maya Mentor")
    supervisor = make_user(
        "sam@example.org", Role.MENTOR, Role.SUPERVISOR, full_name="Sam Supervisor"
    )
    declare(mentor, supervisor=supervisor)
    path = tmp_path / "sessions.csv"
    path.write_bytes(csv_bytes(SESSION_HEADER, session_row(), session_row(date=days_ago(20))))

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(mentor.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state()
    page.goto(reverse("practice:import_upload"))
    page.get_by_label("Supervision sessions").check()
    page.get_by_label("CSV file").set_input_files(path)
    page.get_by_role("button", name="Upload and check").click()
    page.get_by_text("Processed 0 of 2 rows.").wait_for()

    run_tasks()  # the worker checks the file; the page polls and shows the result
    page.get_by_role("button", name="Import 2 rows").click()
    page.get_by_text("2 sessions imported and sent to their supervisors for sign-off.").wait_for()
    assert SupervisionSession.objects.filter(mentor=mentor).count() == 2


def test_the_preview_runs_the_real_service_and_rolls_it_back(
    client, mentor, sam, run_tasks, monkeypatch
):
    """A rule only the service knows shows in the preview, and the rehearsal leaves nothing."""
    client.force_login(mentor)
    real_session_log = services.session_log
    calls = []

    def second_refused(**fields):
        calls.append(fields)
        if len(calls) == 2:
            raise ValidationError("Refused for the test.")
        return real_session_log(**fields)

    monkeypatch.setattr(services, "session_log", second_refused)
    data = csv_bytes(SESSION_HEADER, session_row(), session_row(date=days_ago(12)))
    batch = checked(client, run_tasks, data)
    assert len(calls) == 2
    assert batch.status == ImportBatch.Status.INVALID
    assert batch.errors == [{"row": 3, "column": "", "message": "Refused for the test."}]
    assert not SupervisionSession.objects.exists()
    assert not SignOffLink.objects.exists()
