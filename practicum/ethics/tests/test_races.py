"""Two panel members voting at once, two staff deciding at once (PostgreSQL only)."""

import threading

import pytest
from django.core.exceptions import ValidationError

from practicum.ethics import services
from practicum.ethics.models import Decision, PanelMember, SanctionEffect
from practicum.ethics.tests.conftest import sanction, vote_all


def _run(*calls):
    barrier, outcomes = threading.Barrier(len(calls)), []

    def run(call):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            call()
            outcomes.append("done")
        except ValidationError:
            outcomes.append("refused")
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True)
def test_two_panel_members_voting_at_once_both_count(postgres_only, at_panel, team):
    clauses = {c.pk: True for c in at_panel.clauses.all()}
    warning = sanction(at_panel.framework, 1)

    def voter(member):
        return lambda: services.vote_record(
            case=at_panel, member=member, vote="uphold", findings=clauses, sanction=warning
        )

    assert _run(voter(team[2]), voter(team[3])) == ["done", "done"]
    assert PanelMember.objects.filter(panel__case=at_panel).exclude(vote="").count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_staff_deciding_at_once_make_one_decision(postgres_only, at_panel, team):
    warning = sanction(at_panel.framework, 1)
    vote_all(at_panel, team[2:5], "uphold", warning)

    def decider(person):
        return lambda: services.case_decide(
            case=at_panel, by=person, reasons="Upheld.", sanction=warning, terms={}
        )

    assert _run(decider(team[0]), decider(team[2])) == ["done", "refused"]
    assert Decision.objects.filter(case=at_panel).count() == 1
    assert SanctionEffect.objects.filter(case=at_panel).count() == 1
