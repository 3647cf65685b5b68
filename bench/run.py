"""`make bench`: Practicum's pages as a ratio of a bare Django view on the same database.

For each database (SQLite, PostgreSQL) and each data size (the demo data; then `load_scale`'s
millions of sessions), it serves Practicum in production mode with gunicorn (2 sync workers)
beside the ceiling app (`bench/ceiling`: one indexed SELECT, same stack), and measures with
`wrk -t2 -c16` in interleaved rounds: ceiling, then every page, then again. It prints, per page,
the median over rounds of (page requests/s ÷ the same round's ceiling requests/s), the page's
p99 latency as a multiple of the ceiling's p99, and any non-2xx/3xx answers.

Speed is measured here, never in a timed test. Needs `wrk` (Debian: apt-get install wrk).
Environment: BENCH_DBS (sqlite,postgres), BENCH_SIZES (small,large), BENCH_DURATION (s, 10),
BENCH_ROUNDS (3), BENCH_SESSIONS (2000000), BENCH_MENTORS (10000), BENCH_BIG (20000),
BENCH_PG_URL (postgres://postgres@127.0.0.1:5432/practicum_bench), BENCH_PORT (8931, and the
next for the ceiling), BENCH_OFFSET_START (0: the
first scripted run's place in the log; a write that answers anything but its redirect is
counted under "errors"), BENCH_WRITE_RATE (1000: the writes a second each scripted run of
sign-off and booking has targets for; more is counted under "errors"), BENCH_PAGE_CACHE (on;
"on,off" also measures every page with the page cache switched off, i.e. what a first visit or
the first visit after a write costs).

The writes (POST) are scripted (bench/*.lua): every request of every run does a real, distinct
write that succeeds. Logging a session makes up a new start time per request
(log_session.lua); signing off and booking need a pending session or a free slot each, made in
bulk before each block by bench/writes.py (pending sessions of bench-only mentors with the demo
supervisor; free slots of bench-only supervisors, each booked by its own bench-only mentor) and
replayed a line a request by targets.lua, each run from its own slice.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
VAR = ROOT / "var" / "bench"
# BENCH_PORT moves both (the site's, and the ceiling's next to it), for a second run on the
# same machine: a port already taken stops the run, never measures the other run's server.
SITE_PORT = int(os.environ.get("BENCH_PORT", "8931"))
CEILING_PORT = SITE_PORT + 1

# Fixed secrets so that data loaded in development mode decrypts when served in production mode.
KEYS = {
    "SECRET_KEY": "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
    "FIELD_ENCRYPTION_KEYS": "YmVuY2gtb25seS1maWVsZC1rZXktMDEyMzQ1Njc4OWE=",
}


def env_for(db_url: str, *, production: bool) -> dict:
    env = {**os.environ, **KEYS, "DATABASE_URL": db_url}
    if production:
        env.update(
            DEBUG="0",
            ALLOWED_HOSTS="127.0.0.1",
            SECURE_SSL_REDIRECT="0",
            SECURE_HSTS_SECONDS="0",
            LOG_LEVEL="WARNING",
        )
    else:
        env["DEBUG"] = "1"
    return env


def run(cmd: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=ROOT, env=env, check=True, **kwargs)


def manage(env: dict, *args: str, capture: bool = False) -> str:
    result = run([PYTHON, "manage.py", *args], env, capture_output=capture, text=True)
    return result.stdout if capture else ""


def fresh_database(kind: str) -> str:
    if kind == "sqlite":
        VAR.mkdir(parents=True, exist_ok=True)
        for path in VAR.glob("bench.sqlite3*"):
            path.unlink()
        return f"sqlite:///{VAR / 'bench.sqlite3'}"
    url = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/practicum_bench")
    base, name = url.rsplit("/", 1)
    import psycopg

    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url


FIXTURES = r"""
import json, secrets
from bench.signed_in import cookie
from practicum.accounts.models import User, Role
from practicum.practice.models import SupervisionSession, SupervisionRelationship

out = {"csrf": secrets.token_hex(16)}
def person(key, email):
    user = User.objects.filter(email=email).first()
    if user is None:
        return
    out[key] = {"cookie": cookie(user)}
    session = SupervisionSession.objects.filter(mentor=user).order_by("-starts_at").first()
    if session:
        out[key]["session"] = session.pk
    rel = SupervisionRelationship.objects.filter(mentor=user, ended_on__isnull=True).first()
    if rel:
        out[key]["relationship"] = rel.pk
person("mentor", "mentor@demo.practicum.test")
person("staff", "credentialing@demo.practicum.test")
person("big", "big-mentor@scale.practicum.test")
try:
    from practicum.credentials.models import Credential
    c = Credential.objects.order_by("pk").first()
    out["verification"] = c.verification_code if c else None
except Exception:
    out["verification"] = None
print("FIXTURES" + json.dumps(out))
"""


def fixtures(env: dict, writes: int) -> dict:
    text = manage(env, "shell", "-c", FIXTURES, capture=True)
    fx = json.loads(text.split("FIXTURES", 1)[1])
    # Targets for the scripted sign-offs and bookings: `writes` of each (bench/writes.py).
    VAR.mkdir(parents=True, exist_ok=True)
    made = {**env, "BENCH_WRITE_TARGETS": str(writes), "BENCH_TARGETS_DIR": str(VAR)}
    text = manage(made, "shell", "-c", (ROOT / "bench" / "writes.py").read_text(), capture=True)
    fx["writes"] = json.loads(text.split("WRITES", 1)[1])
    return fx


def pages(fx: dict, size: str) -> list[tuple[str, str, str | None, str | None]]:
    """(label, path, whose cookie, wrk script) for each page measured."""
    who = "big" if size == "large" and "big" in fx else "mentor"
    mine = fx[who]
    listed = [
        ("mentor dashboard", "/mentor/", who, None),
        ("credentials panel", "/credentials/panel/", who, None),
        ("supervision log list", "/mentor/log/", who, None),
        ("session detail", f"/mentor/log/{mine.get('session', 0)}/", who, None),
        ("reflective toolkit", "/reflection/", who, None),
        ("ethics lens worksheets", "/reflection/worksheets/", who, None),
        ("staff review queue", "/credentials/staff/queue/", "staff", None),
        ("public Code of Ethics", "/frameworks/code-of-ethics/", None, None),
        ("public Competencies", "/frameworks/competencies/", None, None),
    ]
    if fx.get("verification"):
        listed.append(
            ("public verification", f"/credentials/verify/{fx['verification']}/", None, None)
        )
    if mine.get("relationship"):
        listed.append(("log a session (POST)", "/mentor/log/new/", who, "log_session.lua"))
    # Each request its own target (and cookie) from the file: the path here is only wrk's URL.
    if "sign_off" in fx["writes"]:
        listed.append(("sign off a session (POST)", "/", None, "targets.lua:sign_off"))
    listed.append(("book a session (POST)", "/", None, "targets.lua:book"))
    return listed


class Server:
    def __init__(self, module: str, port: int, env: dict):
        with socket.socket() as probe:
            # As gunicorn binds: the last run's connections in TIME_WAIT do not count as taken.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                raise SystemExit(f"port {port} is taken (another bench?): set BENCH_PORT") from None
        self.proc = subprocess.Popen(
            [GUNICORN, module, "--workers", "2", "--bind", f"127.0.0.1:{port}",
             "--log-level", "warning"],
            cwd=ROOT, env=env, start_new_session=True,
        )  # fmt: skip
        self.port = port
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                return
            except urllib.error.HTTPError:
                return  # it answers (the ceiling has no /healthz)
            except OSError:
                time.sleep(0.5)
        raise SystemExit(f"server on {port} did not start")

    def stop(self):
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=30)


# Each scripted run starts its sessions' times where the last one's could have ended: a time
# used again overlaps a session already logged, and the form answers 200 with an error, which
# wrk counts as a success (earlier rounds measured that error page, not a write).
# BENCH_OFFSET_START moves them all on, for a database already measured once.
_scripted_runs = itertools.count(int(os.environ.get("BENCH_OFFSET_START", "0")))
# Sign-off and booking targets a run has per second it lasts (targets.lua): a run that writes
# faster runs out, and what it sends past its slice is counted under "errors".
WRITE_RATE = int(os.environ.get("BENCH_WRITE_RATE", "1000"))
WARM_UP = 2  # seconds of each page before the rounds


class Targets:
    """One write's file of targets (bench/writes.py), handed out a slice a run."""

    def __init__(self, made: dict):
        self.made = made
        self.next = 1  # targets.lua counts lines from 1

    def env(self, duration: int) -> dict:
        first, self.next = self.next, self.next + duration * WRITE_RATE
        return {
            "BENCH_TARGETS": self.made["file"],
            "BENCH_FIRST": str(first),
            "BENCH_LAST": str(min(self.next - 1, self.made["count"])),
            "BENCH_THREADS": "2",
            "BENCH_EXPECT_STATUS": str(self.made["status"]),
            "BENCH_EXPECT_TEXT": self.made["text"],
        }


def wrk(url: str, *, cookie: str | None, csrf: str, script: str | None, fx_rel, duration: int,
        targets: Targets | None = None):  # fmt: skip
    cmd = ["wrk", "-t2", "-c16", f"-d{duration}s", "--latency", url]
    env = {**os.environ}
    if targets is not None:
        cmd[1:1] = ["-s", str(ROOT / "bench" / script.split(":")[0])]
        env.update(BENCH_CSRF=csrf, **targets.env(duration))
    elif script:
        cmd[1:1] = ["-s", str(ROOT / "bench" / script)]
        env.update(BENCH_COOKIE=f"sessionid={cookie}; csrftoken={csrf}", BENCH_CSRF=csrf,
                   BENCH_RELATIONSHIP=str(fx_rel),
                   BENCH_OFFSET=str(next(_scripted_runs) * 12000))  # fmt: skip
    elif cookie:
        cmd[1:1] = ["-H", f"Cookie: sessionid={cookie}"]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = _ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    # A scripted write that did not do what it should (log_session.lua: not a 302; targets.lua:
    # a 2xx or 3xx that is not its success; past its slice of targets it asks for a 404).
    unexpected = re.search(r"Unexpected answers: (\d+)", out)
    return rps, p99, sum(int(m.group(1)) for m in (bad, unexpected) if m)


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def check_answers(base: str, listed, fx) -> None:
    for label, path, who, script in listed:
        if script:
            continue
        request = urllib.request.Request(base + path)
        if who:
            request.add_header("Cookie", f"sessionid={fx[who]['cookie']}")
        opener = urllib.request.build_opener(NoRedirect)
        try:
            status = opener.open(request, timeout=30).status
        except urllib.error.HTTPError as exc:
            status = exc.code
        if status != 200:
            print(f"  ! {label} ({path}) answers {status}", flush=True)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def measure(db: str, size: str, cache: str, prod: dict, duration: int, rounds: int) -> list[dict]:
    fx = fixtures(prod, writes=(WARM_UP + rounds * duration) * WRITE_RATE)
    listed = pages(fx, size)
    targets = {
        script: Targets(fx["writes"][script.split(":")[1]])
        for _label, _path, _who, script in listed
        if script and script.startswith("targets.lua:")
    }
    site = Server("practicum.wsgi", SITE_PORT, prod)
    ceiling = Server("bench.ceiling.wsgi", CEILING_PORT, prod)
    results = {label: [] for label, *_ in listed}
    ceilings = []

    def hit(path, who, script, seconds):
        return wrk(
            f"http://127.0.0.1:{SITE_PORT}{path}",
            cookie=fx[who]["cookie"] if who else None,
            csrf=fx["csrf"],
            script=script,
            fx_rel=fx.get(who or "mentor", {}).get("relationship"),
            duration=seconds,
            targets=targets.get(script),
        )

    try:
        check_answers(f"http://127.0.0.1:{SITE_PORT}", listed, fx)
        base = f"http://127.0.0.1:{CEILING_PORT}/"
        wrk(base, cookie=None, csrf="", script=None, fx_rel=None, duration=2)  # warm-up
        for _label, path, who, script in listed:  # warm-up
            hit(path, who, script, WARM_UP)
        for _ in range(rounds):
            ceiling_rps, ceiling_p99, _bad = wrk(
                base, cookie=None, csrf="", script=None, fx_rel=None, duration=duration
            )
            ceilings.append((ceiling_rps, ceiling_p99))
            for label, path, who, script in listed:
                rps, p99, bad = hit(path, who, script, duration)
                results[label].append((rps / ceiling_rps, p99 / ceiling_p99, rps, bad))
    finally:
        site.stop()
        ceiling.stop()
    rows = []
    for label, values in results.items():
        rows.append(
            {
                "db": db,
                "size": size,
                "cache": cache,
                "page": label,
                "ratio": statistics.median(v[0] for v in values),
                "p99x": statistics.median(v[1] for v in values),
                "rps": statistics.median(v[2] for v in values),
                "bad": sum(v[3] for v in values),
            }
        )
    rows.append(
        {"db": db, "size": size, "cache": cache, "page": "(ceiling req/s)", "ratio": 1.0,
         "p99x": 1.0, "rps": statistics.median(c[0] for c in ceilings), "bad": 0}
    )  # fmt: skip
    return rows


def main() -> int:
    if not shutil.which("wrk"):
        print("make bench needs wrk: apt-get install -y wrk", file=sys.stderr)
        return 1
    dbs = os.environ.get("BENCH_DBS", "sqlite,postgres").split(",")
    sizes = os.environ.get("BENCH_SIZES", "small,large").split(",")
    duration = int(os.environ.get("BENCH_DURATION", "10"))
    rounds = int(os.environ.get("BENCH_ROUNDS", "3"))
    caches = os.environ.get("BENCH_PAGE_CACHE", "on").split(",")
    rows: list[dict] = []
    for db in dbs:
        url = fresh_database(db)
        dev, prod = env_for(url, production=False), env_for(url, production=True)
        print(f"== {db}: setting up", flush=True)
        run(["make", "-s", "setup"], {**dev, "PYTHON": sys.executable}, stdout=subprocess.DEVNULL)
        manage(prod, "collectstatic", "--noinput", "-v0")
        for size in sizes:
            if size == "large":
                print(f"== {db}: load_scale (this takes minutes)", flush=True)
                manage(
                    dev, "load_scale",
                    "--mentors", os.environ.get("BENCH_MENTORS", "10000"),
                    "--sessions", os.environ.get("BENCH_SESSIONS", "2000000"),
                    "--big-mentor-sessions", os.environ.get("BENCH_BIG", "20000"),
                )  # fmt: skip
            for cache in caches:
                print(f"== {db}/{size}/page cache {cache}: measuring", flush=True)
                served = {**prod, "PAGE_CACHE": "1" if cache == "on" else "0"}
                measured = measure(db, size, cache, served, duration, rounds)
                # Each block as it finishes: a run stopped later keeps what it measured.
                print_table(measured)
                rows += measured
    print()
    print_table(rows)
    return 0


def print_table(rows: list[dict]) -> None:
    print(
        "| page | database | data | page cache | ratio to ceiling | p99 × ceiling "
        "| req/s | errors |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        print(
            f"| {r['page']} | {r['db']} | {r['size']} | {r['cache']} | {r['ratio']:.2f} "
            f"| {r['p99x']:.1f} | {r['rps']:.0f} | {r['bad']} |"
        )
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
