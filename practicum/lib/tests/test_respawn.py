import signal
import subprocess
import sys
import time

from django.conf import settings


def test_respawn_restarts_what_dies_and_stops_with_its_child(tmp_path):
    runs = tmp_path / "runs"
    # The child notes each start, then dies at once the first two times and stays up after.
    child = (
        "import pathlib, sys, time; p = pathlib.Path(sys.argv[1]); "
        "p.write_text(p.read_text() + 'x' if p.exists() else 'x'); "
        "sys.exit(1) if len(p.read_text()) < 3 else time.sleep(60)"
    )
    supervisor = subprocess.Popen(
        [sys.executable, "-m", "practicum.lib.respawn", sys.executable, "-c", child, str(runs)],
        cwd=settings.BASE_DIR,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while not (runs.exists() and runs.read_text() == "xxx"):
        assert time.monotonic() < deadline, "the child was not restarted"
        time.sleep(0.1)
    time.sleep(0.5)
    supervisor.send_signal(signal.SIGTERM)
    assert supervisor.wait(timeout=10) == 128 + signal.SIGTERM  # its child's end, passed on
    assert supervisor.stderr.read().count("ended with status 1") == 2
