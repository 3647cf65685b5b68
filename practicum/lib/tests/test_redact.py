"""Emailed-link tokens never reach a log: Django's loggers, runserver's and gunicorn's."""

import logging
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from practicum.lib.redact import REDACTED, GunicornLogger, redact

SECRET = "s3cr3tTOKENvalue"

TOKEN_URLS = [
    ("practice:external_sign_off", {"token": SECRET}),
    ("practice:referee_response", {"token": SECRET}),
    ("supervision:calendar_feed", {"token": SECRET}),
    ("account_confirm_email", {"key": SECRET}),
    ("account_reset_password_from_key", {"uidb36": "4", "key": SECRET}),
]


@pytest.mark.parametrize(("name", "kwargs"), TOKEN_URLS)
def test_it_redacts_every_token_url(name, kwargs):
    path = reverse(name, kwargs=kwargs)
    for line in (path, f"https://practicum.example.org{path}", f"GET {path}?x=1 HTTP/1.1"):
        out = redact(line)
        assert SECRET not in out
        assert REDACTED in out


def test_it_redacts_secret_query_values_and_keeps_the_rest():
    out = redact("/x/?page=2&token=abc123&key=k9&q=tea")
    assert "abc123" not in out and "k9" not in out
    assert "page=2" in out and "q=tea" in out


def test_it_leaves_the_reset_done_page_alone():
    assert redact("/accounts/password/reset/key/done/") == "/accounts/password/reset/key/done/"


def _walk(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def test_every_route_with_a_token_or_key_parameter_is_covered():
    """A new emailed-link route must be added to TOKEN_PATHS, or this fails."""
    missing = []
    for route, _pattern in _walk(get_resolver()):
        params = set(re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route))
        names = {a or b for a, b in params}
        if not names & {"token", "key"}:
            continue
        sample = re.sub(r"\(\?P<\w+>[^)]*\)", SECRET, route)
        sample = re.sub(r"<(?:\w+:)?\w+>", SECRET, sample).replace("^", "").replace("$", "")
        sample = "/" + sample.replace("\\", "")
        if SECRET in redact(sample):
            missing.append(route)
    assert not missing, missing


def test_djangos_request_log_is_redacted(client, caplog, db):
    handler = next(h for h in logging.getLogger("django").handlers)
    caplog.handler.addFilter(handler.filters[0])
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get(f"/mentor/confirm-session/{SECRET}/nothing-here/")
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "confirm-session" in text
    assert SECRET not in text


def test_every_configured_handler_redacts():
    from practicum.lib.redact import RedactTokensFilter

    for name in ("django", "django.server", "django.request", ""):
        logger = logging.getLogger(name)
        while logger is not None and not logger.handlers:
            logger = logger.parent
        assert logger is not None
        for handler in logger.handlers:
            if type(handler).__module__.startswith("_pytest"):
                continue
            assert any(isinstance(f, RedactTokensFilter) for f in handler.filters), (name, handler)


def test_runserver_access_line_is_redacted():
    from practicum.lib.redact import RedactTokensFilter

    record = logging.LogRecord(
        "django.server", logging.INFO, __file__, 1, '"%s" %s %s',
        (f"GET /mentor/reference/{SECRET}/ HTTP/1.1", "200", "512"), None,
    )  # fmt: skip
    RedactTokensFilter().filter(record)
    assert SECRET not in record.getMessage()


def test_gunicorn_access_log_is_redacted():
    from gunicorn.config import Config

    logger = GunicornLogger(Config())
    path = f"/supervision/calendar/{SECRET}.ics"
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"{path}?token={SECRET}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "PATH_INFO": path,
        "QUERY_STRING": f"token={SECRET}",
        "HTTP_REFERER": f"https://x.example/mentor/reference/{SECRET}/",
    }
    resp = SimpleNamespace(status="200 OK", sent=10, headers=[])
    req = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])
    atoms = logger.atoms(resp, req, environ, timedelta(seconds=1))
    line = logger.cfg.access_log_format % atoms
    assert SECRET not in line
    assert SECRET not in " ".join(str(v) for v in atoms.values())
