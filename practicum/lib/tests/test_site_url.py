"""SITE_URL in development follows the port `make run` serves on, so emailed links, QR codes,
certificates and badges work on any port; a SITE_URL that is set always wins."""

import os
import subprocess
import sys

from practicum.settings import BASE_DIR


def _site_url(**extra: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "PORT", "DEBUG"}}
    env.update(DJANGO_SETTINGS_MODULE="practicum.settings", **extra)
    code = (
        "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=BASE_DIR, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().splitlines()[-1]


def test_development_site_url_follows_the_port():
    assert _site_url(DEBUG="1", PORT="8123") == "http://127.0.0.1:8123"
    assert _site_url(DEBUG="1") == "http://127.0.0.1:8000"


def test_an_explicit_site_url_wins_over_the_port():
    assert _site_url(DEBUG="1", PORT="8123", SITE_URL="https://x.example") == "https://x.example"


def test_make_run_hands_its_port_to_every_process():
    out = subprocess.run(
        ["make", "-n", "run", "PORT=8123"], cwd=BASE_DIR, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    run = out.stdout[out.stdout.index("trap") :]
    assert "export PORT=8123;" in run
    assert run.index("export PORT=8123;") < run.index("db_worker") < run.index("runserver")
