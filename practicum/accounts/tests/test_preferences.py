import datetime
import subprocess
import sys
import zoneinfo
from unittest import mock

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_switching_language_is_stored_on_the_profile(client, mentor):
    client.force_login(mentor)
    response = client.post(reverse("accounts:language"), {"language": "es", "next": "/mentor/"})
    assert response.status_code == 302 and response["Location"] == "/mentor/"
    mentor.refresh_from_db()
    assert mentor.preferred_language == "es"
    html = client.get(reverse("practice:mentor_dashboard")).content.decode()
    assert 'lang="es"' in html
    assert "Panel de mentor" in html


def test_anonymous_visitors_switch_language_by_cookie(client, frameworks):
    client.post(reverse("accounts:language"), {"language": "es", "next": "/"})
    html = client.get(reverse("home")).content.decode()
    assert "Iniciar sesión" in html


def test_language_switch_refuses_to_redirect_off_site(client, frameworks):
    response = client.post(
        reverse("accounts:language"), {"language": "es", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_an_unknown_language_changes_nothing(client, mentor):
    client.force_login(mentor)
    client.post(reverse("accounts:language"), {"language": "xx", "next": "/"})
    mentor.refresh_from_db()
    assert mentor.preferred_language == "en"


def test_times_are_shown_in_the_viewers_zone_with_the_zone_named():
    moment = datetime.datetime(2026, 7, 1, 12, 0, tzinfo=datetime.UTC)
    template = Template("{% load practicum %}{{ moment|local_when }}")
    with timezone.override(zoneinfo.ZoneInfo("Asia/Kolkata")):
        rendered = template.render(Context({"moment": moment}))
    assert rendered == "1 Jul 2026, 17:30 (Asia/Kolkata)"


def test_the_middleware_activates_the_users_zone(client, mentor):
    mentor.time_zone = "America/Sao_Paulo"
    mentor.save()
    client.force_login(mentor)
    response = client.get(reverse("practice:mentor_dashboard"))
    assert response.context["TIME_ZONE"] == "America/Sao_Paulo"


def test_healthz_reports_the_database(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_says_503_when_the_database_fails(client):
    with mock.patch("practicum.views.connection.cursor", side_effect=Exception("down")):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503


def test_pages_carry_a_csp_without_inline_scripts(client, frameworks):
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_production_refuses_to_start_without_a_secret_key():
    env = {"DEBUG": "0", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", "import practicum.settings"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
