"""Evidence in a real S3 server (moto's, from the `s3_storage` fixture), configured as
production is by STORAGE_URL: stored privately, served only through the view that checks
access, removed by erasure."""

import urllib.error
import urllib.request

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from practicum.lib.tests.samples import MINIMAL_PDF
from practicum.practice.models import TrainingRecord
from practicum.practice.tests.test_training_cpd import pdf_upload, training_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def bucket(s3_storage, s3_endpoint):
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    return s3_storage, client


def keys(client, bucket_name) -> set[str]:
    listing = client.list_objects_v2(Bucket=bucket_name)
    return {item["Key"] for item in listing.get("Contents", [])}


def anonymous_get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (a test server)
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_uploaded_evidence_is_a_private_object_served_only_to_its_owner(
    client, mentor, other_mentor, bucket, s3_endpoint
):
    bucket_name, s3 = bucket
    client.force_login(mentor)
    response = client.post(reverse("practice:training_create"), training_data())
    assert response.status_code == 302
    record = TrainingRecord.objects.get()
    key = f"media/{record.evidence.name}"
    assert keys(s3, bucket_name) == {key}
    assert s3.get_object(Bucket=bucket_name, Key=key)["Body"].read() == MINIMAL_PDF

    # private: nobody is granted anything but the owner, and the plain URL is refused
    grants = s3.get_object_acl(Bucket=bucket_name, Key=key)["Grants"]
    assert all(g["Grantee"].get("Type") == "CanonicalUser" for g in grants), grants
    assert anonymous_get(f"{s3_endpoint}/{bucket_name}/{key}") == 403

    # through the view: streamed to the owner, with the download headers
    url = reverse("practice:training_evidence", args=[record.pk])
    served = client.get(url)
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == MINIMAL_PDF
    assert served["Content-Type"] == "application/pdf"
    assert served["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in served["Content-Security-Policy"]
    client.force_login(other_mentor)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_a_missing_object_is_not_found(client, mentor, bucket):
    client.force_login(mentor)
    client.post(reverse("practice:training_create"), training_data(evidence=pdf_upload()))
    record = TrainingRecord.objects.get()
    default_storage.delete(record.evidence.name)
    url = reverse("practice:training_evidence", args=[record.pk])
    assert client.get(url).status_code == 404


def test_erasure_removes_the_objects(client, mentor, bucket, django_capture_on_commit_callbacks):
    bucket_name, s3 = bucket
    client.force_login(mentor)
    client.post(reverse("practice:training_create"), training_data())
    mentor.photo.save("me.png", ContentFile(b"a photo"), save=True)
    assert len(keys(s3, bucket_name)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("practice:erase_account"), {"email": mentor.email})
    assert response.status_code == 302
    assert keys(s3, bucket_name) == set()


def test_deleting_a_record_removes_its_object(
    client, mentor, bucket, django_capture_on_commit_callbacks
):
    bucket_name, s3 = bucket
    client.force_login(mentor)
    client.post(reverse("practice:training_create"), training_data())
    record = TrainingRecord.objects.get()
    assert keys(s3, bucket_name)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("practice:record_delete", args=["training", record.pk]))
    assert keys(s3, bucket_name) == set()


def test_a_photo_is_read_from_the_bucket_and_shown_inline(client, mentor, other_mentor, bucket):
    from practicum.practice.tests.test_training_cpd import image_bytes

    png = image_bytes("PNG")
    mentor.photo.save("photo.png", ContentFile(png), save=True)
    url = reverse("accounts:profile_photo", args=[mentor.public_id])
    client.force_login(mentor)
    served = client.get(url)  # its kind read from the object's first bytes, then streamed
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == png
    mentor.profile_public = False
    mentor.save(update_fields=["profile_public"])
    client.force_login(other_mentor)
    assert client.get(url).status_code == 404
