import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

pytestmark = pytest.mark.django_db


def png_bytes(size=(8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, format="PNG")
    return buffer.getvalue()


def profile_data(**overrides):
    data = {
        "full_name": "Maya  Mentor",
        "country": "GB",
        "time_zone": "Europe/London",
        "preferred_language": "en",
        "bio": "Mentor of new managers.",
    }
    data.update(overrides)
    return data


def test_mentor_edits_their_profile(client, mentor):
    client.force_login(mentor)
    response = client.post(reverse("accounts:profile"), profile_data(time_zone="Asia/Tokyo"))
    assert response.status_code == 302
    mentor.refresh_from_db()
    assert mentor.full_name == "Maya Mentor"
    assert mentor.time_zone == "Asia/Tokyo"
    assert mentor.country.code == "GB"
    assert mentor.profile_public is False


def test_an_unknown_time_zone_is_refused_and_nothing_saved(client, mentor):
    client.force_login(mentor)
    response = client.post(
        reverse("accounts:profile"), profile_data(time_zone="Mars/Olympus", bio="changed")
    )
    assert response.status_code == 200
    assert "time_zone" in response.context["form"].errors
    mentor.refresh_from_db()
    assert mentor.bio == ""


def test_membership_cannot_be_set_by_the_member(client, mentor):
    client.force_login(mentor)
    client.post(
        reverse("accounts:profile"),
        profile_data(membership_status="member", membership_number="X1"),
    )
    mentor.refresh_from_db()
    assert mentor.membership_status == "non_member"
    assert mentor.membership_number == ""


def test_a_png_photo_is_accepted(client, mentor):
    client.force_login(mentor)
    photo = SimpleUploadedFile("me.png", png_bytes(), content_type="image/png")
    response = client.post(reverse("accounts:profile"), {**profile_data(), "photo": photo})
    assert response.status_code == 302
    mentor.refresh_from_db()
    assert mentor.photo
    assert "me.png" not in mentor.photo.name  # the uploaded name is not kept


def test_a_file_that_is_not_an_image_is_refused_whatever_its_name(client, mentor):
    client.force_login(mentor)
    fake = SimpleUploadedFile("me.png", b"%PDF-1.4 not an image", content_type="image/png")
    response = client.post(reverse("accounts:profile"), {**profile_data(bio="x"), "photo": fake})
    assert response.status_code == 200
    assert "not a readable PNG or JPEG" in str(response.context["form"].errors["photo"])
    mentor.refresh_from_db()
    assert not mentor.photo and mentor.bio == ""


def test_a_photo_over_the_limit_is_refused(client, mentor, settings):
    settings.PROFILE_PHOTO_MAX_BYTES = 100
    client.force_login(mentor)
    photo = SimpleUploadedFile("me.png", png_bytes((64, 64)), content_type="image/png")
    response = client.post(reverse("accounts:profile"), {**profile_data(), "photo": photo})
    assert "the limit is" in str(response.context["form"].errors["photo"])


def test_a_gif_is_refused_by_content(client, mentor):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="GIF")
    client.force_login(mentor)
    photo = SimpleUploadedFile("me.jpg", buffer.getvalue(), content_type="image/jpeg")
    response = client.post(reverse("accounts:profile"), {**profile_data(), "photo": photo})
    assert "Only JPEG, PNG images are accepted." in str(response.context["form"].errors["photo"])


def test_public_profile_is_hidden_until_switched_on(client, mentor, other_mentor):
    url = reverse("accounts:public_profile", args=[mentor.public_id])
    assert client.get(url).status_code == 404
    client.force_login(other_mentor)
    assert client.get(url).status_code == 404  # another user's private profile: 404
    client.force_login(mentor)
    assert client.get(url).status_code == 200  # the owner may preview it
    mentor.profile_public = True
    mentor.save()
    client.logout()
    assert "Maya Mentor" in client.get(url).content.decode()


def test_photo_is_served_only_with_a_public_profile(client, mentor):
    client.force_login(mentor)
    photo = SimpleUploadedFile("me.png", png_bytes(), content_type="image/png")
    client.post(reverse("accounts:profile"), {**profile_data(), "photo": photo})
    client.logout()
    url = reverse("accounts:profile_photo", args=[mentor.public_id])
    assert client.get(url).status_code == 404
    mentor.refresh_from_db()
    mentor.profile_public = True
    mentor.save()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"


def test_profile_urls_use_a_random_code_not_the_id(mentor):
    assert str(mentor.pk) != mentor.public_id
    assert len(mentor.public_id) >= 12
