import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from practicum.institutions import services
from practicum.institutions.models import Graduate, GraduateImport
from practicum.institutions.tests.conftest import make_cohort, make_programme
from practicum.practice.models import TrainingRecord

pytestmark = pytest.mark.django_db


def csv_file(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("graduates.csv", text.encode(), content_type="text/csv")


# --- Scoped access -------------------------------------------------------------------------------


def test_an_administrator_never_sees_another_centres_objects(client, centre_admin, other_centre):
    programme = make_programme(other_centre)
    cohort = make_cohort(programme)
    graduate = services.graduate_record(cohort=cohort, by=None, name="G", email="g@x.org")
    client.force_login(centre_admin)
    for name, pk in [
        ("institutions:centre", other_centre.pk),
        ("institutions:centre_edit", other_centre.pk),
        ("institutions:programme", programme.pk),
        ("institutions:programme_create", other_centre.pk),
        ("institutions:cohort", cohort.pk),
        ("institutions:import_upload", cohort.pk),
    ]:
        assert client.get(reverse(name, args=[pk])).status_code == 404, name
    assert (
        client.post(
            reverse("institutions:claim_decide", args=[graduate.pk]), {"confirm": "1"}
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("institutions:member_invite", args=[other_centre.pk]),
            {"email": "a@b.org", "role": "admin"},
        ).status_code
        == 404
    )


def test_the_centre_sees_its_graduates_not_the_mentors_other_records(
    client, centre_admin, cohort, mentor
):
    TrainingRecord.objects.create(
        mentor=mentor,
        centre_name="Elsewhere",
        centre_type="non_accredited",
        programme_name="Secret Course",
        hours=Decimal("5"),
        mode="online",
        started_on=datetime.date(2023, 1, 1),
        ended_on=datetime.date(2023, 1, 2),
        instructor_name="X",
        instructor_email="x@x.org",
    )
    services.graduate_record(cohort=cohort, by=centre_admin, name="Maya Mentor", email=mentor.email)
    client.force_login(centre_admin)
    page = client.get(reverse("institutions:cohort", args=[cohort.pk])).content.decode()
    assert "Maya Mentor" in page
    assert "Secret Course" not in page
    centre_page = client.get(
        reverse("institutions:centre", args=[cohort.programme.centre_id])
    ).content.decode()
    assert "Secret Course" not in centre_page


def test_an_administrator_who_left_loses_access(client, centre, centre_admin, other_admin):
    _m, token = services.member_invite(
        centre=centre, email=other_admin.email, role="admin", by=None
    )
    services.member_join(token=token, user=other_admin)
    services.member_leave(member=centre.members.get(user=centre_admin), by=centre_admin)
    client.force_login(centre_admin)
    assert client.get(reverse("institutions:centre", args=[centre.pk])).status_code == 404


# --- Recording graduates -------------------------------------------------------------------------


def test_recording_a_graduate_refuses_bad_input_and_saves_nothing(client, centre_admin, cohort):
    client.force_login(centre_admin)
    url = reverse("institutions:cohort", args=[cohort.pk])
    response = client.post(url, {"name": "A", "email": "not-an-email"})
    assert response.status_code == 200 and "email" in response.context["form"].errors
    response = client.post(url, {"name": "A", "email": "a@x.org", "hours": "500"})
    assert response.status_code == 200 and response.context["form"].errors
    assert not Graduate.objects.exists()
    response = client.post(url, {"name": "A", "email": "a@x.org"})
    assert response.status_code == 302
    assert Graduate.objects.get().hours == cohort.programme.hours


def test_a_csv_import_previews_then_saves_all(client, centre_admin, cohort, mentor):
    client.force_login(centre_admin)
    text = (
        "name,email,hours,completed_on\n"
        "Maya Mentor,maya@example.org,50,\nAl Other,al@x.org,,2024-06-30\n"
    )
    response = client.post(
        reverse("institutions:import_upload", args=[cohort.pk]), {"file": csv_file(text)}
    )
    batch = GraduateImport.objects.get()
    assert response.status_code == 302 and batch.status == "ready"
    assert not Graduate.objects.exists()
    preview = client.get(reverse("institutions:import_preview", args=[batch.pk]))
    assert "al@x.org" in preview.content.decode()
    client.post(reverse("institutions:import_commit", args=[batch.pk]))
    assert Graduate.objects.count() == 2
    assert Graduate.objects.get(user=mentor).hours == Decimal("50")
    batch.refresh_from_db()
    assert batch.status == "committed" and batch.payload == ""
    client.post(reverse("institutions:import_commit", args=[batch.pk]))
    assert Graduate.objects.count() == 2


def test_a_csv_with_one_bad_row_saves_nothing(client, centre_admin, cohort):
    client.force_login(centre_admin)
    text = "name,email,hours\nGood One,good@x.org,10\n,missing@x.org,abc\nGood One,GOOD@x.org,\n"
    client.post(reverse("institutions:import_upload", args=[cohort.pk]), {"file": csv_file(text)})
    batch = GraduateImport.objects.get()
    assert batch.status == "invalid"
    assert {e["row"] for e in batch.errors} == {3, 4}
    client.post(reverse("institutions:import_commit", args=[batch.pk]))
    assert not Graduate.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"PK\x03\x04xxxx", "workbook"),
        (b"who,what\nA,B\n", "header"),
        (b"name,email\n", "no rows"),
    ],
)
def test_a_file_refused_as_a_whole_says_why(client, centre_admin, cohort, content, message):
    client.force_login(centre_admin)
    response = client.post(
        reverse("institutions:import_upload", args=[cohort.pk]),
        {"file": SimpleUploadedFile("g.csv", content, content_type="text/csv")},
    )
    assert response.status_code == 200
    assert message in str(response.context["form"].errors)
    assert not GraduateImport.objects.exists()


# --- The mentor's side ---------------------------------------------------------------------------


def test_a_mentor_records_training_from_the_registry_without_evidence(
    client, mentor, cohort, staff
):
    centre = cohort.programme.centre
    services.recognition_grant(
        centre=centre,
        kind="endorsed",
        valid_from=datetime.date(2024, 1, 1),
        valid_until=datetime.date(2030, 1, 1),
        by=staff,
    )
    services.graduate_record(cohort=cohort, by=None, name="Maya", email=mentor.email)
    client.force_login(mentor)
    response = client.post(
        reverse("practice:training_create"),
        {
            "programme": cohort.programme.pk,
            "hours": "60",
            "mode": "blended",
            "started_on": "2024-01-10",
            "ended_on": "2024-06-30",
            "instructor_name": "Ines Instructor",
            "instructor_email": "ines@centre.example.org",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    record = TrainingRecord.objects.get()
    assert record.centre == centre and record.centre_type == "endorsed"
    assert record.centre_name == centre.name and record.programme_name == cohort.programme.name
    page = client.get(reverse("practice:training_list")).content.decode()
    assert "Verified by the centre" in page


def test_free_text_training_counts_as_non_accredited_and_needs_evidence(client, mentor):
    client.force_login(mentor)
    data = {
        "centre_name": "Somewhere",
        "programme_name": "A course",
        "hours": "10",
        "mode": "online",
        "started_on": "2023-01-01",
        "ended_on": "2023-02-01",
        "instructor_name": "I",
        "instructor_email": "i@x.org",
    }
    response = client.post(reverse("practice:training_create"), data)
    assert "evidence" in response.context["form"].errors
    assert not TrainingRecord.objects.exists()


def test_a_mentor_asks_the_centre_and_the_administrator_confirms(
    client, mentor, centre_admin, cohort
):
    programme = cohort.programme
    TrainingRecord.objects.create(
        mentor=mentor,
        centre=programme.centre,
        programme=programme,
        centre_name="c",
        centre_type="non_accredited",
        programme_name="p",
        hours=Decimal("60"),
        mode="online",
        started_on=datetime.date(2024, 1, 10),
        ended_on=datetime.date(2024, 6, 30),
        instructor_name="I",
        instructor_email="i@x.org",
    )
    client.force_login(mentor)
    page = client.get(reverse("practice:training_list")).content.decode()
    assert "Ask the centre to confirm" in page
    client.post(
        reverse("institutions:claim_request"),
        {"programme": programme.pk, "completed_on": "2024-06-30", "hours": "60"},
    )
    claim = Graduate.objects.get(status="requested")
    assert (
        "Waiting for the centre" in client.get(reverse("practice:training_list")).content.decode()
    )
    client.force_login(centre_admin)
    page = client.get(reverse("institutions:centre", args=[programme.centre_id])).content.decode()
    assert "maya@example.org" in page
    client.post(
        reverse("institutions:claim_decide", args=[claim.pk]), {"confirm": "1", "cohort": cohort.pk}
    )
    claim.refresh_from_db()
    assert claim.status == "confirmed" and claim.cohort == cohort
    client.force_login(mentor)
    assert (
        "Verified by the centre" in client.get(reverse("practice:training_list")).content.decode()
    )


# --- Public --------------------------------------------------------------------------------------


def test_the_directory_lists_recognised_centres_and_searches(
    client, centre, other_centre, staff, django_assert_max_num_queries
):
    make_programme(centre, mode="online")
    services.recognition_grant(
        centre=centre,
        kind="accredited",
        valid_from=datetime.date(2024, 1, 1),
        valid_until=datetime.date(2030, 1, 1),
        by=staff,
    )
    with django_assert_max_num_queries(8):
        page = client.get(reverse("institutions:directory")).content.decode()
    assert centre.name in page and other_centre.name not in page
    assert (
        centre.name
        not in client.get(reverse("institutions:directory"), {"mode": "in_person"}).content.decode()
    )
    assert (
        centre.name
        in client.get(
            reverse("institutions:directory"), {"country": "spa", "mode": "online"}
        ).content.decode()
    )
    detail = client.get(reverse("institutions:centre_public", args=[centre.code])).content.decode()
    assert "Mentoring Foundations" in detail
    assert (
        client.get(reverse("institutions:centre_public", args=[other_centre.code])).status_code
        == 404
    )
    check = client.get(reverse("institutions:status_check"), {"q": "institute"}).content.decode()
    assert centre.name in check


def test_staff_register_recognise_and_suspend_a_centre(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("institutions:staff_centres"), {"name": "New Centre", "country": "Peru"}
    )
    assert response.status_code == 302
    from practicum.institutions.models import TrainingCentre

    centre = TrainingCentre.objects.get(name="New Centre")
    url = reverse("institutions:staff_centre", args=[centre.pk])
    client.post(
        url, {"r-kind": "accredited", "r-valid_from": "2025-01-01", "r-valid_until": "2024-01-01"}
    )
    centre.refresh_from_db()
    assert centre.status == "registered"
    client.post(
        url, {"r-kind": "accredited", "r-valid_from": "2025-01-01", "r-valid_until": "2035-01-01"}
    )
    centre.refresh_from_db()
    assert centre.status == "recognised"
    client.post(url, {"s-action": "suspend", "s-reason": ""})
    centre.refresh_from_db()
    assert centre.status == "recognised"
    client.post(url, {"s-action": "suspend", "s-reason": "Under review"})
    centre.refresh_from_db()
    assert centre.status == "suspended"
    assert "Centre suspended" in client.get(url).content.decode()
