"""A tiny supervisor for `make run`, `make web`, `make worker` and `make periodic`:
`python -m practicum.lib.respawn COMMAND...` runs COMMAND and starts it again whenever it ends
(a crash, or `db_worker`/`run_periodic` giving up on the database with status 1), pausing 1 s,
then doubling up to 30 s while it keeps dying young. SIGTERM or SIGINT is passed on to COMMAND
and ends the supervisor too. In production systemd does this (docs/DEPLOY.md)."""

import signal
import subprocess
import sys
import time

YOUNG = 60  # seconds: a process that ran longer than this restarts after the shortest pause


def supervise(command: list[str], *, first_pause: float = 1.0, max_pause: float = 30.0) -> int:
    state = {"stopping": False, "child": None}

    def stop(signum, frame):
        state["stopping"] = True
        child = state["child"]
        if child is not None and child.poll() is None:
            child.send_signal(signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    pause = first_pause
    while True:
        started = time.monotonic()
        state["child"] = child = subprocess.Popen(command)  # noqa: S603 (the operator's own)
        code = child.wait()
        if state["stopping"]:
            return code if code >= 0 else 128 - code  # the shell's way to say "killed by"
        if time.monotonic() - started > YOUNG:
            pause = first_pause
        print(
            f"respawn: {' '.join(command[:3])} ended with status {code}; again in {pause:g}s",
            file=sys.stderr,
            flush=True,
        )
        time.sleep(pause)
        if state["stopping"]:
            return code
        pause = min(pause * 2, max_pause)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: python -m practicum.lib.respawn COMMAND [ARGS...]")
    sys.exit(supervise(sys.argv[1:]))
