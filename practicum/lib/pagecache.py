"""A whole-page cache for chosen GET pages that is never stale and never crosses people.

Pages are chosen by URL name (`PAGE_CACHE_URL_NAMES`). An entry is keyed by who asks, the full
path with its query string, host and scheme, the request's language, and every HX-* header
(htmx fragments differ from whole pages). Who asks is the session's stored text
(`practicum.lib.sessions`), not the user: it names the user, the password hash the session was
signed in with and how (second factor), so a hit needs no user row. Whatever else decides the
page (the user's roles, language, time zone, account status) lives in tables whose every write
ends the generation, below. An entry is served only while three things hold:

- the *data generation* it was rendered under is still the current one. Every SQL write to a
  table that can show on a page (INSERT/UPDATE/DELETE/REPLACE/TRUNCATE, spotted by a database
  execute wrapper on every connection of every process, so queryset.update(), bulk operations
  and raw SQL count too, unlike signals) ends the generation in two parts:
  * the shared part, a random value in the shared cache, is replaced when the write commits
    (on_commit inside a transaction, once the statement has finished in autocommit). That is
    what makes it correct across processes: a reader elsewhere cannot see the write before the
    commit, and whatever it stored before the new value is ignored after it;
  * the thread's own part, a token that changes with each write inside a transaction, at once:
    this connection sees its uncommitted rows (so does every test, where nothing commits), so
    its pages must not be ones rendered before the write. Nothing is written for it, so a
    transaction of many writes costs one cache write, at its commit.
  A new random value, not incr: the database cache's incr is a get and a set, and two racing
  writers could set the generation back to a value already used. A lost generation (eviction,
  flush) is replaced by a fresh random one: everything misses, never stale.
  On SQLite with the database cache (the generation in the same database as the data), the
  generation is written inside the writing transaction instead, before its first write (and
  again after a page lookup): no one else sees either before the commit, a rollback takes both
  back, and a write costs one write transaction, not two. A process there reads the generation
  again only when PRAGMA data_version says another connection has committed (outside a
  transaction only: inside one, a rollback could take back what it read). On PostgreSQL the
  generation is read straight through the driver on a kept connection, and that read stands in
  for Django's health check of the connection: a hit makes one round trip, not two. On every
  backend each process keeps the pages it holds in memory, so a hit reads the generation, not
  the page.
- the minute it was rendered in has not ended (and at most PAGE_CACHE_SECONDS have passed):
  pages say "today", "in 3 days", "expired"; a minute boundary is where any of those can change
  without a write, in every time zone.
- the request carries no pending flash message (those render once, on the next page).

The CSRF token a page carries is the one thing that differs between two renders for the same
key: on a miss, the masked tokens of the request's secret are replaced by a placeholder; on a
hit, by a fresh `get_token(request)` (a new mask, the cookie set or renewed exactly as a render
would). So this middleware sits inside CsrfViewMiddleware (and the locale middleware), and
before the authentication, preferences and account-status middleware, which a hit skips: a
restriction or suspension is a write, so no page stored before it is served after it, and none
is stored after it (those middleware answer such an account with a redirect or as anonymous).
It sits outside the messages, clickjacking and CSP middleware, whose headers are stored with the
page (the CSP carries no nonce: a page that used one is not stored), as is the language the page
was rendered in (a member's own), which a hit sends as Content-Language.

Not stored: anything but a 200 GET, streaming responses, responses that set a cookie, and pages
whose request changed the session (signing in or out, the roles kept in it).
Writes that bypass Django's cursor (a raw driver connection, another program on the database)
are not seen: such data shows after at most a minute.
"""

import atexit
import base64
import contextlib
import datetime
import hashlib
import logging
import pickle
import re
import secrets
import threading
import time
from functools import lru_cache

from django.apps import AppConfig
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.exceptions import MiddlewareNotUsed
from django.core.signals import request_finished, setting_changed
from django.db import connections, transaction
from django.db.backends.signals import connection_created
from django.http import HttpResponse
from django.middleware.csrf import _unmask_cipher_token, get_token
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

CACHE_ALIAS = "default"
GENERATION_KEY = "pagecache:generation"
ENTRY_PREFIX = "pagecache:page2:"  # 2: keyed by the session, with the language
# Stands for the CSRF token in a stored body: a NUL never appears in rendered HTML.
PLACEHOLDER = b"\x00csrf-token\x00"
HEADER = "X-Page-Cache"

# Tables whose rows never show on a cached page: sessions (saved on most requests), the task
# queue and the database cache itself (the bump writes it: watching it would loop).
QUIET_TABLES = frozenset({"django_session", "django_tasks_database_dbtaskresult"})
_WRITE_HEADS = frozenset({"INSERT", "UPDATE", "DELETE", "REPLAC", "TRUNCA", "MERGE "})
_TABLE = re.compile(
    r"\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+[`\"\[]?(\w+)",
    re.IGNORECASE,
)
# A masked CSRF token: 64 letters and digits standing alone.
_TOKEN = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")
_PROCESS_LOCAL = ("LocMemCache", "DummyCache")

# Per thread (one thread = one database connection per alias):
# - token: None, or the thread's own part of the generation while it may see writes that are
#   not committed; changed when such a write follows a page lookup (only a lookup can have
#   stored what the write changes), or a savepoint is rolled back;
# - pending: an autocommit write waits for its shared bump. Not bumped inside the execute
#   wrapper itself: on SQLite an INSERT ... RETURNING still holds its rows there, and the
#   database cache's write (on the same connection) would fail, silently, "SQL statements in
#   progress". The bump runs before the connection's next statement, the next page lookup, at
#   the end of the request, or when the process exits.
_local = threading.local()
_clock = time.time  # the tests move it to a minute's end


def enabled() -> bool:
    backend = settings.CACHES[CACHE_ALIAS]["BACKEND"]
    # A cache private to one process would miss the other processes' writes.
    return settings.PAGE_CACHE_ENABLED and not backend.endswith(_PROCESS_LOCAL)


def _quiet_tables() -> frozenset:
    # Read each time (two entries at most): the tests swap the cache backend.
    db_caches = {
        config["LOCATION"].lower()
        for config in settings.CACHES.values()
        if config["BACKEND"].endswith("DatabaseCache")
    }
    return QUIET_TABLES | db_caches


def is_page_write(sql) -> bool:
    """Can this statement change what a page shows? Cheap for the reads that are most SQL."""
    if not isinstance(sql, str):
        return True
    head = sql[:16].lstrip()[:6].upper()
    if head not in _WRITE_HEADS:
        if head[:4] == "WITH":  # a data-modifying CTE (raw SQL only)
            upper = sql.upper()
            return "INSERT" in upper or "UPDATE" in upper or "DELETE" in upper
        return False
    match = _TABLE.match(sql)
    return not (match and match.group(1).lower() in _quiet_tables())


def bump() -> None:
    """Start a new shared data generation: every stored page misses from now on."""
    if getattr(_local, "bumping", False):
        return  # the database cache writing the generation (its table is quiet; belt and braces)
    _local.bumping = True
    _local.pending = False
    cache = caches[CACHE_ALIAS]
    on_database = isinstance(cache, DatabaseCache)
    # Inside someone's transaction (an autocommit write's bump deferred to the next statement),
    # in a savepoint: a failing cache write on PostgreSQL must not abort the caller's work.
    inside = on_database and connections["default"].in_atomic_block
    try:
        if not (on_database and _store_generation_directly(connections["default"], cache)):
            with transaction.atomic(using="default") if inside else contextlib.nullcontext():
                _store_generation(cache, on_database)
    except Exception:
        # The write itself succeeded; failing it now would lose the user's work for nothing.
        # Pages stored before stay at most until their minute ends.
        # Not when `migrate` runs on a new database before `createcachetable`: nothing is stored.
        if not _cache_table_missing(cache):
            logger.exception("page cache: could not start a new data generation")
    finally:
        _local.bumping = False
    _local.token = None
    _local.looked_up = False
    _local.known = None


def _store_generation(cache, on_database: bool) -> None:
    for _attempt in range(2):
        generation = secrets.token_hex(8)
        cache.set(GENERATION_KEY, generation, None)
        # The database cache swallows its own errors (a locked table): read it back.
        if not on_database or cache.get(GENERATION_KEY) == generation:
            return
    logger.error("page cache: the new data generation was not stored")


def _store_generation_directly(connection, cache) -> bool:
    """Write a new generation in one statement, and say whether it did. The database cache's
    own set is eight statements (a count of the whole table to decide on culling, a savepoint,
    a read, the write, a read back): on a write request that was a tenth of its time, and the
    count grows with the pages stored. One upsert of the one row, where the database has it
    (SQLite, PostgreSQL). Not inside a transaction on PostgreSQL, where a failing statement
    would abort the caller's work (the savepoint of the way below protects it); on SQLite a
    failing statement leaves the transaction as it was. A failure raises: nothing is
    swallowed, so there is nothing to read back."""
    if connection.vendor not in ("sqlite", "postgresql") or connection.needs_rollback:
        return False
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        return False
    table = connection.ops.quote_name(cache._table)  # from settings, not from a request
    sql = (
        f'INSERT INTO {table} ("cache_key", "value", "expires") VALUES (%s, %s, %s) '  # noqa: S608
        'ON CONFLICT ("cache_key") DO UPDATE SET "value" = EXCLUDED."value", '
        '"expires" = EXCLUDED."expires"'
    )
    # Stored as the database cache stores it (a pickle in base64; no expiry: datetime.max).
    value = base64.b64encode(pickle.dumps(secrets.token_hex(8), cache.pickle_protocol))
    never = connection.ops.adapt_datetimefield_value(datetime.datetime.max.replace(microsecond=0))
    with connection.cursor() as cursor:
        cursor.execute(sql, [cache.make_key(GENERATION_KEY), value.decode("latin1"), never])
    return True


def _cache_table_missing(cache) -> bool:
    if not isinstance(cache, DatabaseCache):
        return False
    try:
        with connections["default"].cursor() as cursor:
            tables = connections["default"].introspection.table_names(cursor)
    except Exception:
        return False
    return cache._table not in tables


def flush() -> None:
    """Bump now if an autocommit write of this thread waits for it."""
    if getattr(_local, "pending", False):
        bump()


def _request_finished(**kwargs) -> None:
    flush()
    # No transaction left open: what this thread wrote is committed (and bumped) or rolled back,
    # so it sees what everyone sees. (A test's own transaction stays open: its token stays.)
    if not any(c.in_atomic_block for c in connections.all(initialized_only=True)):
        _local.token = None


def _flush_at_exit() -> None:
    # A command's last write. Quietly: at exit the database may be gone (so the write with it).
    if getattr(_local, "pending", False):
        with contextlib.suppress(Exception):
            caches[CACHE_ALIAS].set(GENERATION_KEY, secrets.token_hex(8), None)


def _new_token() -> None:
    _local.token = secrets.token_hex(8)
    _local.looked_up = False


def _bumped_inside() -> None:
    """Marks, in a transaction's on-commit list, that its generation was written inside it."""


def _with_the_data(connection) -> bool:
    """Is the generation kept in the same SQLite database as the data this connection writes?
    Then it is written inside the writing transaction, before its first write: no one else sees
    either before the commit, a rollback takes both back, and a write costs no second write
    transaction (on SQLite every write transaction queues for the one write lock). Not on
    PostgreSQL, where every writer would queue on the generation's row until the first commits."""
    return (
        connection.vendor == "sqlite"
        and connection.alias == "default"
        and isinstance(caches[CACHE_ALIAS], DatabaseCache)
    )


def _bump_inside(connection) -> None:
    # Once a transaction, and again after a page was looked up (it may show the rows written
    # so far, not the next ones). A savepoint rolled back takes its marker with its write.
    if getattr(_local, "looked_up", False) or not any(
        entry[1] is _bumped_inside for entry in connection.run_on_commit
    ):
        bump()
        transaction.on_commit(_bumped_inside, using=connection.alias)


def _data_changed(connection) -> None:
    if not connection.in_atomic_block:
        _local.pending = True  # autocommit: the statement has committed
        return
    if getattr(_local, "looked_up", False) or getattr(_local, "token", None) is None:
        _new_token()
    if not any(entry[1] is bump for entry in connection.run_on_commit):
        transaction.on_commit(bump, using=connection.alias)


def watch_writes(execute, sql, params, many, context):
    """Database execute wrapper: a new data generation after every write that can show."""
    if not settings.PAGE_CACHE_ENABLED:
        return execute(sql, params, many, context)  # switched off (the `page_cache_off` tests)
    connection = context["connection"]
    if (
        getattr(_local, "pending", False)
        and not connection.needs_rollback
        and not getattr(_local, "bumping", False)
    ):
        bump()  # the previous statement has finished: the cache can be written
    write = is_page_write(sql)
    inside = (
        write
        and connection.in_atomic_block
        and not connection.needs_rollback
        and not getattr(_local, "bumping", False)
        and _with_the_data(connection)
    )
    if inside:
        _bump_inside(connection)
    try:
        result = execute(sql, params, many, context)
    except Exception:
        if not connection.in_atomic_block and write:
            _local.pending = True  # a failed autocommit statement may have written some rows
        raise
    if write and not inside:
        _data_changed(connection)
    elif isinstance(sql, str) and sql[:8].upper() == "ROLLBACK" and connection.in_atomic_block:
        _new_token()  # back to a savepoint: pages rendered since showed rows now gone
    return result


def _install(sender=None, connection=None, **kwargs) -> None:
    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch_writes)
    # A new connection's PRAGMA data_version starts afresh: it says nothing of what was
    # committed before it opened (and the new driver object may even reuse the old one's id).
    _local.known = None


class PageCacheConfig(AppConfig):
    """Installs the write watcher in every process (web, task worker, periodic jobs, shell):
    a write anywhere must end the pages it changes."""

    name = "practicum.lib.pagecache"
    label = "pagecache"
    verbose_name = "Page cache"

    def ready(self):
        if settings.PAGE_CACHE_ENABLED:
            connection_created.connect(_install, dispatch_uid="practicum.pagecache")
            request_finished.connect(_request_finished, dispatch_uid="practicum.pagecache")
            atexit.register(_flush_at_exit)


@lru_cache(maxsize=4096)
def _view_name(path: str) -> str:
    try:
        return resolve(path).view_name
    except Resolver404:
        return ""


def _urls_changed(setting, **kwargs) -> None:
    if setting == "ROOT_URLCONF":  # tests that swap the URL conf
        _view_name.cache_clear()


setting_changed.connect(_urls_changed, dispatch_uid="practicum.pagecache.urls")


def _visitor(request) -> str | None:
    """Who asks, as far as a page can tell: "-" without a session, else a digest of the
    session's stored text (who is signed in, with which password hash and second factor, and
    any state kept between pages). None when the session store cannot say (not cached)."""
    session = request.session
    if not session._session:  # loads it
        return "-"
    raw = getattr(session, "raw", None)
    if raw is None:
        return None
    return hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()


def _key(request, visitor: str) -> str:
    # The signed-in user's own language and time zone are settled by the visitor and the data
    # generation (a change to either is a write); the request's language counts for everyone.
    meta = request.META
    parts = [
        visitor,
        request.scheme,
        request.get_host(),
        request.get_full_path(),
        get_language() or "",
    ]
    parts += sorted(f"{k}={v}" for k, v in meta.items() if k.startswith("HTTP_HX_"))
    return ENTRY_PREFIX + hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()


def _flash_pending(request) -> bool:
    # FallbackStorage keeps messages in a cookie, overflowing into the session.
    return bool(request.COOKIES.get(CookieStorage.cookie_name)) or "_messages" in request.session


def _mask_tokens(request, body: bytes) -> tuple[bytes, bool] | None:
    """The body with the request's CSRF tokens replaced by the placeholder, and whether it has
    any; None when it cannot be stored."""
    if PLACEHOLDER in body:
        return None
    secret = request.META.get("CSRF_COOKIE")
    if not secret or not request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return body, False  # get_token() was not called: no token in the page
    found = False

    def swap(match):
        nonlocal found
        token = match.group(0).decode()
        if constant_time_compare(_unmask_cipher_token(token), secret):
            found = True
            return PLACEHOLDER
        return match.group(0)

    body = _TOKEN.sub(swap, body)
    return body, found


def _data_version(connection) -> tuple:
    # Straight through the driver: a read of one number needs none of Django's cursor layers.
    connection.ensure_connection()
    raw = connection.connection
    return (id(raw), raw.execute("PRAGMA data_version").fetchone()[0])


_UNREAD = object()


def _generation_directly(connection, cache):
    """The shared generation read straight through the driver, or _UNREAD. On PostgreSQL the
    first statement of a request on a kept connection is preceded by Django's health check
    (CONN_HEALTH_CHECKS: a `SELECT 1` round trip); this read does the health check's work, so a
    hit costs one round trip, not two. Only on a connection already open and outside a
    transaction; anything unusual (a new or broken connection, an error) takes Django's own way,
    which checks the connection and opens a new one if it must."""
    if (
        connection.vendor != "postgresql"
        or connection.connection is None
        or connection.in_atomic_block
        or connection.needs_rollback
        or connection.errors_occurred
        or getattr(connection, "pool", None) is not None
        or not isinstance(cache, DatabaseCache)
    ):
        return _UNREAD
    table = connection.ops.quote_name(cache._table)  # from settings, not from a request
    sql = f'SELECT "value", "expires" FROM {table} WHERE "cache_key" = %s'  # noqa: S608
    try:
        with connection.connection.cursor() as cursor:
            cursor.execute(sql, [cache.make_key(GENERATION_KEY)])
            row = cursor.fetchone()
    except Exception:
        return _UNREAD
    connection.health_check_done = True  # it answered: the connection is usable
    if row is None or row[1] < timezone.now():
        return None
    try:
        # What the database cache itself pickled (DatabaseCache.get_many reads it the same way).
        return pickle.loads(base64.b64decode(row[0].encode()))  # noqa: S301
    except Exception:
        return None


def _lookup(key: str) -> tuple:
    """The shared generation and the entry stored under `key` (or None). A page this process
    already holds needs only the generation to be served. On SQLite, while PRAGMA data_version
    stays the same no other connection has committed, so the generation this thread read last
    is still the one (its own bumps and a new connection forget it). Only outside a
    transaction: inside one, a rollback could take back what was read."""
    connection = connections["default"]
    version = shared = None
    if _with_the_data(connection) and not connection.in_atomic_block:
        version = _data_version(connection)
        known = getattr(_local, "known", None)
        if known is not None and known[0] == version:
            shared = known[1]
    near = _near.get(key)
    cache = caches[CACHE_ALIAS]
    found, read_page = {}, False
    if shared is None:
        # With a page at hand, the (small) generation alone; else both in one read.
        read_page = near is None
        direct = _UNREAD if read_page else _generation_directly(connection, cache)
        if direct is _UNREAD:
            found = cache.get_many([GENERATION_KEY, key] if read_page else [GENERATION_KEY])
            shared = found.get(GENERATION_KEY)
        else:
            shared = direct
        _local.known = (version, shared) if version is not None and shared is not None else None
    if near is not None and near[0][0] == shared:
        return shared, near
    entry = found.get(key) if read_page else cache.get(key)
    if entry is not None and entry[0][0] == shared:
        _keep_near(key, entry)
    return shared, entry


# Pages this process rendered or read, kept in its memory: a hit then reads no page from the
# shared cache. Oldest out first; every entry is still checked against the generation.
_near: dict[str, tuple] = {}
_near_lock = threading.Lock()


def _keep_near(key: str, entry: tuple) -> None:
    with _near_lock:
        _near.pop(key, None)
        _near[key] = entry
        while len(_near) > settings.PAGE_CACHE_NEAR_ENTRIES:
            del _near[next(iter(_near))]


class PageCacheMiddleware:
    def __init__(self, get_response):
        if not enabled():
            raise MiddlewareNotUsed
        self.get_response = get_response
        self.names = frozenset(settings.PAGE_CACHE_URL_NAMES)
        self.seconds = settings.PAGE_CACHE_SECONDS

    def __call__(self, request):
        if request.method != "GET" or _view_name(request.path_info) not in self.names:
            return self.get_response(request)
        visitor = _visitor(request)
        if visitor is None or _flash_pending(request):
            return self.get_response(request)
        now = _clock()
        key = _key(request, visitor)
        flush()  # this thread's own autocommit writes first
        _local.looked_up = True
        shared, entry = _lookup(key)
        generation = (shared, getattr(_local, "token", None))
        # A stored generation's shared part is never None: a lost one matches nothing.
        if entry is not None and entry[0] == generation and now < entry[1]:
            return self._replay(request, entry)
        return self._render(request, key, generation, now)

    def _replay(self, request, entry):
        _generation, _until, status, headers, body, has_token, language = entry
        if has_token:
            body = body.replace(PLACEHOLDER, get_token(request).encode())
        response = HttpResponse(body, status=status, headers=headers)
        # What the page was rendered in (a member's own language), not the request's.
        response["Content-Language"] = language
        response[HEADER] = "hit"
        return response

    def _render(self, request, key, generation, now):
        session = request.session
        was_modified = session.modified
        session.modified = False
        response = self.get_response(request)
        changed_session = session.modified
        session.modified = was_modified or changed_session
        if (
            response.status_code != 200
            or response.streaming
            or response.cookies
            or changed_session
            or isinstance(getattr(request, "_csp_nonce", None), str)
        ):
            return response
        masked = _mask_tokens(request, response.content)
        if masked is None:
            return response
        body, has_token = masked
        # Valid to the end of the minute it was rendered in, and never past PAGE_CACHE_SECONDS.
        until = min(now + self.seconds, (now // 60 + 1) * 60)
        headers = {
            name: value
            for name, value in response.headers.items()
            if name not in ("Content-Length", HEADER)
        }
        try:
            if generation[0] is None:
                # None yet (a new cache, or evicted): start one, unless a write did meanwhile.
                # Only now, so that a render that is not stored costs no cache write.
                generation = (secrets.token_hex(8), generation[1])
                if not caches[CACHE_ALIAS].add(GENERATION_KEY, generation[0], None):
                    return response
            language = get_language() or settings.LANGUAGE_CODE
            entry = (generation, until, response.status_code, headers, body, has_token, language)
            caches[CACHE_ALIAS].set(key, entry, self.seconds)
            _keep_near(key, entry)
        except Exception:
            logger.exception("page cache: could not store a page")
            return response
        response[HEADER] = "miss"
        return response
