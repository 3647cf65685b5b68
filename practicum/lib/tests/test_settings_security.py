"""Security settings: reset links, SQLite secure_delete, the local production-mode override."""

import json
import os
import subprocess
import sys

from django.conf import settings
from django.db import connection

from practicum.settings import BASE_DIR


def test_password_reset_links_live_one_hour():
    assert settings.PASSWORD_RESET_TIMEOUT == 3600


def test_sqlite_overwrites_deleted_content(db):
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete")
        assert cursor.fetchone()[0] == 1


def _production_settings(**extra: str) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECURE_COOKIES", "SECURE_SSL_REDIRECT", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DEBUG="0",
        SECRET_KEY="x" * 60,
        FIELD_ENCRYPTION_KEYS="Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmE=",
        ALLOWED_HOSTS="practicum.example.org",
        DJANGO_SETTINGS_MODULE="practicum.settings",
        **extra,
    )
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=BASE_DIR, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    session, csrf, redirect = json.loads(out.stdout.strip().splitlines()[-1])
    return {"session": session, "csrf": csrf, "redirect": redirect}


def test_production_keeps_secure_cookies_by_default():
    assert _production_settings() == {"session": True, "csrf": True, "redirect": True}


def test_a_local_production_run_can_turn_secure_cookies_off_explicitly():
    found = _production_settings(SECURE_COOKIES="0", SECURE_SSL_REDIRECT="0")
    assert found == {"session": False, "csrf": False, "redirect": False}
