"""Limits hold across processes: counted in Redis (REDIS_URL), one process's hits count for
the next. Runs against the machine's Redis (`make test` sets REDIS_URL; CI requires it)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import caches

from practicum.lib import ratelimit

ROOT = Path(__file__).resolve().parents[3]

HITS = """
import django
django.setup()
from django.conf import settings
from practicum.lib import ratelimit
assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache"), settings.CACHES
print([ratelimit.hit("shared", limit=3, window=3600) for _ in range(3)])
"""


def test_the_settings_choose_redis_when_redis_url_is_set(redis_url):
    env = {**os.environ, "REDIS_URL": redis_url, "DJANGO_SETTINGS_MODULE": "practicum.settings"}
    code = "import django; django.setup(); from django.conf import settings; "
    code += "print(settings.CACHES['default']['BACKEND'])"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "django.core.cache.backends.redis.RedisCache"


def test_another_processs_hits_count_here(redis_url, redis_cache):
    env = {
        **os.environ,
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": redis_cache,
        "DJANGO_SETTINGS_MODULE": "practicum.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", HITS], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[None, None, None]"  # three allowed in that process
    retry = ratelimit.hit("shared", limit=3, window=3600)  # the fourth, in this one
    assert retry is not None and 0 < retry <= 3600
    assert ratelimit.hit("another-key", limit=3, window=3600) is None


def test_the_cache_is_redis_and_counts_atomically(redis_cache):
    from concurrent.futures import ThreadPoolExecutor

    assert type(caches["default"]).__name__ == "RedisCache"
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _n: ratelimit.hit("burst", limit=50, window=60), range(80)))
    assert results.count(None) == 50  # no hit lost to a race: exactly the limit let through


@pytest.mark.django_db
def test_the_api_token_limit_holds_on_redis(redis_cache, api_client_for_limits):
    statuses = [api_client_for_limits() for _ in range(3)]
    assert statuses == [200, 200, 429]


@pytest.fixture
def api_client_for_limits(client, mentor, settings):
    from practicum.api.scopes import Scope
    from practicum.api.services import token_create

    settings.API_RATE_LIMIT_PER_MINUTE = 2
    _, raw = token_create(owner=mentor, name="limits", scopes=[Scope.RECORDS_READ])

    def call() -> int:
        return client.get("/api/v1/sessions", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code

    return call
