import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from practicum.frameworks.models import Competency, EthicsClause
from practicum.lib.tests.samples import MINIMAL_PDF
from practicum.practice import exports
from practicum.practice.models import (
    CpdEntry,
    FocusArea,
    MentoringEngagement,
    Reference,
    SupervisionRelationship,
    SupervisionSession,
    TrainingRecord,
)

pytestmark = pytest.mark.django_db

PDF_BYTES = MINIMAL_PDF
Status = SupervisionSession.Status


# --- helpers (test_erasure.py uses them too) ---------------------------------------------------


def relationship_for(mentor, supervisor=None, **fields):
    values = {
        "focus_area": FocusArea.BOTH,
        "started_on": datetime.date(2015, 1, 1),
        "frequency": "monthly",
    }
    if supervisor is None:
        values.update(external_name="Edith External", external_email="edith@example.org")
    values.update(fields)
    return SupervisionRelationship.objects.create(mentor=mentor, supervisor=supervisor, **values)


def session_for(relationship, *, starts_at=None, status=Status.PENDING, **fields):
    values = {
        "starts_at": starts_at or timezone.now() - datetime.timedelta(days=3),
        "duration_minutes": 60,
        "format": "one_to_one",
        "focus": "Boundaries with a sponsor",
        "key_learnings": "I over-function when the sponsor calls.",
        "actions": "Re-contract.",
    }
    values.update(fields)
    session = SupervisionSession(mentor=relationship.mentor, relationship=relationship, **values)
    if status != Status.PENDING:
        session.status = status
        session.signed_off_at = session.starts_at + datetime.timedelta(days=1)
        session.signed_off_by = relationship.supervisor
        session.signed_off_by_name = relationship.supervisor_name
    session.save()
    return session


def engagement_for(mentor, **fields):
    values = {
        "mentee_name": "Mina Mentee",
        "mentee_email": "mina@example.org",
        "organisation": "Acme",
        "kind": "external",
        "started_on": datetime.date(2024, 1, 10),
        "ended_on": datetime.date(2024, 6, 10),
        "status": "completed",
        "hours": Decimal("12"),
        "private_notes": "She is thinking of leaving.",
    }
    values.update(fields)
    return MentoringEngagement.objects.create(mentor=mentor, **values)


def reference_for(engagement, **fields):
    values = {
        "referee_name": "Rita Referee",
        "referee_email": "rita@example.org",
        "relation": Reference.Relation.MANAGER,
        "status": Reference.Status.CONFIRMED,
        "referee_comment": "A steady hand.",
    }
    values.update(fields)
    return Reference.objects.create(engagement=engagement, **values)


def training_for(mentor, *, evidence: bytes | None = PDF_BYTES, **fields):
    values = {
        "centre_name": "Mentoring Institute",
        "centre_type": "accredited",
        "programme_name": "Foundations",
        "hours": Decimal("24"),
        "mode": "online",
        "started_on": datetime.date(2023, 1, 1),
        "ended_on": datetime.date(2023, 2, 1),
        "instructor_name": "Ingrid Instructor",
        "instructor_email": "ingrid@example.org",
    }
    values.update(fields)
    record = TrainingRecord(mentor=mentor, **values)
    if evidence is not None:
        record.evidence.save("certificate.pdf", ContentFile(evidence), save=False)
        record.evidence_type = "pdf"
    record.save()
    return record


def cpd_for(mentor, *, evidence: bytes | None = None, **fields):
    values = {
        "category": "thematic_lab",
        "title": "Ethics lab",
        "occurred_on": datetime.date(2024, 5, 2),
        "hours": Decimal("1.5"),
    }
    values.update(fields)
    entry = CpdEntry(mentor=mentor, **values)
    if evidence is not None:
        entry.evidence.save("proof.pdf", ContentFile(evidence), save=False)
        entry.evidence_type = "pdf"
    entry.save()
    return entry


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


VIEWS = [
    ("practice:export_index", {}),
    ("practice:export_csv", {"log": "sessions"}),
    ("practice:export_sessions_pdf", {}),
    ("practice:export_json", {}),
    ("practice:record_delete", {"kind": "session", "pk": 999999}),
    ("practice:erase_account", {}),
]


# --- access ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "kwargs"), VIEWS)
def test_anonymous_is_sent_to_sign_in(client, frameworks, name, kwargs):
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(("name", "kwargs"), VIEWS)
def test_it_refuses_staff(client, staff, name, kwargs):
    client.force_login(staff)
    assert client.get(reverse(name, kwargs=kwargs)).status_code == 403
    assert client.post(reverse(name, kwargs=kwargs)).status_code == 403


# --- the index ------------------------------------------------------------------------------


def test_the_index_lists_every_export(client, mentor):
    client.force_login(mentor)
    response = client.get(reverse("practice:export_index"))
    assert response.status_code == 200
    html = response.content.decode()
    for log in exports.LOGS:
        assert reverse("practice:export_csv", args=[log]) in html
    assert reverse("practice:export_sessions_pdf") in html
    assert reverse("practice:export_json") in html
    assert reverse("practice:erase_account") in html
    assert "confidential client data" in html
    assert 'name="start"' in html and 'name="end"' in html


def test_an_unknown_log_is_404(client, mentor):
    client.force_login(mentor)
    assert client.get(reverse("practice:export_csv", args=["mentees"])).status_code == 404


# --- CSV ------------------------------------------------------------------------------------


def test_the_sessions_csv_holds_the_log_in_the_mentors_zone(client, mentor, supervisor):
    mentor.time_zone = "Europe/Madrid"
    mentor.save()
    relationship = relationship_for(mentor, supervisor)
    starts_at = datetime.datetime(2025, 7, 1, 8, 30, tzinfo=datetime.UTC)  # 10:30 in Madrid
    session_for(
        relationship,
        starts_at=starts_at,
        duration_minutes=90,
        status=Status.CONFIRMED,
        key_learnings="Slow down.",
        actions="Book the next one.",
    )
    client.force_login(mentor)
    response = client.get(reverse("practice:export_csv", args=["sessions"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="practicum-sessions-{today}.csv"'
    )
    assert "private" in response["Cache-Control"]
    assert response.content.startswith(b"\xef\xbb\xbf")  # so that Excel on Windows reads UTF-8
    header, row = csv_rows(response)
    assert header[:3] == ["Date", "Start time", "Time zone"]
    record = dict(zip(header, row, strict=True))
    assert record["Date"] == "2025-07-01"
    assert record["Start time"] == "10:30"
    assert record["Time zone"] == "Europe/Madrid"
    assert record["Duration (minutes)"] == "90"
    assert record["Hours"] == "1.50"
    assert record["Supervisor"] == "Sam Supervisor"
    assert record["Sign-off status"] == "Confirmed"
    assert record["Signed off by"] == "Sam Supervisor"
    assert record["Signed off at"] == "2025-07-02 10:30"
    assert record["Key learnings"] == "Slow down."
    assert record["Actions"] == "Book the next one."


def test_the_csv_holds_only_the_mentors_own_records(client, mentor, other_mentor):
    session_for(relationship_for(other_mentor), focus="Omar's focus")
    session_for(relationship_for(mentor), focus="Maya's focus")
    client.force_login(mentor)
    text = client.get(reverse("practice:export_csv", args=["sessions"])).content.decode()
    assert "Maya's focus" in text
    assert "Omar's focus" not in text


@pytest.mark.parametrize(
    "value", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]
)
def test_cells_that_look_like_formulas_are_quoted(client, mentor, value):
    session_for(relationship_for(mentor), focus=value[:200], key_learnings=value)
    client.force_login(mentor)
    header, row = csv_rows(client.get(reverse("practice:export_csv", args=["sessions"])))
    record = dict(zip(header, row, strict=True))
    assert record["Focus"] == "'" + value
    assert record["Key learnings"] == "'" + value


def test_csv_cell_leaves_ordinary_text_alone():
    assert exports.csv_cell("Plain, with a comma") == "Plain, with a comma"
    assert exports.csv_cell(None) == ""
    assert exports.csv_cell(Decimal("1.50")) == "1.50"
    assert exports.csv_cell("=1") == "'=1"


def test_the_csv_query_count_does_not_grow_with_rows(client, mentor, supervisor):
    relationship = relationship_for(mentor, supervisor)
    now = timezone.now()
    url = reverse("practice:export_csv", args=["sessions"])
    client.force_login(mentor)

    def add(count, offset):
        SupervisionSession.objects.bulk_create(
            SupervisionSession(
                mentor=mentor,
                relationship=relationship,
                starts_at=now - datetime.timedelta(days=offset + i),
                duration_minutes=60,
                format="group",
                focus=f"Theme {i}",
                status=Status.CONFIRMED,
                signed_off_by=supervisor,
                signed_off_by_name="Sam Supervisor",
                signed_off_at=now,
            )
            for i in range(count)
        )

    add(3, 1)
    client.get(url)  # the first request of a session also remembers roles and the pledge in it
    with CaptureQueriesContext(connection) as few:
        assert len(csv_rows(client.get(url))) == 4
    add(47, 10)
    with CaptureQueriesContext(connection) as many:
        assert len(csv_rows(client.get(url))) == 51
    assert len(many) == len(few)


def test_a_period_narrows_the_sessions_and_cpd_csv(client, mentor):
    relationship = relationship_for(mentor)
    for day in (1, 15, 28):
        session_for(
            relationship,
            starts_at=datetime.datetime(2025, 2, day, 12, tzinfo=datetime.UTC),
            focus=f"February {day}",
        )
        cpd_for(mentor, occurred_on=datetime.date(2025, 2, day), title=f"Lab {day}")
    client.force_login(mentor)
    query = {"start": "2025-02-10", "end": "2025-02-28"}
    sessions = client.get(reverse("practice:export_csv", args=["sessions"]), query)
    assert [row[7] for row in csv_rows(sessions)[1:]] == ["February 15", "February 28"]
    cpd = client.get(reverse("practice:export_csv", args=["cpd"]), {"start": "2025-02-10"})
    assert [row[2] for row in csv_rows(cpd)[1:]] == ["Lab 15", "Lab 28"]


def test_a_bad_csv_period_is_shown_on_the_page(client, mentor):
    client.force_login(mentor)
    response = client.get(
        reverse("practice:export_csv", args=["sessions"]),
        {"start": "2025-03-01", "end": "2025-02-01"},
    )
    assert response.status_code == 400
    assert "The end date cannot be before the start date." in response.content.decode()


def test_the_engagements_csv_holds_mentee_details(client, mentor):
    engagement = engagement_for(mentor)
    reference_for(engagement)
    reference_for(engagement, status=Reference.Status.DECLINED)
    client.force_login(mentor)
    header, row = csv_rows(client.get(reverse("practice:export_csv", args=["engagements"])))
    record = dict(zip(header, row, strict=True))
    assert record["Mentee's name"] == "Mina Mentee"
    assert record["Mentee's email"] == "mina@example.org"
    assert record["Status"] == "Completed"
    assert record["Verified references"] == "1"
    assert record["Confidentiality agreement"] == "no"


def test_the_training_and_cpd_csv(client, mentor):
    training_for(mentor)
    cpd_for(mentor, evidence=PDF_BYTES)
    client.force_login(mentor)
    header, row = csv_rows(client.get(reverse("practice:export_csv", args=["training"])))
    training = dict(zip(header, row, strict=True))
    assert training["Programme"] == "Foundations"
    assert training["Centre type"] == "Accredited"
    assert training["Evidence"] == "PDF"
    header, row = csv_rows(client.get(reverse("practice:export_csv", args=["cpd"])))
    assert dict(zip(header, row, strict=True)) == {
        "Date": "2024-05-02",
        "Category": "Thematic lab",
        "What": "Ethics lab",
        "Hours": "1.50",
        "Evidence": "PDF",
    }


# --- PDF ------------------------------------------------------------------------------------


@pytest.fixture
def pdf_log(mentor, supervisor):
    """Two confirmed sessions (2.50 h), one pending (0.75 h), one disputed (0.50 h) in March
    2025; one confirmed session long before, with another supervisor."""
    mentor.membership_number = "CMM-0042"
    mentor.save()
    relationship = relationship_for(mentor, supervisor)

    def at(day):
        return datetime.datetime(2025, 3, day, 9, tzinfo=datetime.UTC)

    session_for(relationship, starts_at=at(3), status=Status.CONFIRMED, key_learnings="SECRET-1")
    session_for(relationship, starts_at=at(10), duration_minutes=90, status=Status.CONFIRMED)
    session_for(relationship, starts_at=at(17), duration_minutes=45, cases_brought="SECRET-2")
    session_for(relationship, starts_at=at(24), duration_minutes=30, status=Status.DISPUTED)
    old = relationship_for(mentor, external_name="Xavier Outside", external_email="x@example.org")
    session_for(old, starts_at=datetime.datetime(2019, 5, 1, tzinfo=datetime.UTC))
    engagement_for(mentor, mentee_name="Mina Mentee")
    return mentor


def test_the_pdf_holds_the_log_and_totals_of_the_period(pdf_log):
    pdf = exports.supervision_log_pdf(
        mentor=pdf_log,
        start=datetime.date(2025, 3, 1),
        end=datetime.date(2025, 3, 31),
        compress=False,
        generated_on=datetime.date(2025, 4, 2),
    )
    assert pdf.startswith(b"%PDF")
    for text in (
        b"Supervision log",
        b"Maya Mentor",
        b"CMM-0042",
        b"2025-03-01 to 2025-03-31",
        b"Sam Supervisor",
        b"2025-03-10",
        b"Confirmed by Sam Supervisor on 2025-03-11 09:00",
        b"Awaiting sign-off",
        b"Disputed by Sam Supervisor",
        b"2.50",
        b"0.75",
        b"0.50",
        b"Generated by Practicum on 2025-04-02",
    ):
        assert text in pdf, text
    for text in (b"SECRET-1", b"SECRET-2", b"Mina Mentee", b"Xavier Outside"):
        assert text not in pdf, text


def test_the_pdf_view_sends_an_attachment(client, pdf_log):
    client.force_login(pdf_log)
    response = client.get(
        reverse("practice:export_sessions_pdf"), {"start": "2025-03-01", "end": "2025-03-31"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="practicum-supervision-log-2025-03-01-to-2025-03-31.pdf"'
    )
    assert response.content.startswith(b"%PDF")


def test_the_pdf_defaults_to_the_last_twelve_months(client, mentor):
    client.force_login(mentor)
    response = client.get(reverse("practice:export_sessions_pdf"))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert f"-to-{timezone.localdate():%Y-%m-%d}.pdf" in response["Content-Disposition"]


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ({"start": "2025-03-01", "end": "2025-02-01"}, "The end date cannot be before"),
        ({"start": "2010-01-01", "end": "2020-01-01"}, "at most 10 years"),
        ({"start": "2025-03-01"}, "This field is required."),
        ({"start": "yesterday", "end": "2025-02-01"}, "Enter a valid date."),
    ],
)
def test_a_bad_period_is_shown_on_the_page(client, mentor, query, error):
    client.force_login(mentor)
    response = client.get(reverse("practice:export_sessions_pdf"), query)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert "<h1>Your data</h1>" in response.content.decode()


def test_a_ten_year_period_is_accepted(client, mentor):
    client.force_login(mentor)
    response = client.get(
        reverse("practice:export_sessions_pdf"), {"start": "2010-01-01", "end": "2019-12-31"}
    )
    assert response.status_code == 200


def test_names_outside_latin_1_do_not_break_the_pdf(mentor, supervisor):
    mentor.full_name = 'Zoë "Zo" Ōkubo <b>& 王小明 😀\x07'
    mentor.save()
    supervisor.full_name = "Саша Супервизор"
    supervisor.save()
    session_for(relationship_for(mentor, supervisor), status=Status.CONFIRMED)
    today = timezone.localdate()
    pdf = exports.supervision_log_pdf(
        mentor=mentor, start=today - datetime.timedelta(days=30), end=today
    )
    assert pdf.startswith(b"%PDF")


def test_text_the_font_cannot_draw_is_replaced():
    helvetica = exports.PdfFont("Helvetica", "Helvetica-Bold", exports._cp1252)
    assert exports.pdf_text("Zoë 王 <b>&", helvetica) == "Zoë ? &lt;b&gt;&amp;"
    assert exports.pdf_text("tab\there", helvetica) == "tab here"


# --- JSON -----------------------------------------------------------------------------------

AWKWARD = 'She said "no" \\ then 😀\n</script><b>&amp; \u2028 end'


def test_the_json_holds_everything_and_survives_awkward_text(client, mentor, other_mentor):
    relationship = relationship_for(mentor, contract_fees=AWKWARD)
    starts_at = datetime.datetime(2025, 3, 3, 9, 15, tzinfo=datetime.UTC)
    session = session_for(
        relationship,
        starts_at=starts_at,
        status=Status.CONFIRMED,
        focus=AWKWARD[:200],
        key_learnings=AWKWARD,
    )
    competency = Competency.objects.first()
    clause = EthicsClause.objects.first()
    session.competencies.set([competency])
    session.clauses.set([clause])
    engagement = engagement_for(mentor, mentee_name=AWKWARD[:150], private_notes=AWKWARD)
    reference_for(engagement, referee_comment=AWKWARD)
    training_for(mentor)
    cpd_for(mentor, title="Lab")
    session_for(relationship_for(other_mentor), key_learnings="Omar's secret")

    client.force_login(mentor)
    response = client.get(reverse("practice:export_json"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="practicum-my-data-')
    data = json.loads(response.content)

    assert set(data) >= {
        "profile",
        "roles",
        "pledge_acceptances",
        "supervision_relationships",
        "supervision_sessions",
        "engagements",
        "training_records",
        "cpd_entries",
    }
    assert data["profile"]["email"] == "maya@example.org"
    assert "password" not in data["profile"]
    assert [r["role"] for r in data["roles"]] == ["mentor"]
    assert data["pledge_acceptances"][0]["version"]
    assert data["supervision_relationships"][0]["contract"]["fees"] == AWKWARD
    exported = data["supervision_sessions"][0]
    assert exported["key_learnings"] == AWKWARD
    assert exported["focus"] == AWKWARD[:200]
    assert exported["competencies"] == [
        {
            "number": competency.number,
            "name": competency.name,
            "framework_version": competency.framework.version,
        }
    ]
    assert exported["clauses"] == [
        {"identifier": clause.identifier, "code_version": clause.framework.version}
    ]
    assert exported["sign_off"]["status"] == "confirmed"
    assert datetime.datetime.fromisoformat(exported["starts_at"]) == starts_at
    assert data["engagements"][0]["mentee_name"] == AWKWARD[:150]
    assert data["engagements"][0]["private_notes"] == AWKWARD
    assert data["engagements"][0]["references"][0]["comment"] == AWKWARD
    evidence = data["training_records"][0]["evidence"]
    assert evidence["type"] == "pdf" and evidence["name"]
    assert data["cpd_entries"][0]["title"] == "Lab"
    assert data["cpd_entries"][0]["occurred_on"] == "2024-05-02"
    assert "Omar's secret" not in response.content.decode()


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_log_pdf_embeds_its_fonts_and_breaks_no_header_inside_a_word(pdf_log, language):
    from django.utils import translation

    from practicum.lib.tests.pdf_checks import chars_outside, text_lines, unembedded_fonts

    pdf_log.time_zone = "America/Argentina/Buenos_Aires"  # a long zone name
    pdf_log.save()
    with translation.override(language):
        pdf = exports.supervision_log_pdf(
            mentor=pdf_log, start=datetime.date(2025, 3, 1), end=datetime.date(2025, 3, 31)
        )
        headers = [
            translation.gettext(h)
            for h in ("Date", "Time", "Supervisor", "Format", "Minutes", "Hours", "Sign-off")
        ]
    assert unembedded_fonts(pdf) == []
    assert chars_outside(pdf) == []
    words = {word for line in text_lines(pdf) for word in line.split()}
    assert all(word in words for header in headers for word in header.split())
