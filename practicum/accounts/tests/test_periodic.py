import datetime
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import OperationalError

from practicum.accounts.management.commands import run_periodic
from practicum.accounts.models import PeriodicClaim

pytestmark = pytest.mark.django_db

# Inside a test's transaction, closing "old" connections would close the test's own.
quiet_connections = mock.patch.object(run_periodic, "close_old_connections")


def test_run_periodic_runs_the_jobs_that_exist_and_skips_the_rest(settings):
    settings.PERIODIC_COMMANDS = ["check", "no_such_command"]
    out = StringIO()
    with quiet_connections:
        call_command("run_periodic", once=True, stderr=out)
    assert out.getvalue() == ""
    assert list(PeriodicClaim.objects.values_list("job", flat=True)) == ["check"]


def test_each_job_runs_once_a_round_however_many_runners(settings):
    settings.PERIODIC_COMMANDS = ["check"]
    with quiet_connections, mock.patch.object(run_periodic, "call_command") as job:
        call_command("run_periodic", once=True, every=60)
        call_command("run_periodic", once=True, every=60)  # a second runner, same round
    assert job.call_count == 1
    start = run_periodic.round_start(
        datetime.datetime(2026, 1, 1, 10, 7, 30, tzinfo=datetime.UTC), 300
    )
    assert start == datetime.datetime(2026, 1, 1, 10, 5, tzinfo=datetime.UTC)


def test_a_job_that_loses_the_database_waits_for_it_and_the_next_jobs_run(settings):
    settings.PERIODIC_COMMANDS = ["first", "second"]
    calls = []

    def job(name):
        calls.append(name)
        if name == "first":
            raise OperationalError("terminating connection due to administrator command")

    err = StringIO()
    with (
        quiet_connections,
        mock.patch.object(run_periodic, "get_commands", return_value={"first": 1, "second": 1}),
        mock.patch.object(run_periodic, "call_command", side_effect=job),
        mock.patch.object(run_periodic, "wait_for_database") as wait,
    ):
        call_command("run_periodic", once=True, stderr=err)
    assert calls == ["first", "second"] and wait.call_count == 1
    assert "first failed: OperationalError" in err.getvalue()
