"""The page cache serves a page again only while nothing it shows can have changed, and only to
the session (so the person, signed in the same way), language and htmx variant it was rendered
for."""

import re
import threading

import pytest
from django.conf import settings as django_settings
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import connection, connections, transaction
from django.db.backends.signals import connection_created
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from practicum.accounts import services as account_services
from practicum.lib import pagecache
from practicum.practice.models import SupervisionSession
from practicum.practice.tests.test_supervision_log import declare, log

pytestmark = pytest.mark.django_db

# Decided before the fixtures run: a transactional test's set-up and flush cost seconds on
# PostgreSQL, for a test that would only skip.
sqlite_only = pytest.mark.skipif(
    not django_settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
    reason="the generation is written after the commit, and read on every lookup, on PostgreSQL",
)

LOG = "/mentor/log/"
CODE = "/frameworks/code-of-ethics/"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')


def state(response) -> str | None:
    return response.headers.get(pagecache.HEADER)


@pytest.fixture
def logged(mentor):
    """A mentor with one session in the log, its focus a word to look for."""
    session = log(mentor, declare(mentor), focus="Boundaries")
    return session


def signed_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    # The first member page after signing in notes the pledge in the session: a render that
    # changes the session is not stored, so the tests start one page later, as a browser would.
    client.get(reverse("practice:session_create"))
    return client


def test_the_second_get_is_a_hit_and_costs_a_few_queries(
    mentor, logged, django_assert_max_num_queries
):
    client = signed_in(mentor)
    first = client.get(LOG)
    assert first.status_code == 200 and state(first) == "miss"
    # The session and one read of the cache (generation and page together): not the user.
    with django_assert_max_num_queries(2):
        second = client.get(LOG)
    assert state(second) == "hit"
    assert b"Boundaries" in second.content
    assert TOKEN.sub("", second.content.decode()) == TOKEN.sub("", first.content.decode())


def test_an_anonymous_public_page_is_cached(frameworks, django_assert_max_num_queries):
    client = Client()
    assert state(client.get(CODE)) == "miss"
    with django_assert_max_num_queries(1):
        response = client.get(CODE)
    assert response.status_code == 200 and state(response) == "hit"


@pytest.mark.parametrize("how", ["create", "save", "update", "raw"])
def test_a_write_of_any_kind_ends_the_stored_page(mentor, logged, how):
    client = signed_in(mentor)
    client.get(LOG)
    assert state(client.get(LOG)) == "hit"
    if how == "create":  # an INSERT ... RETURNING: its bump waits for the statement to finish
        log(mentor, logged.relationship, days_ago=5, focus="Contracting")
        assert b"Contracting" in client.get(LOG).content
        return
    if how == "save":
        logged.focus = "Contracting"
        logged.save()
    elif how == "update":
        SupervisionSession.objects.filter(pk=logged.pk).update(focus="Contracting")
    else:
        table = SupervisionSession._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET focus = %s WHERE id = %s", ["Contracting", logged.pk]
            )
    response = client.get(LOG)
    assert state(response) == "miss"
    assert b"Contracting" in response.content and b"Boundaries" not in response.content


def test_every_write_in_one_transaction_ends_it(mentor, logged):
    client = signed_in(mentor)
    client.get(LOG)
    with transaction.atomic():
        SupervisionSession.objects.filter(pk=logged.pk).update(focus="First")
        assert b"First" in client.get(LOG).content
        SupervisionSession.objects.filter(pk=logged.pk).update(focus="Second")
        assert b"Second" in client.get(LOG).content


def test_a_write_rolled_back_to_a_savepoint_leaves_no_page_behind(mentor, logged):
    client = signed_in(mentor)
    client.get(LOG)

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        SupervisionSession.objects.filter(pk=logged.pk).update(focus="Undone")
        assert b"Undone" in client.get(LOG).content
        raise Undo
    response = client.get(LOG)
    assert b"Undone" not in response.content and b"Boundaries" in response.content


def test_a_commit_starts_a_new_generation(mentor, logged):
    with transaction.atomic():
        SupervisionSession.objects.filter(pk=logged.pk).update(focus="A")
        SupervisionSession.objects.filter(pk=logged.pk).update(focus="B")
    # Once per transaction, however many writes (here the test's own, which never commits).
    marks = [entry[1] for entry in connection.run_on_commit]
    if pagecache._with_the_data(connection):
        # SQLite: written inside the writing transaction, committed (or undone) with it.
        assert marks.count(pagecache._bumped_inside) == 1
    else:
        assert marks.count(pagecache.bump) == 1
    before = cache.get(pagecache.GENERATION_KEY)
    pagecache.bump()
    assert cache.get(pagecache.GENERATION_KEY) not in (None, before)


@pytest.mark.django_db(transaction=True)
def test_a_new_generation_is_one_statement_whatever_the_cache_holds(frameworks):
    """The database cache's own set counts the whole table (to cull) and reads and writes in a
    savepoint: eight statements a write request, one of them growing with the pages stored."""
    for number in range(50):
        cache.set(f"{pagecache.ENTRY_PREFIX}filler-{number}", "a page", 60)
    before = cache.get(pagecache.GENERATION_KEY)
    for _ in range(2):  # the first may insert the row, the next replaces it
        with CaptureQueriesContext(connection) as queries:
            pagecache.bump()
        assert len(queries) == 1, [q["sql"] for q in queries.captured_queries]
        assert "COUNT" not in queries[0]["sql"].upper()
        now = cache.get(pagecache.GENERATION_KEY)  # stored as the cache itself would store it
        assert isinstance(now, str) and now != before
        before = now


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_on_sqlite_a_write_costs_one_write_transaction(mentor):
    before = cache.get(pagecache.GENERATION_KEY)
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        mentor.first_name = "Changed"
        mentor.save()
    begins = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("BEGIN")]
    assert len(begins) == 1 and cache.get(pagecache.GENERATION_KEY) != before


def test_a_render_that_changes_the_session_is_not_stored(mentor, logged):
    client = Client()
    client.force_login(mentor)
    assert state(client.get(LOG)) is None  # the pledge noted in the session on this render
    assert state(client.get(LOG)) == "miss"
    assert state(client.get(LOG)) == "hit"


def test_quiet_tables_do_not_end_pages():
    assert pagecache.is_page_write('UPDATE "practice_supervisionsession" SET focus = 1')
    assert pagecache.is_page_write("INSERT INTO accounts_user (email) VALUES (%s)")
    assert pagecache.is_page_write("  delete from reflection_reflection")
    assert pagecache.is_page_write("WITH x AS (DELETE FROM a RETURNING id) SELECT 1")
    assert not pagecache.is_page_write('SELECT * FROM "practice_supervisionsession"')
    assert not pagecache.is_page_write('UPDATE "django_session" SET session_data = 1')
    assert not pagecache.is_page_write('DELETE FROM "practicum_cache" WHERE cache_key = 1')
    assert not pagecache.is_page_write('INSERT INTO "django_tasks_database_dbtaskresult" (id)')


def test_one_persons_page_is_never_served_to_another(mentor, other_mentor, logged):
    first = signed_in(mentor)
    first.get(LOG)
    assert state(first.get(LOG)) == "hit"
    other = signed_in(other_mentor)
    for _ in range(3):  # rendered, stored, then served: always Omar's own
        response = other.get(LOG)
        assert response.status_code == 200 and b"Boundaries" not in response.content
    assert state(response) == "hit"
    assert b"Boundaries" in first.get(LOG).content


def test_each_language_has_its_own_entry(frameworks):
    client = Client()
    client.get(CODE)
    spanish = client.get(CODE, HTTP_ACCEPT_LANGUAGE="es")
    assert state(spanish) == "miss" and spanish["Content-Language"] == "es"
    assert state(client.get(CODE, HTTP_ACCEPT_LANGUAGE="es")) == "hit"
    english = client.get(CODE)
    assert state(english) == "hit" and english["Content-Language"] == "en"


def test_a_members_own_language_and_zone_come_with_the_page(mentor, logged):
    mentor.time_zone, mentor.preferred_language = "Asia/Tokyo", "es"
    mentor.save()
    client = signed_in(mentor)
    first = client.get(LOG)  # no Accept-Language: the request alone would be English
    hit = client.get(LOG)
    assert state(first) == "miss" and state(hit) == "hit"
    assert first["Content-Language"] == hit["Content-Language"] == "es"
    assert "Tokio" in hit.content.decode() or "Asia/Tokyo" in hit.content.decode()
    # A new zone is a write: the next page is rendered in it, never the stored one.
    mentor.time_zone = "America/Lima"
    mentor.save()
    assert state(client.get(LOG)) == "miss"


def test_a_key_is_the_visitor_not_the_thread_s_zone(mentor):
    """The key is made before the member's zone is switched on: a zone left over from the
    thread's previous request must not count."""
    request = RequestFactory().get(LOG)
    with timezone.override("UTC"):
        utc = pagecache._key(request, "visitor")
    with timezone.override("Asia/Tokyo"):
        tokyo = pagecache._key(request, "visitor")
    assert utc == tokyo != pagecache._key(request, "another visitor")


def test_a_password_changed_elsewhere_ends_the_old_sessions_pages(mentor, logged):
    client = signed_in(mentor)
    client.get(LOG)
    assert state(client.get(LOG)) == "hit"
    mentor.set_password("a-new-long-password-9")
    mentor.save()
    response = client.get(LOG)
    assert response.status_code == 302 and state(response) is None


def test_signing_out_ends_the_sessions_pages(mentor, logged):
    client = signed_in(mentor)
    client.get(LOG)
    cookie = client.cookies["sessionid"].value
    assert state(client.get(LOG)) == "hit"
    client.post(reverse("account_logout"))
    client.cookies["sessionid"] = cookie  # the old cookie, kept by someone
    response = client.get(LOG)
    assert response.status_code == 302 and b"Boundaries" not in response.content


def test_an_htmx_request_has_its_own_entry(mentor, logged):
    client = signed_in(mentor)
    client.get(LOG)
    assert state(client.get(LOG, HTTP_HX_REQUEST="true")) == "miss"
    assert state(client.get(LOG, HTTP_HX_REQUEST="true")) == "hit"
    assert state(client.get(LOG, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="main")) == "miss"


def test_a_form_on_a_cached_page_posts_with_a_fresh_token(mentor, logged):
    client = signed_in(mentor, enforce_csrf_checks=True)
    first = client.get(LOG)
    second = client.get(LOG)
    assert state(second) == "hit"
    tokens = TOKEN.findall(first.content.decode()), TOKEN.findall(second.content.decode())
    assert tokens[0] and tokens[1] and tokens[0] != tokens[1]
    assert pagecache.PLACEHOLDER.decode() not in second.content.decode()
    response = client.post(
        reverse("accounts:language"),
        {"language": "es", "next": LOG, "csrfmiddlewaretoken": tokens[1][0]},
    )
    assert response.status_code == 302
    mentor.refresh_from_db()
    assert mentor.preferred_language == "es"


def test_a_hit_without_a_csrf_cookie_sets_one_that_matches_its_token(frameworks):
    Client().get(CODE)
    client = Client(enforce_csrf_checks=True)
    response = client.get(CODE)
    assert state(response) == "hit"
    token = TOKEN.search(response.content.decode()).group(1)
    assert "csrftoken" in response.cookies
    posted = client.post(
        reverse("accounts:language"), {"language": "es", "next": CODE, "csrfmiddlewaretoken": token}
    )
    assert posted.status_code == 302


def test_a_pending_flash_message_is_shown_not_a_stored_page(mentor, logged):
    client = signed_in(mentor)
    client.get(LOG)
    storage = CookieStorage(RequestFactory().get("/"))
    client.cookies["messages"] = storage._encode([Message(constants.SUCCESS, "Saved, thanks.")])
    response = client.get(LOG)
    assert b"Saved, thanks." in response.content and state(response) is None
    after = client.get(LOG)
    assert b"Saved, thanks." not in after.content and state(after) == "hit"


def test_a_restricted_account_is_still_redirected(mentor, staff, logged):
    client = signed_in(mentor)
    client.get(LOG)
    assert state(client.get(LOG)) == "hit"
    generation = cache.get(pagecache.GENERATION_KEY)
    account_services.account_restrict(user=mentor, by=staff, reason="Sanction")
    client.force_login(mentor)
    # Even with the generation put back, the stored page was the old session's, and a render
    # for the restricted account redirects (and is not stored).
    cache.set(pagecache.GENERATION_KEY, generation, None)
    response = client.get(LOG)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:restricted")


def test_a_page_lives_to_the_end_of_its_minute(mentor, logged, monkeypatch):
    client = signed_in(mentor)
    monkeypatch.setattr(pagecache, "_clock", lambda: 1_800_000_059.5)
    client.get(LOG)
    assert state(client.get(LOG)) == "hit"
    monkeypatch.setattr(pagecache, "_clock", lambda: 1_800_000_060.1)
    assert state(client.get(LOG)) == "miss"


def test_a_lost_generation_misses(mentor, logged):
    client = signed_in(mentor)
    client.get(LOG)
    cache.delete(pagecache.GENERATION_KEY)
    assert state(client.get(LOG)) == "miss"
    assert state(client.get(LOG)) == "hit"


def test_only_named_pages_and_gets_are_cached(mentor, logged):
    client = signed_in(mentor)
    assert state(client.get(reverse("accounts:profile"))) is None
    assert state(client.head(LOG)) is None


def test_switched_off_nothing_is_cached(settings, mentor, logged):
    settings.PAGE_CACHE_ENABLED = False
    client = signed_in(mentor)
    client.get(LOG)
    assert state(client.get(LOG)) is None


def test_on_redis_a_hit_asks_the_database_only_for_the_session(
    redis_cache, mentor, logged, django_assert_max_num_queries
):
    client = signed_in(mentor)
    client.get(LOG)
    with django_assert_max_num_queries(1):  # the session
        assert state(client.get(LOG)) == "hit"
    SupervisionSession.objects.filter(pk=logged.pk).update(focus="Contracting")
    assert b"Contracting" in client.get(LOG).content


@pytest.mark.django_db(transaction=True)
def test_a_missing_cache_table_is_not_an_error(settings, caplog):
    """`migrate` on a new database writes before `createcachetable` has made the cache table:
    there is nothing stored to end, so nothing to report."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "no_such_cache_table",
        },
    }
    with caplog.at_level("ERROR", logger="practicum.lib.pagecache"):
        pagecache.bump()
        # Inside a migration's transaction too, which must go on (on PostgreSQL a failed
        # statement would abort it: `migrate` on a new database failed so).
        with transaction.atomic():
            pagecache.bump()
            assert SupervisionSession.objects.count() == 0
    assert not caplog.records


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_on_sqlite_a_commit_elsewhere_ends_the_generation_this_process_knew(
    frameworks, django_assert_max_num_queries
):
    """A process keeps the generation it read while PRAGMA data_version says no other
    connection has committed, and keeps pages in its memory: a hit then reads nothing else. A
    commit on another connection (another process, the worker) is seen at once."""
    client = Client()
    assert state(client.get(CODE)) == "miss"
    assert state(client.get(CODE)) == "hit"
    with django_assert_max_num_queries(1):  # PRAGMA data_version
        assert state(client.get(CODE)) == "hit"

    def elsewhere():
        from practicum.frameworks.models import EthicsClause

        with transaction.atomic():
            EthicsClause.objects.filter(identifier="1.B.1").update(text="Changed elsewhere.")
        connections.close_all()

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    assert state(client.get(CODE)) == "miss"
    assert state(client.get(CODE)) == "hit"


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_on_sqlite_a_new_connection_reads_the_generation_again(frameworks):
    """What a closed connection knew is forgotten: its successor's data_version starts afresh
    and says nothing of the commits made while this process had no connection."""
    client = Client()
    client.get(CODE)
    assert state(client.get(CODE)) == "hit"
    assert pagecache._local.known is not None
    # (The in-memory test database is never really closed: the signal a new one sends.)
    connection_created.send(sender=connection.__class__, connection=connection)
    assert pagecache._local.known is None


def test_the_pages_a_process_keeps_in_memory_are_bounded(settings, frameworks, monkeypatch):
    settings.PAGE_CACHE_NEAR_ENTRIES = 2
    monkeypatch.setattr(pagecache, "_near", {})
    client = Client()
    for language in ("en", "es", "ar"):
        client.get(CODE, HTTP_ACCEPT_LANGUAGE=language)
    assert len(pagecache._near) == 2


postgres_only = pytest.mark.skipif(
    django_settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
    reason="Django's connection health check runs on PostgreSQL",
)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_hit_reads_the_generation_instead_of_a_health_check(
    frameworks, monkeypatch
):
    """On a kept connection Django checks its health (a `SELECT 1` round trip) before the
    request's first statement. The generation read answers the same question, so a hit makes
    one round trip, not two."""
    client = Client()
    client.get(CODE)
    assert state(client.get(CODE)) == "hit"
    checks = []
    backend = type(connections["default"])
    real = backend.is_usable
    monkeypatch.setattr(backend, "is_usable", lambda self: checks.append(1) or real(self))
    # What close_old_connections does when a request starts (the test client leaves it out).
    connections["default"].close_if_unusable_or_obsolete()
    assert not connections["default"].health_check_done
    assert state(client.get(CODE)) == "hit"
    assert checks == []
    assert connections["default"].health_check_done


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_broken_connection_is_checked_and_replaced_as_django_would(frameworks):
    """A kept connection that broke between requests fails the generation read; the lookup then
    goes Django's way, whose health check opens a new connection, and the page is served."""
    client = Client()
    client.get(CODE)
    assert state(client.get(CODE)) == "hit"
    connections["default"].connection.close()  # the server went away under a kept connection
    connections["default"].close_if_unusable_or_obsolete()  # as a request starts
    response = client.get(CODE)
    assert response.status_code == 200
    assert state(response) in ("hit", "miss")
    assert not connections["default"].connection.closed
