"""One settings module, read from the environment.

Development is the default: DEBUG on, SQLite, email printed to the console. Production is
DEBUG=0, which refuses to start without SECRET_KEY and turns on the HTTPS protections.
Every variable is listed in README.md.
"""

import base64
import hashlib
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from practicum.lib.env import env_bool, env_int, env_list, env_str
from practicum.lib.object_storage import default_storage_from_env

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=True)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (production).")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# In development the links in emails, QR codes and badges name the port the server listens on
# (`PORT=8123 make run`), or every emailed link would be dead.
SITE_URL = env_str("SITE_URL", f"http://127.0.0.1:{env_int('PORT', 8000) if DEBUG else 8000}")
# The professional body's name, as its emails (and their HTML layout) sign them.
BODY_NAME = env_str("BODY_NAME", "Practicum")

INSTALLED_APPS = [
    "practicum.audit",
    "practicum.accounts",
    "practicum.frameworks",
    "practicum.institutions",
    "practicum.practice",
    "practicum.supervision",
    "practicum.reflection",
    "practicum.library",
    "practicum.credentials",
    "practicum.ethics",
    "practicum.demo",
    "practicum.api",
    "practicum.lib.pagecache.PageCacheConfig",  # watches writes in every process
    "practicum.lib.csrf_tokens.CsrfTokensConfig",  # a CSRF token in one random draw
    "practicum.admin_site.PracticumAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_countries",
    "django_tasks",
    "django_tasks_db",
    "template_partials",
    "csp",
    "ninja",  # serves the API's interactive docs from its own vendored static files
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Inside CSRF (a cached page gets a fresh token) and the request's language; before the
    # user is loaded: a stored page is found by the session's stored text, which says who is
    # signed in and how, and any change to that user is a write that ends it
    # (practicum/lib/pagecache.py).
    "practicum.lib.pagecache.PageCacheMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "practicum.accounts.middleware.UserPreferencesMiddleware",
    "practicum.accounts.middleware.AccountStatusMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "csp.middleware.CSPMiddleware",
    "practicum.lib.conflict.ConflictMiddleware",
]

ROOT_URLCONF = "practicum.urls"
FORM_RENDERER = "practicum.lib.forms.FormRenderer"
WSGI_APPLICATION = "practicum.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "practicum" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "practicum.accounts.context_processors.navigation",
            ],
            # {% url %} remembered per process (practicum/lib/reversing.py): pages build dozens.
            "builtins": ["practicum.lib.reversing"],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
# SQLite by default, tuned for a web app (WAL, a busy timeout, IMMEDIATE write transactions so a
# read-then-write cannot deadlock); DATABASE_URL switches to PostgreSQL. Connections persist.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # secure_delete: deleted rows are overwritten with zeros, so an erased person's data does
        # not linger in free pages (erasure also checkpoints the write-ahead log).
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA secure_delete=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rate limits and caches must hold across every web process. The database cache does that
# without another service; REDIS_URL (redis://host:6379/0) moves it to Redis, the choice for
# several machines (docs/DEPLOY.md). Short socket timeouts: a lost Redis fails a request fast.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "practicum"),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "practicum_cache",
            # The page cache keeps one entry per person and page: Django's default of 300
            # entries would have every store cull the table and, with it, the pages of others.
            "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 20000)},
        }
    }

# What every page repeats (the head's links, the menu, the footer: base.html) is kept by each
# process under keys that name all it depends on, so it never needs invalidating; in memory,
# because asking the database cache would cost more than rendering it again. A deploy restarts
# the processes, so a changed template is never served from an old fragment; in development
# (DEBUG) nothing is kept, or an edited template would not show until a restart.
CACHES["template_fragments"] = {
    "BACKEND": "django.core.cache.backends.dummy.DummyCache"
    if DEBUG
    else "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "template-fragments",
    "OPTIONS": {"MAX_ENTRIES": 5000},
}

# Whole-page cache of the pages named below (practicum/lib/pagecache.py): an entry is one
# person's, in one language and time zone, and ends at any write to the data, at the end of its
# minute, or after PAGE_CACHE_SECONDS. Needs a cache shared by every process (database or Redis).
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE", True)
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 60)
# Pages each process also keeps in its own memory (checked against the shared generation all
# the same): a hit then reads the generation, not the page (on SQLite, only when another
# connection has committed since).
PAGE_CACHE_NEAR_ENTRIES = env_int("PAGE_CACHE_NEAR_ENTRIES", 500)
PAGE_CACHE_URL_NAMES = [
    # public
    "frameworks:code",
    "frameworks:competencies",
    "credentials:verify_code",
    # members
    "practice:mentor_dashboard",
    "credentials:dashboard_panel",
    "practice:session_list",
    "practice:session_detail",
    "reflection:toolkit",
    "reflection:worksheet_list",
    "credentials:queue",
]

# Requests a minute allowed to one API token (or one signed-in user calling the API).
API_RATE_LIMIT_PER_MINUTE = env_int("API_RATE_LIMIT_PER_MINUTE", 120)
# Finished webhook deliveries (delivered or given up) are deleted after this many days by the
# `prune_webhook_deliveries` periodic job; pending and retrying ones are kept.
WEBHOOK_DELIVERY_RETENTION_DAYS = env_int("WEBHOOK_DELIVERY_RETENTION_DAYS", 30)

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"

ACCOUNT_ADAPTER = "practicum.accounts.adapter.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "practicum.accounts.signup_form.SignupNameForm"  # asks for a name
ACCOUNT_FORMS = {"login": "practicum.accounts.forms.LoginForm"}  # a refused pair marks both fields
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # mail scanners prefetch links: confirm only on POST
# Signs in only the browser that signed up (allauth keeps the pending sign-up in its session):
# a link opened elsewhere confirms the address and asks for the password as before.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
# Password reset links (Django's and allauth's, which uses Django's token generator) live one
# hour, as OWASP ASVS asks; Django's default is three days.
PASSWORD_RESET_TIMEOUT = 60 * 60
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Practicum] "
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/10m/ip,5/5m/key",
    "login": "30/m/ip",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_email": "1/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Practicum"

# --- Internationalisation and time ----------------------------------------------------------
LANGUAGE_CODE = "en"
# Each language named in itself, untranslated: whoever cannot read the current page's language
# still finds their own in the list.
LANGUAGES = [("en", "English"), ("es", "Español"), ("ar", "العربية")]
# The project's catalogue, then that of lib/ (helpers, not an app, so not found by APP_DIRS).
LOCALE_PATHS = [BASE_DIR / "practicum" / "locale", BASE_DIR / "practicum" / "lib" / "locale"]
# Thousand separators stay off: the numbers shown are small counts and hours, and a separator
# would also split years and reference numbers that templates localise.
FORMAT_MODULE_PATH = ["practicum.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "practicum" / "static"]
STORAGES = {
    # Uploads live outside the web root and are served only through views that check access:
    # a local folder by default, a private S3-compatible bucket with STORAGE_URL or AWS_*
    # (practicum/lib/object_storage.py).
    "default": default_storage_from_env(
        os.environ, media_root=env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media"))
    ),
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}

# Vectors of the ranker's fixed texts, kept on this machine so each process need not encode
# them again (lib.embeddings.stored_vectors); empty turns the file copy off.
EMBEDDING_CACHE_DIR = env_str("EMBEDDING_CACHE_DIR", str(BASE_DIR / "var" / "cache" / "embeddings"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
PROFILE_PHOTO_MAX_BYTES = 2 * 1024 * 1024

# --- Email and background tasks -------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Practicum <no-reply@practicum.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
# A mail server that stops answering must not hold a worker (and its task's lease) for ever.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Finished task rows (sent emails, parsed imports) are deleted after this many hours by the
# `prune_tasks` periodic job; a sent email's payload is cleared the moment it is sent.
TASK_RETENTION_HOURS = env_int("TASK_RETENTION_HOURS", 24)
# Durable tasks (lib/durable_tasks.py): a running task's worker renews a lease of this many
# seconds; a task whose lease ran out (its worker died) or that raised is tried again after a
# backoff (doubling from TASK_RETRY_BACKOFF_SECONDS) up to TASK_MAX_ATTEMPTS attempts, then FAILED.
TASK_LEASE_SECONDS = env_int("TASK_LEASE_SECONDS", 60)
TASK_MAX_ATTEMPTS = env_int("TASK_MAX_ATTEMPTS", 5)
TASK_RETRY_BACKOFF_SECONDS = env_int("TASK_RETRY_BACKOFF_SECONDS", 30)
# How long db_worker and run_periodic wait for the database to come back before exiting non-zero
# (for their supervisor to restart them).
DATABASE_RECONNECT_SECONDS = env_int("DATABASE_RECONNECT_SECONDS", 120)
# Idempotent jobs run by `manage.py run_periodic` (reminders, expiry); missing ones are skipped.
PERIODIC_COMMANDS = [
    "prune_tasks",
    "prune_webhook_deliveries",
    "send_session_reminders",
    "send_selfcare_reminders",
    "expire_credentials",
    "send_renewal_reminders",
    "run_ethics_jobs",
    "lapse_centres",
    "send_centre_renewal_reminders",
]

# --- Confidential fields: Fernet keys, newest first (see practicum/lib/crypto.py) ------------
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", [])
if not FIELD_ENCRYPTION_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must be set when DEBUG is off.")
    # Development only: a key derived from the (development) secret key.
    _digest = hashlib.sha256(f"field-encryption:{SECRET_KEY}".encode()).digest()
    FIELD_ENCRYPTION_KEYS = [base64.urlsafe_b64encode(_digest).decode()]

# --- Open Badges: the algorithm of new signing keys (RS256, which every OB 3.0 verifier must
# support, or EdDSA); `manage.py rotate_badge_key` starts a key with it ---------------------
BADGE_SIGNING_ALGORITHM = env_str("BADGE_SIGNING_ALGORITHM", "RS256")

# --- Security -------------------------------------------------------------------------------
# Database sessions read with one plain SELECT, keeping the stored text (practicum/lib/sessions.py).
SESSION_ENGINE = "practicum.lib.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    # SECURE_COOKIES=0 is for a production-mode run on a plain-http laptop only (README):
    # browsers do not send Secure cookies over http, so sign-in would fail.
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    if env_bool("BEHIND_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# No inline scripts anywhere: htmx is vendored and configured from a <meta> tag.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Logging: never log request bodies; confidential text stays out of logs ---------------
# Every handler redacts emailed-link tokens (sign-off, referee, reset, email confirmation,
# calendar feed) from paths and query strings: see practicum/lib/redact.py. Django's own
# request and development-server loggers are redefined here so their records pass through it.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_tokens": {"()": "practicum.lib.redact.RedactTokensFilter"}},
    "formatters": {
        "server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_tokens"]},
        "server": {
            "class": "logging.StreamHandler",
            "formatter": "server",
            "filters": ["redact_tokens"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["server"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
    },
}
