"""Personas and helpers shared by every app's tests (HC's alice/bob/charlie, by role)."""

import os
import time
from unittest import mock

import hypothesis
import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.core.management import call_command
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from practicum.accounts.models import Role, RoleGrant, User
from practicum.frameworks import services as framework_services
from practicum.frameworks.loader import framework_load_all

PASSWORD = "a-long-test-password"
ACCESS_PERSONAS = ("anonymous", "mentor", "supervisor", "staff")


def access_row(anonymous, mentor, supervisor, staff, kwargs=None) -> dict:
    """A row of the authorisation matrix: the GET status each persona gets, and URL kwargs."""
    codes = dict(zip(ACCESS_PERSONAS, (anonymous, mentor, supervisor, staff), strict=True))
    return {"codes": codes, "kwargs": kwargs or {}}


TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

# The properties are what the hypothesis tests check, not speed: on a shared two-core machine
# running one suite per Python version, a slow example is load, not a failure.
hypothesis.settings.register_profile(
    "practicum", deadline=None, suppress_health_check=[hypothesis.HealthCheck.too_slow]
)
hypothesis.settings.load_profile("practicum")


# Generated-input tests must not fail because a shared 2-core machine is busy (CI runs the
# suites side by side): no deadline, no "input generation is slow" health check.
hypothesis_settings.register_profile(
    "practicum", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("practicum")


def pytest_configure(config):
    # The .mo files are build output (not in git): compile them from the .po sources once per run.
    from practicum.lib.compile_messages import compile_all

    if not hasattr(config, "workerinput"):  # once, in the controller, when run in parallel
        compile_all()


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # The suite runs on the database cache (rolled back with each test) whatever REDIS_URL says:
    # the Redis tests ask for the `redis_cache` fixture.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "practicum_cache",
        },
        # As in production (settings.py); emptied for each test, like the database cache.
        "template_fragments": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "test-template-fragments",
        },
    }
    from django.core.cache import caches

    caches["template_fragments"].clear()


@pytest.fixture
def page_cache_off(settings):
    """The whole-page cache switched off (practicum/lib/pagecache.py): for tests that count a
    view's own queries or commits, which the cache's reads, stores and data-generation writes
    (on the database cache here; none on Redis) would add to. Staleness is tested with it on."""
    settings.PAGE_CACHE_ENABLED = False


@pytest.fixture(scope="session")
def _postgres_clone_per_worker(tmp_path_factory):
    """On PostgreSQL with several test processes (xdist), the migrations run once: into a
    template database made by the first process that needs one, which each process then copies
    (CREATE DATABASE ... TEMPLATE, about a second) instead of migrating its own (about 25 s of
    CPU each: Django re-renders the model states for every operation). What is tested is the
    same: a database built by the real migrations, as production builds it. The template is
    dropped once every process has its copy (a run cut short leaves it to the next run, whose
    creation replaces it)."""
    import fcntl
    from contextlib import contextmanager

    from django.conf import settings
    from django.db import connection

    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT") or 0)
    if connection.vendor != "postgresql" or workers < 2:
        yield
        return
    shared = tmp_path_factory.getbasetemp().parent  # the same folder for every worker of a run
    creation = type(connection.creation)
    create_test_db = creation.create_test_db

    @contextmanager
    def locked():
        with open(shared / "postgres-template.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    def count(name: str) -> int:
        path = shared / name
        return int(path.read_text()) if path.exists() else 0

    def clone_of_template(self, verbosity=1, autoclobber=False, serialize=True, keepdb=False):
        if self.connection.alias != "default" or keepdb:
            return create_test_db(self, verbosity, autoclobber, serialize, keepdb)
        test = self.connection.settings_dict["TEST"]
        own_name = self._get_test_db_name()
        template = own_name.rsplit("_", 1)[0] + "_template"  # test_practicum_gw0 -> ..._template
        original_name = self.connection.settings_dict["NAME"]
        with locked():
            if not count("postgres-template.ready"):
                test["NAME"] = template
                try:
                    create_test_db(self, verbosity, autoclobber=True, serialize=False)
                finally:
                    test["NAME"] = own_name
                    self.connection.close()
                    settings.DATABASES[self.connection.alias]["NAME"] = original_name
                    self.connection.settings_dict["NAME"] = original_name
                (shared / "postgres-template.ready").write_text("1")
            names = {"own": self._quote_name(own_name), "template": self._quote_name(template)}
            with self._nodb_cursor() as cursor:
                cursor.execute("DROP DATABASE IF EXISTS {own}".format(**names))
                cursor.execute("CREATE DATABASE {own} WITH TEMPLATE {template}".format(**names))
                copies = count("postgres-template.copies") + 1
                (shared / "postgres-template.copies").write_text(str(copies))
                if copies == workers:
                    cursor.execute("DROP DATABASE {template}".format(**names))
        self.connection.close()
        settings.DATABASES[self.connection.alias]["NAME"] = own_name
        self.connection.settings_dict["NAME"] = own_name
        if serialize:
            self.connection._test_serialized_contents = self.serialize_db_to_string()
        self.connection.ensure_connection()
        return own_name

    creation.create_test_db = clone_of_template
    try:
        yield
    finally:
        creation.create_test_db = create_test_db


@pytest.fixture(scope="session")
def django_db_setup(_postgres_clone_per_worker, django_db_setup, django_db_blocker):
    """The test databases get the cache table even when REDIS_URL (set by `make test` for the
    Redis tests) made the settings' cache Redis when they were created."""
    from django.core.management import call_command
    from django.test import override_settings

    db_cache = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "practicum_cache",
        }
    }
    with django_db_blocker.unblock(), override_settings(CACHES=db_cache):
        call_command("createcachetable", verbosity=0)


@pytest.fixture
def frameworks(db):
    return framework_load_all()


def make_user(email: str, *roles: str, pledge: bool = True, mfa: bool = False, **fields) -> User:
    user = User.objects.create_user(email, PASSWORD, **fields)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    for role in roles:
        RoleGrant.objects.create(user=user, role=role)
    if pledge:
        code = framework_services.current_code()
        if code is not None:
            framework_services.pledge_accept(user=user, framework=code)
    if mfa:
        TOTP.activate(user, TOTP_SECRET)
    return user


@pytest.fixture
def mentor(frameworks):
    return make_user("maya@example.org", Role.MENTOR, full_name="Maya Mentor")


@pytest.fixture
def other_mentor(frameworks):
    return make_user("omar@example.org", Role.MENTOR, full_name="Omar Other")


@pytest.fixture
def supervisor(frameworks):
    return make_user("sam@example.org", Role.MENTOR, Role.SUPERVISOR, full_name="Sam Supervisor")


@pytest.fixture
def staff(frameworks):
    return make_user(
        "chloe@example.org", Role.CREDENTIALING_STAFF, full_name="Chloé Staff", mfa=True
    )


@pytest.fixture
def ethics_staff(frameworks):
    return make_user("emeka@example.org", Role.ETHICS_STAFF, mfa=True)


@pytest.fixture
def institution_admin(frameworks):
    return make_user("ines@example.org", Role.INSTITUTION_ADMIN, mfa=True)


@pytest.fixture
def site_admin(frameworks):
    return make_user("ada@example.org", Role.SITE_ADMIN, mfa=True)


@pytest.fixture
def postgres_only():
    """Race tests: the in-memory SQLite test database cannot hold two writers at all."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("concurrency is proven on PostgreSQL (make test-postgres)")


@pytest.fixture
def run_tasks():
    """Run every queued background task, as the worker would, then return."""

    def run() -> None:
        # The worker closes "old" connections between tasks; inside a test's transaction
        # that would close the test's own connection (PostgreSQL), so that one call is a no-op.
        with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
            call_command("db_worker", batch=True, startup_delay=False, verbosity=0)

    return run


# --- Browser tests (pytest -m browser): Debian's Chromium driven by Playwright ---------------
# Playwright's sync API runs an event loop in the test thread; the ORM calls made there are
# ordinary blocking test set-up, not async code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# Debian's build of Chromium's headless shell (package chromium-headless-shell, the same version
# and Blink as the browser's), as Playwright itself runs headless tests: the full browser's
# headless mode keeps a browser process and a tab-strip renderer per window busy, about 13 s of
# CPU in 68 for two page walks. PRACTICUM_CHROMIUM names another binary.
CHROMIUM_BINARIES = ("/usr/bin/chromium-headless-shell", "/usr/bin/chromium")


def chromium_binary() -> str:
    if os.environ.get("PRACTICUM_CHROMIUM"):
        return os.environ["PRACTICUM_CHROMIUM"]
    return next(
        (path for path in CHROMIUM_BINARIES if os.access(path, os.X_OK)), "/usr/bin/chromium"
    )


# The longest browser tests, by the seconds each took on a CI worker (two workers, two cores).
# Only the order of the run depends on them: a stale or missing entry costs a little balance.
LONG_BROWSER_TESTS = {
    "test_the_admin_has_no_accessibility_violation": 55,
    "test_arabic_pages_of_each_persona[mentor]": 39,
    "test_pages_of_each_role[supervisor]": 35,
    "test_mentor_pages": 31,
    "test_arabic_pages_of_each_persona[supervisor]": 27,
    "test_pages_of_each_role[staff]": 24,
    "test_arabic_pages_of_each_persona[staff]": 18,
    "test_public_and_party_pages[anonymous]": 16,
    "test_concern_to_suspension_to_overturned_appeal": 13,
    "test_pages_of_each_role[institution]": 12,
}


def pytest_ignore_collect(collection_path, config):
    """`-m browser` (make test-browser) imports only the test modules that name the marker:
    importing the other 150 to deselect every test in them cost each worker 4 s of its 6 s
    of collecting. lib/tests/test_suites.py checks that every browser test's module says
    "browser"."""
    if config.option.markexpr != "browser" or collection_path.suffix != ".py":
        return None
    if not collection_path.name.startswith("test_"):
        return None
    return "browser" not in collection_path.read_text(encoding="utf-8") or None


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """The browser suite, longest tests first, dealt out in turn to the workers' starting
    queues. xdist's work stealing starts each worker on an equal slice of the list, in order,
    and a worker that runs out takes the end of another's queue: in the files' order one
    worker met a page walk of half a minute when the other had nothing left (the run ended
    27 s after it). Longest first, the last tests are the short ones."""
    if not items or not all(item.get_closest_marker("browser") for item in items):
        return
    workers = max(1, int(os.environ.get("PYTEST_XDIST_WORKER_COUNT") or 1))
    ordered = sorted(items, key=lambda item: -LONG_BROWSER_TESTS.get(item.name, 0))
    items[:] = [item for start in range(workers) for item in ordered[start::workers]]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_binary(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    console_errors = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    yield page
    context.close()
    assert not console_errors, console_errors  # CSP violations show up here


@pytest.fixture(autouse=True)
def _page_cache_minute_starts_now(monkeypatch):
    """A stored page ends with the minute it was rendered in. A test that crossed a minute
    boundary between a render and its replay saw a miss (on a slow, loaded machine: a query
    count or a "hit" failed now and then). The page cache's clock runs with real time (and with
    any time travel a test makes) but each test starts at the beginning of a minute on it, so a
    test shorter than a minute never crosses one. Tests about the minute's end set it themselves."""
    from practicum.lib import pagecache

    offset = 60 - time.time() % 60
    monkeypatch.setattr(pagecache, "_clock", lambda: time.time() + offset)


@pytest.fixture(autouse=True)
def _fresh_version_memo():
    # Each test's database starts afresh: so must the per-process memo of current versions.
    from practicum.lib.versioned import forget_current

    forget_current()
    yield
    forget_current()


@pytest.fixture(autouse=True)
def _default_language():
    # A test client request as a user activates their language and zone on this thread (the
    # middleware sets them per request); the next test on the same worker must start from the
    # defaults, as a request would.
    from django.utils import timezone, translation

    translation.deactivate()
    timezone.deactivate()
    yield
    translation.deactivate()
    timezone.deactivate()


# --- Shared services: an S3 server (moto's, started here) and the machine's Redis -------------
# On CI (CI=true) a service that cannot be had fails the test; elsewhere it is skipped, saying why.


def _unavailable(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}: required on CI")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def s3_endpoint():
    """The URL of a real S3 server: S3_TEST_ENDPOINT if set (e.g. a MinIO), else moto's server
    started for this test process on a free port."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    if os.environ.get("S3_TEST_ENDPOINT"):
        yield os.environ["S3_TEST_ENDPOINT"]
        return
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1).close()
                break
            except OSError:
                if server.poll() is not None:
                    break
                time.sleep(0.1)
        else:
            _unavailable(f"moto's S3 server did not answer at {endpoint}")
        if server.poll() is not None:
            _unavailable("moto's S3 server could not start (pip install 'moto[server]')")
        yield endpoint
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def s3_storage(s3_endpoint, settings, monkeypatch):
    """The default storage in a fresh private bucket of the S3 server, configured the way
    production is (STORAGE_URL); yields the bucket's name."""
    import uuid

    import boto3

    from practicum.lib.object_storage import default_storage_from_env

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    bucket = f"practicum-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1").create_bucket(
        Bucket=bucket
    )
    settings.STORAGES = {
        **settings.STORAGES,
        "default": default_storage_from_env(
            {"STORAGE_URL": f"s3://{bucket}/media?endpoint_url={s3_endpoint}"}, media_root=""
        ),
    }
    return bucket


@pytest.fixture
def redis_url():
    """The machine's Redis (REDIS_URL, else redis://127.0.0.1:6379/15), after a ping."""
    import redis

    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        if os.environ.get("REDIS_URL"):
            pytest.fail(f"REDIS_URL={url} does not answer: {exc}")
        _unavailable(f"no Redis at {url} (set REDIS_URL to one): {exc}")
    return url


@pytest.fixture
def redis_cache(redis_url, settings):
    """The default cache on Redis under a key prefix of this test's own, as REDIS_URL sets it."""
    import uuid

    prefix = f"practicum-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": prefix,
        }
    }
    yield prefix
    import redis

    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)
