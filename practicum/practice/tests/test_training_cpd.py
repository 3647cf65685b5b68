import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from practicum.lib.tests.samples import MINIMAL_PDF
from practicum.practice.models import CpdEntry, TrainingRecord

pytestmark = pytest.mark.django_db

PDF = MINIMAL_PDF


def image_bytes(format_: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(buffer, format=format_)
    return buffer.getvalue()


def pdf_upload(name="certificate.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def training_data(**overrides):
    data = {
        "centre_name": "Mentoring Institute",
        "centre_type": "accredited",
        "programme_name": "Foundations of Mentoring",
        "hours": "24",
        "mode": "blended",
        "started_on": "2023-03-01",
        "ended_on": "2023-04-15",
        "instructor_name": "Ingrid Instructor",
        "instructor_email": "Ingrid@Example.org",
        "evidence": pdf_upload(),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def cpd_data(**overrides):
    data = {
        "category": "thematic_lab",
        "title": "Ethics in action lab",
        "occurred_on": "2024-05-02",
        "hours": "1.5",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def stored_files(tmp_path) -> list:
    media = tmp_path / "media"
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def make_training(mentor, *, evidence: bytes | None = PDF, evidence_type="pdf", **fields):
    values = {
        "centre_name": "Mentoring Institute",
        "centre_type": "endorsed",
        "programme_name": "Advanced Mentoring",
        "hours": Decimal("10"),
        "mode": "online",
        "started_on": datetime.date(2023, 1, 1),
        "ended_on": datetime.date(2023, 2, 1),
        "instructor_name": "Ingrid Instructor",
        "instructor_email": "ingrid@example.org",
    }
    values.update(fields)
    record = TrainingRecord(mentor=mentor, **values)
    if evidence is not None:
        record.evidence.save("upload", ContentFile(evidence), save=False)
        record.evidence_type = evidence_type
    record.save()
    return record


def make_cpd(mentor, *, occurred_on, category="other", hours="1", **fields):
    return CpdEntry.objects.create(
        mentor=mentor,
        category=category,
        title=fields.pop("title", "Reading"),
        occurred_on=occurred_on,
        hours=Decimal(hours),
        **fields,
    )


# --- Training ---------------------------------------------------------------------------------


def test_mentor_records_training_with_a_pdf_certificate(client, mentor):
    client.force_login(mentor)
    response = client.post(reverse("practice:training_create"), training_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("practice:training_list")
    record = TrainingRecord.objects.get()
    assert record.mentor == mentor
    assert record.hours == Decimal("24")
    assert record.instructor_email == "ingrid@example.org"
    assert record.evidence_type == "pdf"
    # a centre typed in counts as Non-Accredited, whatever the form was sent
    assert record.centre_type == "non_accredited" and record.centre is None
    assert "certificate" not in record.evidence.name  # the uploaded name is not kept
    with record.evidence.open("rb") as handle:
        assert handle.read() == PDF


@pytest.mark.parametrize(("format_", "expected"), [("PNG", "png"), ("JPEG", "jpeg")])
def test_images_are_accepted_as_evidence(client, mentor, format_, expected):
    client.force_login(mentor)
    upload = SimpleUploadedFile("scan.pdf", image_bytes(format_), content_type="application/pdf")
    response = client.post(reverse("practice:training_create"), training_data(evidence=upload))
    assert response.status_code == 302
    assert TrainingRecord.objects.get().evidence_type == expected


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (pdf_upload(content=b"Just some text, renamed.\n"), "not a PDF, PNG or JPEG"),
        (pdf_upload(content=b"%PDF-1.4\ntruncated"), "incomplete or damaged"),
        (
            SimpleUploadedFile("scan.jpg", image_bytes("GIF"), content_type="image/jpeg"),
            "not a PDF, PNG or JPEG",
        ),
        (
            pdf_upload(content=b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024) + b"\n%%EOF\n"),
            "the limit is 10.0\xa0MB",
        ),
        (pdf_upload(content=b""), "empty"),
        (None, "Attach the certificate or letter, or choose the programme from the registry"),
    ],
    ids=["text-renamed-pdf", "truncated-pdf", "gif", "eleven-mb", "empty", "missing"],
)
def test_bad_evidence_is_refused_and_nothing_saved(client, mentor, tmp_path, upload, message):
    client.force_login(mentor)
    response = client.post(reverse("practice:training_create"), training_data(evidence=upload))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["evidence"]
    assert message in str(errors["evidence"])
    assert not TrainingRecord.objects.exists()
    assert stored_files(tmp_path) == []


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"ended_on": "2023-02-01"}, "ended_on", "cannot be before the start date"),
        ({"started_on": "2023-02-29"}, "started_on", "valid date"),
        ({"started_on": "yesterday"}, "started_on", "valid date"),
        ({"hours": "-24"}, "hours", "more than zero"),
        ({"hours": "99999"}, "hours", "digits"),
        ({"hours": "2500"}, "hours", "at most 2,000"),
        ({"programme": "999999"}, "programme", "Select a valid choice"),
        ({"centre_name": ""}, "centre_name", "This field is required"),
        ({"mode": ""}, "mode", "This field is required"),
        ({"instructor_email": "ingrid"}, "instructor_email", "valid email"),
    ],
)
def test_bad_training_input_is_refused_on_its_field(
    client, mentor, tmp_path, overrides, field, message
):
    client.force_login(mentor)
    response = client.post(reverse("practice:training_create"), training_data(**overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in str(errors[field])
    assert not TrainingRecord.objects.exists()
    assert stored_files(tmp_path) == []


def test_the_training_list_shows_hours_by_centre_type(client, mentor, other_mentor):
    make_training(mentor, hours=Decimal("30"), centre_type="accredited")
    make_training(mentor, hours=Decimal("12.5"), centre_type="non_accredited")
    make_training(other_mentor, hours=Decimal("100"), programme_name="Not mine")
    client.force_login(mentor)
    response = client.get(reverse("practice:training_list"))
    assert response.context["total_hours"] == Decimal("42.5")
    assert dict(response.context["hours_by_type"]) == {
        "Accredited": Decimal("30"),
        "Endorsed": None,
        "Non-Accredited": Decimal("12.5"),
    }
    assert len(response.context["records"]) == 2
    assert "Not mine" not in response.content.decode()


def test_evidence_is_served_to_its_owner_as_a_download(client, mentor):
    record = make_training(mentor)
    client.force_login(mentor)
    response = client.get(reverse("practice:training_evidence", args=[record.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_image_evidence_has_its_own_content_type(client, mentor):
    record = make_training(mentor, evidence=image_bytes("PNG"), evidence_type="png")
    client.force_login(mentor)
    response = client.get(reverse("practice:training_evidence", args=[record.pk]))
    assert response["Content-Type"] == "image/png"
    assert 'filename="training-evidence-' in response["Content-Disposition"]


def test_evidence_is_not_served_to_anybody_else(client, mentor, other_mentor, supervisor, staff):
    record = make_training(mentor)
    url = reverse("practice:training_evidence", args=[record.pk])
    assert client.get(url).status_code == 302  # anonymous: sign in
    client.force_login(other_mentor)
    assert client.get(url).status_code == 404
    client.force_login(supervisor)
    assert client.get(url).status_code == 404
    client.force_login(staff)
    assert client.get(url).status_code == 403  # staff access to evidence comes later


def test_a_missing_evidence_file_is_not_found(client, mentor):
    record = make_training(mentor)
    record.evidence.storage.delete(record.evidence.name)
    client.force_login(mentor)
    assert client.get(reverse("practice:training_evidence", args=[record.pk])).status_code == 404


def test_staff_cannot_open_the_training_pages(client, staff):
    client.force_login(staff)
    assert client.get(reverse("practice:training_list")).status_code == 403
    assert client.get(reverse("practice:training_create")).status_code == 403
    assert client.post(reverse("practice:training_create"), training_data()).status_code == 403
    assert not TrainingRecord.objects.exists()


def test_the_training_list_query_count_does_not_grow_with_rows(
    client, mentor, django_assert_max_num_queries
):
    for _ in range(3):
        make_training(mentor, evidence=None)
    client.force_login(mentor)
    url = reverse("practice:training_list")
    client.get(url)
    with CaptureQueriesContext(connection) as baseline:
        client.get(url)
    for _ in range(57):
        make_training(mentor, evidence=None)
    with django_assert_max_num_queries(len(baseline)):
        response = client.get(url)
    assert len(response.context["records"]) == 25


# --- CPD/CEU ledger ---------------------------------------------------------------------------


def test_mentor_adds_a_cpd_entry_without_evidence(client, mentor):
    client.force_login(mentor)
    response = client.post(reverse("practice:cpd_create"), cpd_data())
    assert response.status_code == 302
    entry = CpdEntry.objects.get()
    assert entry.mentor == mentor
    assert entry.category == "thematic_lab"
    assert entry.hours == Decimal("1.5")
    assert not entry.evidence and entry.evidence_type == ""
    assert entry.source == ""


def test_mentor_adds_a_cpd_entry_with_evidence(client, mentor):
    client.force_login(mentor)
    upload = SimpleUploadedFile("lab.jpg", image_bytes("JPEG"), content_type="image/jpeg")
    response = client.post(reverse("practice:cpd_create"), {**cpd_data(), "evidence": upload})
    assert response.status_code == 302
    entry = CpdEntry.objects.get()
    assert entry.evidence_type == "jpeg"
    served = client.get(reverse("practice:cpd_evidence", args=[entry.pk]))
    assert served["Content-Type"] == "image/jpeg"
    assert served["Content-Disposition"].startswith("attachment;")
    assert served["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"hours": "-1"}, "hours", "more than zero"),
        ({"hours": ""}, "hours", "This field is required"),
        ({"hours": "3000"}, "hours", "at most 2,000"),
        ({"occurred_on": "2999-01-01"}, "occurred_on", "in the future"),
        ({"occurred_on": "01/02/2024x"}, "occurred_on", "valid date"),
        ({"category": "holiday"}, "category", "Select a valid choice"),
        ({"title": ""}, "title", "This field is required"),
        ({"evidence": pdf_upload(content=b"not a pdf")}, "evidence", "not a PDF, PNG or JPEG"),
    ],
)
def test_bad_cpd_input_is_refused_on_its_field(client, mentor, tmp_path, overrides, field, message):
    client.force_login(mentor)
    response = client.post(reverse("practice:cpd_create"), cpd_data(**overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in str(errors[field])
    assert not CpdEntry.objects.exists()
    assert stored_files(tmp_path) == []


def test_an_eleven_megabyte_cpd_evidence_is_refused(client, mentor, tmp_path):
    big = SimpleUploadedFile(
        "lab.png", b"\x89PNG\r\n\x1a\n" + b"0" * (11 * 1024 * 1024), content_type="image/png"
    )
    client.force_login(mentor)
    response = client.post(reverse("practice:cpd_create"), {**cpd_data(), "evidence": big})
    assert "the limit is" in str(response.context["form"].errors["evidence"])
    assert not CpdEntry.objects.exists()
    assert stored_files(tmp_path) == []


def test_cpd_totals_by_year_and_category(client, mentor, other_mentor):
    make_cpd(mentor, occurred_on=datetime.date(2023, 2, 1), category="training", hours="6")
    make_cpd(mentor, occurred_on=datetime.date(2023, 9, 1), category="training", hours="1.5")
    make_cpd(mentor, occurred_on=datetime.date(2023, 12, 31), category="supervision", hours="2")
    make_cpd(mentor, occurred_on=datetime.date(2024, 1, 1), category="thematic_lab", hours="3")
    make_cpd(mentor, occurred_on=datetime.date(2024, 6, 1), category="other", hours="0.5")
    make_cpd(other_mentor, occurred_on=datetime.date(2024, 6, 1), category="other", hours="99")
    client.force_login(mentor)
    response = client.get(reverse("practice:cpd_list"))
    totals = response.context["totals"]
    # columns follow CpdEntry.Category: training, thematic lab, supervision, self-study, other
    assert list(response.context["categories"]) == [
        "Training",
        "Thematic lab",
        "Supervision",
        "Self-study",
        "Other learning",
    ]
    assert totals["years"] == [
        {
            "year": 2024,
            "hours": [None, Decimal("3"), None, None, Decimal("0.5")],
            "total": Decimal("3.5"),
        },
        {
            "year": 2023,
            "hours": [Decimal("7.5"), None, Decimal("2"), None, None],
            "total": Decimal("9.5"),
        },
    ]
    assert totals["overall"] == {
        "hours": [Decimal("7.5"), Decimal("3"), Decimal("2"), None, Decimal("0.5")],
        "total": Decimal("13"),
    }
    content = response.content.decode()
    assert '<th scope="row">2023</th>' in content
    assert ">99<" not in content  # the other mentor's 99 hours, as a table cell


def test_the_cpd_list_paginates_and_its_query_count_does_not_grow(
    client, mentor, django_assert_max_num_queries
):
    day = datetime.date(2020, 1, 1)
    for n in range(3):
        make_cpd(mentor, occurred_on=day + datetime.timedelta(days=n))
    client.force_login(mentor)
    url = reverse("practice:cpd_list")
    client.get(url)
    with CaptureQueriesContext(connection) as baseline:
        client.get(url)
    for n in range(3, 60):
        make_cpd(mentor, occurred_on=day + datetime.timedelta(days=20 * n), title=f"Entry {n}")
    with django_assert_max_num_queries(len(baseline)):
        response = client.get(url)
    entries = response.context["entries"]
    assert len(entries) == 25 and entries.paginator.count == 60
    assert len(response.context["totals"]["years"]) > 1
    third = client.get(url, {"page": "3"})
    assert len(third.context["entries"]) == 10
    assert 'aria-label="Ledger pages"' in third.content.decode()


def test_cpd_evidence_is_served_to_its_owner_only(client, mentor, other_mentor, staff):
    entry = make_cpd(mentor, occurred_on=datetime.date(2024, 1, 1))
    entry.evidence.save("upload", ContentFile(PDF), save=False)
    entry.evidence_type = "pdf"
    entry.save()
    bare = make_cpd(mentor, occurred_on=datetime.date(2024, 1, 2))
    url = reverse("practice:cpd_evidence", args=[entry.pk])
    client.force_login(other_mentor)
    assert client.get(url).status_code == 404
    client.force_login(staff)
    assert client.get(url).status_code == 403
    client.force_login(mentor)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert client.get(reverse("practice:cpd_evidence", args=[bare.pk])).status_code == 404


def test_staff_cannot_open_the_ledger(client, staff):
    client.force_login(staff)
    assert client.get(reverse("practice:cpd_list")).status_code == 403
    assert client.get(reverse("practice:cpd_create")).status_code == 403


def test_a_future_dated_entry_is_refused_but_today_is_fine(client, mentor):
    client.force_login(mentor)
    today = timezone.localdate().isoformat()
    assert client.post(reverse("practice:cpd_create"), cpd_data(occurred_on=today)).status_code == (
        302
    )


def test_pagination_links_keep_the_other_query_parameters(client, mentor):
    from django.template import RequestContext, Template
    from django.test import RequestFactory

    request = RequestFactory().get("/list/", {"type": "CMM", "page": "2"})
    page = type(
        "P",
        (),
        {
            "has_other_pages": True,
            "has_previous": True,
            "has_next": True,
            "previous_page_number": 1,
            "next_page_number": 3,
            "number": 2,
            "paginator": type("Pg", (), {"num_pages": 3}),
        },
    )()
    html = Template('{% include "_pagination.html" %}').render(
        RequestContext(request, {"page": page})
    )
    assert "?type=CMM&amp;page=1" in html and "?type=CMM&amp;page=3" in html
