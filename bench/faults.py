"""`make faults`: Practicum under a mixed load while its database and processes fail.

Starts 2 gunicorn web processes (2 sync workers each) and 2 `db_worker`s, each under
`practicum.lib.respawn` as in production, on a PostgreSQL database of its own (dropped and made
again: FAULTS_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/practicum_faults). Client
threads (one mentor each, plus their supervisor) log sessions, sign them off, book one-to-one
slots and read pages for FAULTS_MINUTES (5), spread over both web processes. Meanwhile:

- twice, a web process and a worker are killed with SIGKILL (their supervisor restarts them);
- once, the database goes away for FAULTS_OUTAGE_SECONDS (10): every connection to it is
  terminated (`pg_terminate_backend`) and it refuses new ones (`ALTER DATABASE ...
  ALLOW_CONNECTIONS false`) until it is allowed again. The machine's PostgreSQL server is never
  restarted: others share it.

Then it waits for the queue to drain and checks: every write that got a success answer is in the
database exactly once; every queued email was sent exactly once (at most once twice: a worker
killed between the mail server's acceptance and its commit); no 5xx outside the outage (plus a
few seconds); `/healthz` answered 503 during the outage. Emails go to a spool file
(`practicum/lib/tests/mail_spool.py`). Exit status 1 when a check fails.
"""

from __future__ import annotations

import collections
import contextlib
import http.client
import itertools
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.run import GUNICORN, KEYS, PYTHON  # noqa: E402

VAR = ROOT / "var" / "faults"
SPOOL = VAR / "mail.jsonl"
DB_URL = os.environ.get(
    "FAULTS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/practicum_faults"
)
MINUTES = float(os.environ.get("FAULTS_MINUTES", "5"))
OUTAGE = float(os.environ.get("FAULTS_OUTAGE_SECONDS", "10"))
CLIENTS = int(os.environ.get("FAULTS_CLIENTS", "6"))
PORTS = (8941, 8942)
GRACE = 5.0  # seconds after the outage in which errors still count as the outage's


def environment(*, production: bool = True) -> dict:
    env = {
        **os.environ,
        **KEYS,
        "DATABASE_URL": DB_URL,
        "EMAIL_BACKEND": "practicum.lib.tests.mail_spool.SpoolBackend",
        "MAIL_SPOOL": str(SPOOL),
        "TASK_LEASE_SECONDS": "10",
        "TASK_RETRY_BACKOFF_SECONDS": "2",
        "DATABASE_RECONNECT_SECONDS": "120",
    }
    if production:
        env.update(DEBUG="0", ALLOWED_HOSTS="127.0.0.1", SECURE_SSL_REDIRECT="0",
                   SECURE_HSTS_SECONDS="0", LOG_LEVEL="WARNING")  # fmt: skip
    else:
        env["DEBUG"] = "1"
    return env


def admin_sql(*statements: str) -> None:
    import psycopg

    base = DB_URL.rsplit("/", 1)[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


DB_NAME = DB_URL.rsplit("/", 1)[1]

SETUP = r"""
import datetime, json, secrets
from bench.signed_in import cookie
from practicum.accounts.models import Role
from practicum.practice import services
from practicum.supervision.models import SupervisorProfile
from practicum.supervision.tests.conftest import make_supervisor
from conftest import make_user

every_day = tuple((d, "00:00", "23:30") for d in range(7))
sam = make_supervisor("sam@faults.test", name="Sam Supervisor", zone="UTC", windows=every_day,
                      slot_minutes=30, notice_hours=1)
SupervisorProfile.objects.filter(user=sam).update(max_supervisees=None)
out = {"supervisor": cookie(sam), "public_id": str(sam.public_id), "mentors": []}
for n in range(CLIENTS):
    m = make_user(f"mentor{n}@faults.test", Role.MENTOR, full_name=f"Mentor {n}")
    rel = services.relationship_declare(mentor=m, supervisor=sam, focus_area="both",
                                        started_on=datetime.date(2025, 1, 1), frequency="monthly")
    out["mentors"].append({"cookie": cookie(m), "relationship": rel.pk, "id": m.pk})
print("SETUP" + json.dumps(out))
"""

CHECK = r"""
import collections, json, os
from django_tasks_db.models import DBTaskResult
from practicum.audit.models import AuditEntry
from practicum.practice.models import SupervisionSession
from practicum.supervision.models import Booking
done = json.load(open(os.environ["FAULTS_DONE"]))
problems = []
for pk, mentor_id, _ in done["logs"]:
    s = SupervisionSession.objects.filter(pk=pk, mentor_id=mentor_id).first()
    same = s and SupervisionSession.objects.filter(mentor_id=mentor_id, starts_at=s.starts_at)
    same = same and same.count()
    if same != 1:
        problems.append(f"session {pk}: {same} rows for its mentor and start")
for pk in done["signoffs"]:
    s = SupervisionSession.objects.filter(pk=pk).first()
    entries = AuditEntry.objects.filter(action="session.confirmed", subject_id=str(pk)).count()
    if s is None or s.status != "confirmed" or entries != 1:
        problems.append(f"sign-off {pk}: {s and s.status}, {entries} audit entries")
for code, mentor_id, _ in done["bookings"]:
    b = Booking.objects.filter(code=code, mentor_id=mentor_id).first()
    if b is None or Booking.objects.filter(mentor_id=mentor_id, starts_at=b.starts_at).count() != 1:
        problems.append(f"booking {code} not there exactly once")
emails = DBTaskResult.objects.filter(task_path="practicum.lib.emails.deliver_email")
statuses = collections.Counter(emails.values_list("status", flat=True))
ids = [str(pk) for pk in emails.values_list("pk", flat=True)]
print("CHECK" + json.dumps({"problems": problems, "statuses": statuses, "ids": ids}))
"""


def manage(*args: str, env: dict, capture: bool = False) -> str:
    result = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True,
                            capture_output=capture, text=True)  # fmt: skip
    return result.stdout if capture else ""


class Supervised:
    """A command under `practicum.lib.respawn`, whose child this benchmark kills."""

    def __init__(self, name: str, command: list[str], env: dict):
        self.name = name
        self.proc = subprocess.Popen(
            [PYTHON, "-m", "practicum.lib.respawn", *command],
            cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL,
            stderr=open(VAR / f"{name}.log", "w"),  # noqa: SIM115
        )  # fmt: skip

    def children(self, pid: int | None = None) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(pid or self.proc.pid)], capture_output=True,
                             text=True).stdout  # fmt: skip
        return [int(p) for p in out.split()]

    def kill_child(self) -> None:
        for child in self.children():
            for pid in [*self.children(child), child]:  # gunicorn's workers, then its master
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)

    def stop(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.proc.pid, signal.SIGKILL)


class Load:
    def __init__(self, fx: dict, deadline: float):
        self.fx = fx
        self.deadline = deadline
        self.events: list[tuple[float, str, int]] = []  # (time, op, status; 0: no answer)
        self.health: list[tuple[float, int]] = []
        self.done = {"logs": [], "signoffs": [], "bookings": []}
        self.pending: list[int] = []
        self.lock = threading.Lock()
        self.slot = itertools.count()
        self.minute = itertools.count()
        self.start = time.time()

    def request(self, op: str, path: str, cookie: str, data: dict | None = None):
        port = random.choice(PORTS)
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body)
        csrf = "f" * 32
        req.add_header("Cookie", f"sessionid={cookie}; csrftoken={csrf}")
        req.add_header("X-CSRFToken", csrf)
        req.add_header("Referer", f"http://127.0.0.1:{port}/")
        status, location, text = 0, "", ""
        try:
            with NO_REDIRECTS.open(req, timeout=30) as response:
                status, text = response.status, response.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            status, location = error.code, error.headers.get("Location", "")
        except (OSError, http.client.HTTPException):
            status = 0  # refused or reset: a killed process; a load balancer would go elsewhere
        with self.lock:
            self.events.append((time.time(), op, status))
        return status, location, text

    def client(self, n: int) -> None:
        mentor = self.fx["mentors"][n]
        while time.time() < self.deadline:
            roll = random.random()
            if roll < 0.45:
                self.request("read", random.choice(["/mentor/", "/mentor/log/"]), mentor["cookie"])
            elif roll < 0.7:
                self.log(mentor)
            elif roll < 0.85:
                self.sign_off()
            else:
                self.book(mentor)

    def log(self, mentor: dict) -> None:
        import datetime

        minute = next(self.minute)
        day = datetime.date.today() - datetime.timedelta(days=3 + minute // 1380)
        start = f"{minute % 1380 // 60:02d}:{minute % 60:02d}"
        data = {"relationship": mentor["relationship"], "held_on": day.isoformat(),
                "start_time": start, "duration_minutes": 60, "format": "one_to_one",
                "focus": "Faults", "names_checked": "on"}  # fmt: skip
        status, location, _ = self.request("log", "/mentor/log/new/", mentor["cookie"], data)
        if status == 302 and "/mentor/log/" in location:
            pk = int(location.rstrip("/").rsplit("/", 1)[1])
            starts = f"{day.isoformat()}T{start}:00+00:00"
            with self.lock:
                self.done["logs"].append((pk, mentor["id"], starts))
                self.pending.append(pk)

    def sign_off(self) -> None:
        with self.lock:
            if not self.pending:
                return
            pk = self.pending.pop(random.randrange(len(self.pending)))
        status, _, text = self.request("sign-off", f"/mentor/sign-off/{pk}/",
                                       self.fx["supervisor"], {"decision": "confirm"})  # fmt: skip
        if status == 200 and "You confirmed the session" in text:
            with self.lock:
                self.done["signoffs"].append(pk)

    def book(self, mentor: dict) -> None:
        import datetime

        base = datetime.datetime.now(datetime.UTC).replace(minute=0, second=0, microsecond=0)
        starts = base + datetime.timedelta(days=2, minutes=30 * next(self.slot))
        path = f"/supervision/supervisors/{self.fx['public_id']}/book/"
        status, location, _ = self.request(
            "book", path, mentor["cookie"], {"starts_at": starts.isoformat()}
        )
        if status == 302 and "/bookings/" in location:
            code = location.rstrip("/").rsplit("/", 1)[1]
            with self.lock:
                self.done["bookings"].append((code, mentor["id"], starts.isoformat()))

    def watch_health(self) -> None:
        while time.time() < self.deadline:
            for port in PORTS:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
                        status = r.status
                except urllib.error.HTTPError as error:
                    status = error.code
                except OSError:
                    status = 0
                with self.lock:
                    self.health.append((time.time(), status))
            time.sleep(0.5)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


NO_REDIRECTS = urllib.request.build_opener(_NoRedirects)


def outage(seconds: float) -> tuple[float, float]:
    began = time.time()
    admin_sql(
        f'ALTER DATABASE "{DB_NAME}" ALLOW_CONNECTIONS false',
        f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{DB_NAME}'",  # noqa: S608
    )
    time.sleep(seconds)
    admin_sql(f'ALTER DATABASE "{DB_NAME}" ALLOW_CONNECTIONS true')
    return began, time.time()


def wait_until_up(port: int, timeout: float = 90) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"web process on {port} did not start")


def main() -> int:
    VAR.mkdir(parents=True, exist_ok=True)
    SPOOL.unlink(missing_ok=True)
    print(f"faults: fresh database {DB_NAME}; {MINUTES:g} min, {CLIENTS} clients, "
          f"{OUTAGE:g} s outage", flush=True)  # fmt: skip
    admin_sql(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)', f'CREATE DATABASE "{DB_NAME}"')
    dev = environment(production=False)
    for step in (["migrate", "--noinput", "-v0"], ["createcachetable"], ["load_frameworks"],
                 ["load_supervision_rules"]):  # fmt: skip
        manage(*step, env=dev, capture=True)
    dev["CLIENTS"] = str(CLIENTS)
    setup = SETUP.replace("range(CLIENTS)", f"range({CLIENTS})")
    fx = json.loads(manage("shell", "-c", setup, env=dev, capture=True).split("SETUP", 1)[1])
    prod = environment()
    manage("collectstatic", "--noinput", "-v0", env=prod)

    webs = [
        Supervised(f"web{i}", [GUNICORN, "practicum.wsgi", "--workers", "2", "--bind",
                               f"127.0.0.1:{port}", "--log-level", "warning"], prod)
        for i, port in enumerate(PORTS)
    ]  # fmt: skip
    workers = [
        Supervised(f"worker{i}", [PYTHON, "manage.py", "db_worker", "--interval", "0.5"], prod)
        for i in range(2)
    ]
    for port in PORTS:
        wait_until_up(port)

    duration = MINUTES * 60
    load = Load(fx, time.time() + duration)
    threads = [threading.Thread(target=load.client, args=(n,)) for n in range(CLIENTS)]
    threads.append(threading.Thread(target=load.watch_health))
    for thread in threads:
        thread.start()
    kills: list[float] = []
    window = (0.0, 0.0)
    for at, fault in [(0.2, "kill"), (0.45, "outage"), (0.7, "kill")]:
        time.sleep(max(load.start + at * duration - time.time(), 0))
        if fault == "kill":
            n = len(kills)
            print(f"  {time.time() - load.start:5.1f}s kill -9 web{n} and worker{n}", flush=True)
            webs[n].kill_child()
            workers[n].kill_child()
            kills.append(time.time())
        else:
            print(f"  {time.time() - load.start:5.1f}s database outage, {OUTAGE:g}s", flush=True)
            window = outage(OUTAGE)
    for thread in threads:
        thread.join()

    print("  load over; waiting for the queue to drain", flush=True)
    deadline = time.time() + 180
    done_path = VAR / "done.json"
    done_path.write_text(json.dumps(load.done))
    while True:
        check = json.loads(
            manage(
                "shell", "-c", CHECK, env={**prod, "FAULTS_DONE": str(done_path)}, capture=True
            ).split("CHECK", 1)[1]
        )
        statuses = check["statuses"]
        if set(statuses) <= {"SUCCESSFUL", "FAILED"} or time.time() > deadline:
            break
        time.sleep(3)
    for proc in webs + workers:
        proc.stop()

    return report(load, check, window, kills)


def report(load: Load, check: dict, window: tuple[float, float], kills: list[float]) -> int:
    began, ended = window
    in_outage = lambda t: began <= t <= ended + GRACE  # noqa: E731
    by_op = collections.defaultdict(collections.Counter)
    for _t, op, status in load.events:
        by_op[op]["5xx" if status >= 500 else "no answer" if status == 0 else str(status)] += 1
    bad = [(t, op, s) for t, op, s in load.events if s >= 500 and not in_outage(t)]
    health_down = [s for t, s in load.health if began <= t <= ended and s == 503]
    lines = SPOOL.read_text().splitlines() if SPOOL.exists() else []
    sent = collections.Counter(json.loads(line)["id"] for line in lines if line.strip())
    queued = {f"<task-{pk}@practicum.localhost>" for pk in check["ids"]}
    sent_ids = {i for i in sent if i.startswith("<task-")}
    missing = queued - sent_ids
    twice = sum(1 for i in queued if sent[i] == 2)
    more = sum(1 for i in queued if sent[i] > 2)

    # One email in flight per worker killed, and one per outage, may go twice (see lib.emails).
    allowed_twice = len(kills) + 1
    print("\nrequests (by kind and answer):")
    for op, counts in sorted(by_op.items()):
        print(f"  {op:9} {sum(counts.values()):6}  " + ", ".join(f"{k}: {v}" for k, v in
                                                             sorted(counts.items())))  # fmt: skip
    print(f"writes acknowledged: {len(load.done['logs'])} sessions logged, "
          f"{len(load.done['signoffs'])} sign-offs, {len(load.done['bookings'])} bookings; "
          f"not exactly once in the database: {len(check['problems'])}")  # fmt: skip
    for problem in check["problems"][:10]:
        print(f"    {problem}")
    print(f"emails queued: {len(queued)} ({dict(check['statuses'])}); sent once: "
          f"{len(queued) - len(missing) - twice - more}, twice: {twice}, more: {more}, "
          f"never: {len(missing)} (twice allowed: at most {allowed_twice})")  # fmt: skip
    print(f"outage: {ended - began:.1f}s; /healthz answered 503 {len(health_down)} times in it")
    print(f"5xx outside the outage (+{GRACE:g}s): {len(bad)}")
    for t, op, s in bad[:10]:
        print(f"    {t - load.start:6.1f}s {op} {s}")
    failed = (
        check["problems"] or missing or more or bad or not health_down
        or twice > allowed_twice
    )  # fmt: skip
    print("RESULT: " + ("FAIL" if failed else "PASS"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
