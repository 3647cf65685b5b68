from io import StringIO

from django.core.management import call_command


def test_run_periodic_runs_the_jobs_that_exist_and_skips_the_rest(settings, monkeypatch):
    settings.PERIODIC_COMMANDS = ["check", "no_such_command"]
    out = StringIO()
    call_command("run_periodic", once=True, stderr=out)
    assert out.getvalue() == ""
