"""CPU per scripted write, in one process: the benchmark's three POSTs (log a session, sign off a
session, book a slot) called through Django's WSGI handler as gunicorn calls it, each on a
fresh target (bench/writes.py makes them, as `make bench` does), timed with time.process_time.

Run on a database set up as `make bench` sets one up (`make setup` with bench/run.py's KEYS),
with the production settings the benchmark serves with:

    SECRET_KEY=... FIELD_ENCRYPTION_KEYS=... DATABASE_URL=... \
        .venv/bin/python bench/profile_writes.py [N] [--profile WRITE] [--only WRITE,...]

N (200): measured POSTs of each write, after 20 warm-up ones. --profile WRITE: a cProfile of
that write's measured POSTs, sorted by cumulative and own time, in var/bench/WRITE.prof too
(its times are wall-clock and about doubled by its own overhead: read them as shares). Each
write's line also gives its wall time (on PostgreSQL the difference is mostly the server's) and
the garbage collector's CPU. It leaves the sessions, sign-offs and bookings it made in the
database (as the benchmark does); the next run logs its sessions after them (the count is kept
in var/bench/profile_offset). CPU time varies with what else the machine runs: compare two
versions of the code in alternating runs, not one run each.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import gc
import io
import os
import pstats
import runpy
import secrets
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.update(
    DJANGO_SETTINGS_MODULE="practicum.settings",
    DEBUG="0",
    ALLOWED_HOSTS="127.0.0.1",
    SECURE_SSL_REDIRECT="0",
    SECURE_HSTS_SECONDS="0",
    LOG_LEVEL="WARNING",
)
WARM_UP = 20
OFFSET_FILE = ROOT / "var" / "bench" / "profile_offset"


def environ(path: str, body: str, cookie: str, csrf: str) -> dict:
    data = body.encode()
    return {
        "REQUEST_METHOD": "POST",
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_USER_AGENT": "wrk",
        "HTTP_COOKIE": f"sessionid={cookie}; csrftoken={csrf}",
        "HTTP_X_CSRFTOKEN": csrf,
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(data)),
        "wsgi.input": io.BytesIO(data),
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def log_targets(count: int, csrf: str):
    """As bench/log_session.lua: the demo mentor logs a session at a new start each time."""
    import datetime

    from bench.signed_in import cookie
    from practicum.accounts.models import User
    from practicum.practice.models import SupervisionRelationship

    mentor = User.objects.get(email="mentor@demo.practicum.test")
    relationship = SupervisionRelationship.objects.filter(
        mentor=mentor, ended_on__isnull=True, supervisor__isnull=False
    ).first()
    session = cookie(mentor)
    OFFSET_FILE.parent.mkdir(parents=True, exist_ok=True)
    offset = int(OFFSET_FILE.read_text()) if OFFSET_FILE.exists() else 0
    OFFSET_FILE.write_text(str(offset + count))
    today = datetime.date.today()
    for key in range(offset, offset + count):
        day = today - datetime.timedelta(days=key // 1380 + 3)
        minute = key % 1380
        body = (
            f"relationship={relationship.pk}&held_on={day.isoformat()}"
            f"&start_time={minute // 60:02d}:{minute % 60:02d}"
            "&duration_minutes=60&format=one_to_one&focus=Bench+session&names_checked=on"
        )
        yield "/mentor/log/new/", body, session


def file_targets(made: dict):
    with open(made["file"]) as lines:
        for line in lines:
            yield tuple(line.rstrip("\n").split("\t"))


def made_targets(count: int) -> dict:
    folder = ROOT / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    os.environ.update(BENCH_WRITE_TARGETS=str(count), BENCH_TARGETS_DIR=str(folder))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        runpy.run_path(str(ROOT / "bench" / "writes.py"))
    import json

    return json.loads(out.getvalue().split("WRITES", 1)[1])


def call(application, env: dict) -> tuple[str, dict, bytes]:
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = status, dict(headers)

    result = application(env, start_response)
    try:
        body = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return answer["status"], answer["headers"], body


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=200)
    parser.add_argument("--profile", default="")
    parser.add_argument("--only", default="log,sign_off,book")
    args = parser.parse_args()
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection

    application = WSGIHandler()
    total = args.n + WARM_UP
    csrf = secrets.token_hex(16)
    made = made_targets(total)
    expected = {
        "log": (302, "/mentor/log/"),
        "sign_off": (made["sign_off"]["status"], made["sign_off"]["text"]),
        "book": (made["book"]["status"], made["book"]["text"]),
    }
    sources = {
        "log": lambda: log_targets(total, csrf),
        "sign_off": lambda: file_targets(made["sign_off"]),
        "book": lambda: file_targets(made["book"]),
    }
    print(f"database: {connection.vendor}; cache: {os.environ.get('REDIS_URL') or 'database'}")
    collecting = {"spent": 0.0, "runs": [0, 0, 0]}

    def gc_watch(phase, info):
        if phase == "start":
            collecting["at"] = time.process_time()
        else:
            collecting["spent"] += time.process_time() - collecting["at"]
            collecting["runs"][info["generation"]] += 1

    gc.callbacks.append(gc_watch)
    for name in args.only.split(","):
        targets = list(sources[name]())[:total]
        envs = [environ(path, body, cookie, csrf) for path, body, cookie in targets]
        status, text = expected[name]
        bad = 0

        def check(answer, status=status, text=text):
            code, headers, body = answer
            return int(code.split()[0]) == status and (
                text in headers.get("Location", "") or text in body.decode()
            )

        for env in envs[:WARM_UP]:
            bad += not check(call(application, env))
        profiler = cProfile.Profile() if name == args.profile else None
        spent = waited = 0.0
        collecting.update(spent=0.0, runs=[0, 0, 0])
        for env in envs[WARM_UP:]:
            if profiler:
                profiler.enable()
            start, clock = time.process_time(), time.perf_counter()
            answer = call(application, env)
            spent += time.process_time() - start
            waited += time.perf_counter() - clock
            if profiler:
                profiler.disable()
            bad += not check(answer)
        print(
            f"{name}: {spent / args.n * 1000:.2f} ms CPU per POST over {args.n} "
            f"(wall {waited / args.n * 1000:.2f} ms); bad {bad}; "
            f"garbage collection {collecting['spent'] / args.n * 1000:.2f} ms a POST "
            f"(runs by generation {collecting['runs']})"
        )
        if profiler:
            path = ROOT / "var" / "bench" / f"{name}.prof"
            profiler.dump_stats(str(path))
            stats = pstats.Stats(profiler).strip_dirs()
            stats.sort_stats("cumulative").print_stats(70)
            stats.sort_stats("tottime").print_stats(40)
    return 0


if __name__ == "__main__":
    sys.exit(main())
