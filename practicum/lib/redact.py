"""Keep emailed-link tokens out of every log.

A sign-off, referee, password-reset, email-confirmation or calendar-feed URL carries a secret
that lets its holder act. Request logs (Django's 404/410 warnings, the development server's and
gunicorn's access logs) would print it whole; `redact()` replaces the token with `[redacted]`.

`TOKEN_PATHS` lists the URL shapes that carry one; `practicum/lib/tests/test_redact.py` walks the
URL conf and fails when a route with a `token` or `key` parameter is not covered here.
"""

import logging
import re

from gunicorn.glogging import Logger

REDACTED = "[redacted]"

# (path shape, the group that is the secret). Shapes match anywhere in a log line, so they work
# on a bare path, a full URL, a request line ("GET /path HTTP/1.1") and a referer alike.
TOKEN_PATHS: list[re.Pattern[str]] = [
    # practice: an external supervisor's sign-off and a referee's answer
    re.compile(r"(/confirm-session/)([^/?#\s\"]+)"),
    re.compile(r"(/reference/)([^/?#\s\"]+)"),
    # supervision: a private calendar feed
    re.compile(r"(/calendar/)([^/?#\s\"]+?)(?=\.ics|[/?#\s\"]|$)"),
    # allauth: password reset from key (not its ".../key/done/" page), email confirmation
    re.compile(r"(/password/reset/key/)(?!done/)([^/?#\s\"]+)"),
    re.compile(r"(/confirm-email/)([^/?#\s\"]+)"),
    # ethics: a complainant's private link to their concern
    re.compile(r"(/concerns/follow/)([^/?#\s\"]+)"),
    # institutions: an administrator's or a mentor's invitation to join a centre
    re.compile(r"(/institution/join/)([^/?#\s\"]+)"),
]

# Query keys whose value is a secret wherever they appear.
TOKEN_QUERY_KEYS = ("token", "key", "code", "uidb36", "signature", "secret", "password")
_QUERY = re.compile(
    r"([?&;](?:" + "|".join(TOKEN_QUERY_KEYS) + r")=)([^&;#\s\"]+)",
    re.IGNORECASE,
)


def redact(text: str) -> str:
    """`text` with every token path segment and secret query value replaced."""
    if not text:
        return text
    for pattern in TOKEN_PATHS:
        text = pattern.sub(lambda m: m.group(1) + REDACTED, text)
    return _QUERY.sub(lambda m: m.group(1) + REDACTED, text)


class RedactTokensFilter(logging.Filter):
    """A handler filter: formats the record's message once, redacted, and keeps the record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is logging's problem, not ours
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg = redacted
            record.args = ()
        request = getattr(record, "request", None)
        if request is not None:
            # Handlers that print the request (e.g. an admin email) must not find it whole.
            record.request = None
        return True


class GunicornLogger(Logger):
    """gunicorn's logger with the request line, path, query and referer redacted in the access
    log (`make web` passes `--logger-class practicum.lib.redact.GunicornLogger`)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key, value in atoms.items():  # request line, path, referer, header and environ atoms
            if isinstance(value, str) and value:
                # A leading "?" lets a bare query string ("token=...") be read as one.
                atoms[key] = redact("?" + value)[1:]
        return atoms
