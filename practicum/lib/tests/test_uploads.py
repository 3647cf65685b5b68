"""Uploads that are only what they claim, stored under a name from their detected type, and
served with their exact type, nosniff, attachment (images inline only where shown) and a
sandboxing CSP."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfWriter

from practicum.lib.tests.samples import MINIMAL_PDF, image_bytes
from practicum.lib.uploads import validate_evidence, validate_image
from practicum.practice.models import TrainingRecord

MB = 1024 * 1024
SCRIPT = b"<html><script>alert(document.cookie)</script></html>"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def hostile_png() -> bytes:
    """A valid PNG carrying HTML/script in a text chunk and again after its end."""
    png = image_bytes("PNG")
    end = png.rindex(b"IEND") - 4
    return png[:end] + _chunk(b"tEXt", b"Comment\x00" + SCRIPT) + png[end:] + SCRIPT


def _upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_a_png_carrying_script_is_stored_as_a_plain_png():
    upload = _upload("x.png", hostile_png(), "image/png")
    assert validate_evidence(upload, max_bytes=MB) == "png"
    stored = upload.read()
    assert b"script" not in stored.lower() and b"tEXt" not in stored
    assert stored.startswith(b"\x89PNG") and stored.endswith(b"IEND\xaeB`\x82")
    assert upload.name == "upload.png" and upload.content_type == "image/png"
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (8, 8)


def test_a_photos_metadata_is_stripped():
    exif = Image.Exif()
    exif[0x010E] = "secret description"  # ImageDescription
    upload = _upload("me.jpg", image_bytes("JPEG", exif=exif.tobytes()), "image/jpeg")
    assert validate_image(upload, max_bytes=MB) == "JPEG"
    stored = upload.read()
    assert b"secret description" not in stored and b"Exif" not in stored
    assert upload.name == "upload.jpg"


def test_a_real_pdf_named_php_is_accepted_as_a_pdf_named_pdf():
    upload = _upload("x.pdf.php", MINIMAL_PDF, "application/x-php")
    assert validate_evidence(upload, max_bytes=MB) == "pdf"
    assert upload.name == "upload.pdf" and upload.content_type == "application/pdf"
    assert upload.read() == MINIMAL_PDF


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.4\n<script>alert(1)</script>\n%%EOF\n", "incomplete or damaged"),
        (b"%PDF-1.4\n%%EOF\n", "incomplete or damaged"),
        (image_bytes("PNG")[:-12] + b"%PDF-1.4\n" + MINIMAL_PDF, "not a PDF, PNG or JPEG"),
        (image_bytes("GIF"), "not a PDF, PNG or JPEG"),
        (SCRIPT, "not a PDF, PNG or JPEG"),
    ],
)
def test_anything_not_exactly_one_allowed_type_is_refused(data, message):
    with pytest.raises(ValidationError) as caught:
        validate_evidence(_upload("x.pdf", data), max_bytes=MB)
    assert message in caught.value.messages[0]


def test_a_png_that_is_also_a_pdf_is_refused():
    polyglot = image_bytes("PNG") + b"%PDF-1.4"  # PDF readers look in the first KiB
    polyglot = polyglot[:8] + _chunk(b"tEXt", b"c\x00%PDF-1.4 obj") + polyglot[8:]
    with pytest.raises(ValidationError) as caught:
        validate_evidence(_upload("x.png", polyglot), max_bytes=MB)
    assert "both an image and a PDF" in caught.value.messages[0]


def test_an_encrypted_pdf_is_refused_with_a_reason():
    writer = PdfWriter()
    writer.add_blank_page(width=72, height=72)
    writer.encrypt("pw")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(ValidationError) as caught:
        validate_evidence(_upload("x.pdf", out.getvalue()), max_bytes=MB)
    assert "password-protected" in caught.value.messages[0]


# --- through the views -------------------------------------------------------------------


def _training_data(upload) -> dict:
    from practicum.practice.tests.test_training_cpd import training_data

    return training_data(evidence=upload)


@pytest.mark.django_db
def test_training_evidence_is_stored_clean_and_served_inert(client, mentor):
    client.force_login(mentor)
    upload = _upload("cert.png.html", hostile_png(), "text/html")
    response = client.post(reverse("practice:training_create"), _training_data(upload))
    assert response.status_code == 302, response.context["form"].errors
    record = TrainingRecord.objects.get()
    assert record.evidence_type == "png" and record.evidence.name.endswith(".png")
    assert "html" not in record.evidence.name
    served = client.get(reverse("practice:training_evidence", args=[record.pk]))
    body = b"".join(served.streaming_content)
    assert b"script" not in body.lower()
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in served["Content-Security-Policy"]
    assert "default-src 'none'" in served["Content-Security-Policy"]


@pytest.mark.django_db
def test_a_pdf_named_php_is_stored_as_pdf(client, mentor):
    client.force_login(mentor)
    upload = _upload("x.pdf.php", MINIMAL_PDF, "application/x-php")
    response = client.post(reverse("practice:training_create"), _training_data(upload))
    assert response.status_code == 302
    record = TrainingRecord.objects.get()
    assert record.evidence.name.endswith(".pdf") and "php" not in record.evidence.name
    served = client.get(reverse("practice:training_evidence", args=[record.pk]))
    assert served["Content-Type"] == "application/pdf"
    assert served["Content-Disposition"].startswith("attachment;")


@pytest.mark.django_db
def test_a_profile_photo_is_stored_clean_and_shown_inline_inert(client, mentor):
    client.force_login(mentor)
    data = {
        "full_name": "Maya Mentor",
        "country": "",
        "time_zone": "UTC",
        "preferred_language": "en",
        "bio": "",
        "photo": _upload("me.png", hostile_png(), "image/png"),
    }
    response = client.post(reverse("accounts:profile"), data)
    assert response.status_code == 302, response.context["form"].errors
    mentor.refresh_from_db()
    assert mentor.photo.name.endswith(".png")
    with mentor.photo.open("rb") as handle:
        assert b"script" not in handle.read().lower()
    served = client.get(reverse("accounts:profile_photo", args=[mentor.public_id]))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Disposition"].startswith("inline;")
    assert "sandbox" in served["Content-Security-Policy"]
