import re

import pytest
from django.core import mail
from django.urls import reverse

from practicum.accounts.models import Role, User

pytestmark = pytest.mark.django_db


def sign_up(client, email="new@example.org", password="a-long-test-password", name="Nadia Newton"):
    return client.post(
        reverse("account_signup"),
        {"full_name": name, "email": email, "password1": password, "password2": password},
    )


def test_sign_up_queues_the_verification_email_for_the_worker(client, frameworks, run_tasks):
    response = sign_up(client)
    assert response.status_code == 302
    assert mail.outbox == []  # nothing is sent inside the request
    run_tasks()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new@example.org"]
    assert re.search(r"/accounts/confirm-email/[-:\w]+/", message.body)


def test_a_new_member_is_a_mentor(client, frameworks):
    sign_up(client)
    user = User.objects.get(email="new@example.org")
    assert user.roles == {Role.MENTOR}


def test_unverified_email_cannot_sign_in(client, frameworks, run_tasks):
    sign_up(client)
    client.logout()
    response = client.post(
        reverse("account_login"),
        {"login": "new@example.org", "password": "a-long-test-password"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_sign_up_asks_for_a_name_and_the_dashboard_greets_by_it(client, frameworks, run_tasks):
    response = sign_up(client, name="  ")
    assert response.status_code == 200 and "full_name" in response.context["form"].errors
    assert not User.objects.filter(email="new@example.org").exists()
    sign_up(client, name="  Nadia   Newton ")
    assert User.objects.get(email="new@example.org").full_name == "Nadia Newton"


def test_confirming_in_the_browser_that_signed_up_signs_the_member_in(
    client, frameworks, run_tasks
):
    sign_up(client)
    run_tasks()
    link = re.search(r"(/accounts/confirm-email/[-:\w]+/)", mail.outbox[0].body).group(1)
    response = client.post(link)
    assert response.status_code == 302
    assert client.session.get("_auth_user_id")


def test_confirming_in_another_browser_asks_for_the_password(client, frameworks, run_tasks):
    from django.test import Client

    sign_up(client)
    run_tasks()
    link = re.search(r"(/accounts/confirm-email/[-:\w]+/)", mail.outbox[0].body).group(1)
    elsewhere = Client()
    elsewhere.post(link)
    assert "_auth_user_id" not in elsewhere.session
    assert User.objects.get(email="new@example.org").emailaddress_set.get().verified


def test_verifying_the_email_lets_the_member_in(client, frameworks, run_tasks):
    sign_up(client)
    run_tasks()
    link = re.search(r"(/accounts/confirm-email/[-:\w]+/)", mail.outbox[0].body).group(1)
    assert client.get(link).status_code == 200  # GET shows the page; mail scanners change nothing
    client.post(link)
    client.logout()
    response = client.post(
        reverse("account_login"),
        {"login": "new@example.org", "password": "a-long-test-password"},
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


def test_signing_up_with_a_taken_email_does_not_say_so(client, mentor, run_tasks):
    response = sign_up(client, email=mentor.email)
    # Same redirect as a fresh sign-up; the owner is told by email instead.
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert User.objects.filter(email=mentor.email).count() == 1
    run_tasks()
    assert mail.outbox and mail.outbox[0].to == [mentor.email]


def test_password_reset_looks_the_same_for_known_and_unknown_emails(client, mentor, run_tasks):
    known = client.post(reverse("account_reset_password"), {"email": mentor.email})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]


def test_signup_refuses_a_weak_password_with_a_clear_message(client, frameworks):
    response = sign_up(client, password="12345678")
    assert response.status_code == 200
    assert not User.objects.filter(email="new@example.org").exists()
    assert "password1" in response.context["form"].errors


def test_failed_logins_are_rate_limited(client, mentor):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": mentor.email, "password": "wrong"})
    response = client.post(reverse("account_login"), {"login": mentor.email, "password": "wrong"})
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()


def test_the_sign_up_form_offers_the_negotiated_language_named_in_itself(client, frameworks):
    response = client.get(reverse("account_signup"), HTTP_ACCEPT_LANGUAGE="es")
    field = response.context["form"]["language"]
    assert field.initial == "es" or field.value() == "es"
    html = response.content.decode()
    assert "Español" in html and "العربية" in html and "English" in html


def test_the_language_chosen_at_sign_up_is_remembered_and_speaks_the_first_email(
    client, frameworks, run_tasks
):
    password = "a-long-test-password"
    client.post(
        reverse("account_signup"),
        {"full_name": "Nadia Newton", "email": "new@example.org", "password1": password,
         "password2": password, "language": "es"},
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert User.objects.get(email="new@example.org").preferred_language == "es"
    run_tasks()
    assert "Confirm" not in mail.outbox[0].subject
    assert 'lang="es"' in mail.outbox[0].alternatives[0][0]


def test_a_sign_up_without_a_language_keeps_the_negotiated_one(client, frameworks):
    sign_up(client)
    assert User.objects.get(email="new@example.org").preferred_language == "en"
