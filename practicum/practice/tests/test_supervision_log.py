import datetime
import re
import threading
import zoneinfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from practicum.practice import services
from practicum.practice.models import (
    FocusArea,
    MentoringEngagement,
    SignOffLink,
    SupervisionRelationship,
    SupervisionSession,
)

pytestmark = pytest.mark.django_db
LONG_AGO = datetime.date(2025, 1, 1)


def declare(mentor, supervisor=None, **extra):
    fields = {"focus_area": FocusArea.BOTH, "started_on": LONG_AGO, "frequency": "monthly"}
    if supervisor is None:
        extra.setdefault("external_name", "Edith External")
        extra.setdefault("external_email", "edith@example.org")
        extra.setdefault("external_address", "1 High Street, York")
    return services.relationship_declare(
        mentor=mentor, supervisor=supervisor, **{**fields, **extra}
    )


def log(mentor, relationship, days_ago=3, **extra):
    fields = {
        "starts_at": timezone.now() - datetime.timedelta(days=days_ago),
        "duration_minutes": 60,
        "format": "one_to_one",
        "focus": "Boundaries with a sponsor",
        "key_learnings": "I over-function when the sponsor calls.",
    }
    fields.update(extra)
    return services.session_log(mentor=mentor, relationship=relationship, **fields)


def session_post(relationship, **overrides):
    data = {
        "relationship": relationship.pk,
        "held_on": (timezone.localdate() - datetime.timedelta(days=2)).isoformat(),
        "start_time": "10:00",
        "duration_minutes": "90",
        "format": "group",
        "focus": "Contracting",
        "cases_brought": "A three-way contract that drifted.",
        "key_learnings": "Re-contract early.",
    }
    data.update(overrides)
    return data


# --- relationships -----------------------------------------------------------------------


def test_a_mentor_declares_a_platform_supervisor(client, mentor, supervisor):
    client.force_login(mentor)
    response = client.post(
        reverse("practice:relationship_create"),
        {
            "kind": "platform",
            "supervisor": supervisor.pk,
            "focus_area": "skills",
            "started_on": "2025-02-01",
            "frequency": "monthly",
            "confidentiality_scope": "All of it",
        },
    )
    assert response.status_code == 302
    relationship = SupervisionRelationship.objects.get(mentor=mentor)
    assert relationship.supervisor == supervisor and relationship.external_name == ""
    assert relationship.confidentiality_scope == "All of it"


def test_an_external_supervisor_needs_name_email_and_address(client, mentor):
    client.force_login(mentor)
    response = client.post(
        reverse("practice:relationship_create"),
        {
            "kind": "external",
            "external_name": "Edith",
            "focus_area": "skills",
            "started_on": "2025-02-01",
            "frequency": "monthly",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "external_email" in errors and "external_address" in errors
    assert not SupervisionRelationship.objects.exists()


def test_only_supervisors_can_be_declared_and_not_oneself(mentor, other_mentor, supervisor):
    with pytest.raises(ValidationError, match="not a supervisor"):
        declare(mentor, supervisor=other_mentor)
    with pytest.raises(ValidationError, match="own supervisor"):
        declare(supervisor, supervisor=supervisor)


def test_either_side_can_end_the_relationship_and_history_is_kept(client, mentor, supervisor):
    relationship = declare(mentor, supervisor=supervisor)
    client.force_login(supervisor)
    client.post(
        reverse("practice:supervisee_end", args=[relationship.pk]),
        {"ended_on": timezone.localdate().isoformat()},
    )
    relationship.refresh_from_db()
    assert relationship.ended_on == timezone.localdate() and relationship.ended_by == supervisor
    client.force_login(mentor)
    assert "Ended" in client.get(reverse("practice:relationship_list")).content.decode()


def test_another_supervisor_cannot_end_someone_elses_relationship(
    client, mentor, supervisor, other_mentor
):
    relationship = declare(mentor, supervisor=supervisor)
    client.force_login(mentor)
    other = declare(other_mentor)
    response = client.post(
        reverse("practice:relationship_end", args=[other.pk]), {"ended_on": "2026-01-01"}
    )
    assert response.status_code == 404
    assert relationship.ended_on is None


# --- logging -----------------------------------------------------------------------------


def test_logging_a_session_sends_it_to_the_supervisor(client, mentor, supervisor, run_tasks):
    relationship = declare(mentor, supervisor=supervisor)
    client.force_login(mentor)
    response = client.post(reverse("practice:session_create"), session_post(relationship))
    session = SupervisionSession.objects.get()
    assert response["Location"] == reverse("practice:session_detail", args=[session.pk])
    assert session.status == "pending" and session.duration_minutes == 90
    run_tasks()
    assert mail.outbox[-1].to == [supervisor.email]
    assert "Re-contract" not in mail.outbox[-1].body  # reflections never leave the platform


def test_logging_a_session_reads_the_relationship_once_with_what_the_email_needs(
    client, mentor, supervisor, run_tasks
):
    supervisor.preferred_language = "es"
    supervisor.time_zone = "America/Mexico_City"
    supervisor.save()
    relationship = declare(mentor, supervisor=supervisor)
    client.force_login(mentor)
    client.post(reverse("practice:session_create"), session_post(relationship, start_time="09:00"))
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            reverse("practice:session_create"),
            session_post(relationship, start_time="11:00", names_checked="on"),
        )
    assert response.status_code == 302
    selects = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    # The request's session and user, then the relationship with its supervisor: nothing the
    # sign-off email reads of them (address, name, language, zone) is loaded again.
    assert len(selects) == 3, selects
    assert '"practice_supervisionrelationship"' in selects[2]
    assert '"accounts_user"."bio"' not in selects[2]  # only what the session needs
    run_tasks()
    sent = mail.outbox[-1]
    assert sent.to == [supervisor.email] and mentor.get_full_name() in sent.subject
    session = SupervisionSession.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    there = session.starts_at.astimezone(zoneinfo.ZoneInfo("America/Mexico_City"))
    assert there.strftime("%H:%M") in sent.body  # in the supervisor's own zone
    assert "Duración" in sent.body  # and language


def test_the_session_form_offers_and_takes_the_rows_of_the_versions_in_force(mentor, supervisor):
    from practicum.frameworks.models import Competency, EthicsClause, FrameworkVersion
    from practicum.practice.forms import SessionForm

    relationship = declare(mentor, supervisor=supervisor)
    competencies = FrameworkVersion.objects.current(FrameworkVersion.Kind.COMPETENCIES)
    code = FrameworkVersion.objects.current(FrameworkVersion.Kind.CODE_OF_ETHICS)
    offered = SessionForm(mentor=mentor)
    assert set(offered.fields["competencies"].queryset) == set(
        Competency.objects.filter(framework=competencies)
    )
    assert set(offered.fields["clauses"].queryset) == set(
        EthicsClause.objects.filter(framework=code)
    )
    assert list(offered.fields["relationship"].queryset) == [relationship]
    chosen = Competency.objects.filter(framework=competencies).first()
    clause = EthicsClause.objects.filter(framework=code).first()
    form = SessionForm(
        {**session_post(relationship), "competencies": [chosen.pk], "clauses": [clause.pk]},
        mentor=mentor,
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["competencies"] == [chosen]
    assert form.cleaned_data["clauses"] == [clause]
    # Each form has its own querysets (read above), never one another form has evaluated.
    assert form.fields["competencies"].queryset._result_cache is None
    unknown = Competency.objects.order_by("-pk").first().pk + 1000
    refused = SessionForm({**session_post(relationship), "competencies": [unknown]}, mentor=mentor)
    assert not refused.is_valid() and "competencies" in refused.errors


def test_start_time_is_read_in_the_mentors_zone(client, mentor, supervisor):
    mentor.time_zone = "Asia/Tokyo"
    mentor.save()
    relationship = declare(mentor, supervisor=supervisor)
    client.force_login(mentor)
    client.post(reverse("practice:session_create"), session_post(relationship, start_time="09:00"))
    local = SupervisionSession.objects.get().starts_at.astimezone(
        datetime.timezone(datetime.timedelta(hours=9))
    )
    assert (local.hour, local.minute) == (9, 0)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"held_on": "2099-01-01"}, "held_on", "in the future"),
        ({"duration_minutes": "0"}, "duration_minutes", ""),
        ({"duration_minutes": "900"}, "duration_minutes", ""),
        ({"held_on": "not-a-date"}, "held_on", ""),
        ({"focus": ""}, "focus", ""),
    ],
)
def test_bad_session_input_is_refused_field_by_field(
    client, mentor, supervisor, overrides, field, message
):
    relationship = declare(mentor, supervisor=supervisor)
    client.force_login(mentor)
    response = client.post(
        reverse("practice:session_create"), session_post(relationship, **overrides)
    )
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert not SupervisionSession.objects.exists()


def test_a_duplicate_session_is_refused_with_a_clear_message(client, mentor, supervisor):
    relationship = declare(mentor, supervisor=supervisor)
    client.force_login(mentor)
    client.post(reverse("practice:session_create"), session_post(relationship))
    response = client.post(reverse("practice:session_create"), session_post(relationship))
    assert "already in your log" in response.content.decode()
    assert SupervisionSession.objects.count() == 1


def test_a_session_outside_the_relationship_is_refused(mentor, supervisor):
    relationship = declare(mentor, supervisor=supervisor, started_on=timezone.localdate())
    with pytest.raises(ValidationError, match="was not in place"):
        log(mentor, relationship, days_ago=30)


def test_a_client_name_in_the_cases_asks_for_a_check(client, mentor, supervisor):
    MentoringEngagement.objects.create(
        mentor=mentor,
        mentee_name="Priya Raman",
        kind="external",
        started_on=LONG_AGO,
        status="active",
    )
    relationship = declare(mentor, supervisor=supervisor)
    client.force_login(mentor)
    data = session_post(relationship, cases_brought="Priya keeps cancelling.")
    response = client.post(reverse("practice:session_create"), data)
    assert "may hold a client’s name: Priya" in str(response.context["form"].errors)
    assert not SupervisionSession.objects.exists()
    client.post(reverse("practice:session_create"), {**data, "names_checked": "on"})
    assert SupervisionSession.objects.count() == 1


def test_name_like_phrases_are_flagged_but_plain_text_is_not(mentor):
    assert services.client_name_warnings("I met Dr Smith today", mentor=mentor) == ["Dr Smith"]
    assert services.client_name_warnings("contracting with the sponsor", mentor=mentor) == []


# --- sign-off ----------------------------------------------------------------------------


def test_the_supervisor_confirms_from_their_queue(client, mentor, supervisor, run_tasks):
    session = log(mentor, declare(mentor, supervisor=supervisor))
    client.force_login(supervisor)
    queue = client.get(reverse("practice:sign_off_queue")).content.decode()
    assert "Boundaries with a sponsor" in queue
    assert "over-function" not in queue  # never the mentor's private reflections
    page = client.get(reverse("practice:sign_off_session", args=[session.pk])).content.decode()
    assert "over-function" not in page
    client.post(reverse("practice:sign_off_session", args=[session.pk]), {"decision": "confirm"})
    session.refresh_from_db()
    assert session.status == "confirmed" and session.signed_off_by == supervisor
    run_tasks()
    assert mail.outbox[-1].to == [mentor.email]


def test_a_dispute_needs_a_reason(client, mentor, supervisor):
    session = log(mentor, declare(mentor, supervisor=supervisor))
    client.force_login(supervisor)
    url = reverse("practice:sign_off_session", args=[session.pk])
    response = client.post(url, {"decision": "dispute", "reason": " "})
    assert "Say why" in str(response.context["form"].errors)
    # The form shown again has the entry's facts (a decision alone reads only its status).
    assert "Boundaries with a sponsor" in response.content.decode()
    assert mentor.get_full_name() in response.content.decode()
    client.post(url, {"decision": "dispute", "reason": "We met for 45 minutes."})
    session.refresh_from_db()
    assert session.status == "disputed" and session.dispute_reason == "We met for 45 minutes."


def test_a_sign_off_reads_the_entry_once_before_the_service_locks_it(
    client, mentor, supervisor, django_assert_max_num_queries, run_tasks
):
    mentor.preferred_language = "es"
    mentor.save(update_fields=["preferred_language"])
    session = log(mentor, declare(mentor, supervisor=supervisor))
    client.force_login(supervisor)
    url = reverse("practice:sign_off_session", args=[session.pk])
    client.get(url)  # the browser's way in; the session remembers roles and pledge
    with django_assert_max_num_queries(12) as queries:
        response = client.post(url, {"decision": "confirm"})
    assert "You confirmed the session" in response.content.decode()
    reads = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT") and '"practice_supervisionsession"' in q["sql"]
    ]
    # The view's access and status check, then the service's locked read; the mentor is
    # joined once, by the service, which needs them (the email).
    assert len(reads) == 2
    assert '"accounts_user"' not in reads[0]
    # The locked read takes what the decision needs, not three whole rows (nor anything after).
    for column in ('"password"', '"bio"', '"focus"', '"contract_fees"', '"key_learnings"'):
        assert column not in reads[1], column
    session.refresh_from_db()
    assert session.status == "confirmed" and session.signed_off_by_name
    assert session.local_month is not None and session.signed_off_by == supervisor
    run_tasks()
    sent = mail.outbox[-1]
    assert sent.to == [mentor.email] and "ha confirmado" in sent.body  # the mentor's language


def test_another_supervisor_cannot_see_or_sign_the_session(client, mentor, supervisor, frameworks):
    from conftest import make_user
    from practicum.accounts.models import Role

    session = log(mentor, declare(mentor, supervisor=supervisor))
    stranger = make_user("stranger@example.org", Role.MENTOR, Role.SUPERVISOR)
    client.force_login(stranger)
    url = reverse("practice:sign_off_session", args=[session.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"decision": "confirm"}).status_code == 404


def test_an_external_supervisor_signs_off_by_emailed_link(client, mentor, run_tasks):
    session = log(mentor, declare(mentor))
    run_tasks()
    body = mail.outbox[-1].body
    assert mail.outbox[-1].to == ["edith@example.org"]
    path = re.search(r"(/mentor/confirm-session/[\w-]+/)", body).group(1)
    assert "Boundaries" in client.get(path).content.decode()
    assert SupervisionSession.objects.get().status == "pending"  # a GET changes nothing
    client.post(path, {"decision": "confirm"})
    session.refresh_from_db()
    assert session.status == "confirmed" and session.signed_off_by_name == "Edith External"
    assert client.post(path, {"decision": "dispute", "reason": "x"}).status_code == 410


def test_a_decision_reads_its_entry_once_by_either_way(mentor, supervisor):
    """The locked read has all the decision uses: nothing is loaded after it, whether the
    supervisor decides or an emailed link does."""
    on_platform = log(mentor, declare(mentor, supervisor=supervisor))
    external = log(mentor, declare(mentor), days_ago=4)
    link = services.sign_off_link_for_token(services.sign_off_request(session=external))
    for session, kwargs in [(on_platform, {"by": supervisor}), (external, {"link": link})]:
        with CaptureQueriesContext(connection) as queries:
            services.session_sign_off(
                session=session, decision=services.SignOffDecision(True), **kwargs
            )
        reads = [
            q["sql"]
            for q in queries.captured_queries
            if q["sql"].startswith("SELECT") and 'FROM "practice_supervisionsession"' in q["sql"]
        ]
        assert len(reads) == 1, reads
        session.refresh_from_db()
        assert session.status == "confirmed"
    assert on_platform.signed_off_by == supervisor and external.signed_off_by is None
    assert external.signed_off_by_name == "Edith External"


def test_an_expired_link_says_so(client, mentor):
    token = services.sign_off_request(session=log(mentor, declare(mentor)))
    SignOffLink.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert client.get(reverse("practice:external_sign_off", args=[token])).status_code == 410
    assert client.get(reverse("practice:external_sign_off", args=["nope"])).status_code == 404


def test_a_confirmed_entry_keeps_its_sign_off_when_only_notes_change(mentor, supervisor):
    session = log(mentor, declare(mentor, supervisor=supervisor))
    services.session_sign_off(
        session=session, decision=services.SignOffDecision(True), by=supervisor
    )
    session = services.session_update(session=session, key_learnings="More learned.")
    assert session.status == "confirmed"


def test_changing_a_confirmed_fact_needs_a_new_sign_off(client, mentor, supervisor, run_tasks):
    relationship = declare(mentor, supervisor=supervisor)
    session = log(mentor, relationship)
    services.session_sign_off(
        session=session, decision=services.SignOffDecision(True), by=supervisor
    )
    client.force_login(mentor)
    data = {
        **session_post(relationship, duration_minutes="120"),
        **{
            "held_on": timezone.localtime(session.starts_at).date().isoformat(),
            "start_time": timezone.localtime(session.starts_at).strftime("%H:%M"),
        },
    }
    client.post(reverse("practice:session_edit", args=[session.pk]), data)
    session.refresh_from_db()
    assert session.status == "pending" and session.signed_off_by is None


def test_a_session_cannot_be_signed_off_twice(mentor, supervisor):
    session = log(mentor, declare(mentor, supervisor=supervisor))
    services.session_sign_off(
        session=session, decision=services.SignOffDecision(True), by=supervisor
    )
    with pytest.raises(ValidationError, match="already been signed off"):
        services.session_sign_off(
            session=session, decision=services.SignOffDecision(False, "x"), by=supervisor
        )


@pytest.mark.django_db(transaction=True)
def test_two_sign_offs_racing_record_one_decision(postgres_only, frameworks):
    from conftest import make_user
    from practicum.accounts.models import Role

    mentor = make_user("race-mentor@example.org", Role.MENTOR)
    supervisor = make_user("race-sup@example.org", Role.MENTOR, Role.SUPERVISOR)
    session = log(mentor, declare(mentor, supervisor=supervisor))
    barrier, outcomes = threading.Barrier(2), []

    def decide(confirm: bool):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            services.session_sign_off(
                session=session,
                decision=services.SignOffDecision(confirm, "" if confirm else "not so"),
                by=supervisor,
            )
            outcomes.append("decided")
        except ValidationError:
            outcomes.append("refused")
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=decide, args=(c,)) for c in (True, False)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["decided", "refused"]
    session.refresh_from_db()
    assert session.status in {"confirmed", "disputed"}


# --- privacy and speed ----------------------------------------------------------------------


def test_reflections_are_encrypted_at_rest(mentor, supervisor):
    session = log(mentor, declare(mentor, supervisor=supervisor))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT key_learnings FROM practice_supervisionsession WHERE id = %s", [session.pk]
        )
        raw = cursor.fetchone()[0]
    assert raw.startswith("fernet:") and "over-function" not in raw
    assert SupervisionSession.objects.get().key_learnings.startswith("I over-function")


def test_another_mentors_session_is_404(client, mentor, other_mentor, supervisor):
    session = log(mentor, declare(mentor, supervisor=supervisor))
    client.force_login(other_mentor)
    for name in ("practice:session_detail", "practice:session_edit"):
        assert client.get(reverse(name, args=[session.pk])).status_code == 404


def test_the_dashboard_counts_this_year(client, mentor, supervisor):
    relationship = declare(mentor, supervisor=supervisor)
    confirmed = log(mentor, relationship, days_ago=0)
    services.session_sign_off(
        session=confirmed, decision=services.SignOffDecision(True), by=supervisor
    )
    if timezone.localdate().timetuple().tm_yday > 2:
        log(mentor, relationship, days_ago=1)
    client.force_login(mentor)
    progress = client.get(reverse("practice:mentor_dashboard")).context["progress"]
    assert progress.sessions_confirmed == 1
    assert progress.supervision_hours == 1
    assert any("sign-off" in step for step in progress.next_steps) or progress.sessions_pending == 0


def test_the_dashboard_query_count_does_not_grow(
    client, mentor, supervisor, django_assert_max_num_queries, page_cache_off
):
    relationship = declare(mentor, supervisor=supervisor)
    now = timezone.now()
    SupervisionSession.objects.bulk_create(
        SupervisionSession(
            mentor=mentor,
            relationship=relationship,
            starts_at=now - datetime.timedelta(hours=h),
            duration_minutes=60,
            format="group",
            focus="x",
            status="confirmed" if h % 2 else "pending",
        )
        for h in range(1, 2001)
    )
    client.force_login(mentor)
    # 15 on a first visit (the session remembers roles and pledge): one query reads the
    # sessions, one the CPD; one is whether a supervisor is declared (the first next step).
    with django_assert_max_num_queries(15):
        response = client.get(reverse("practice:mentor_dashboard"))
    assert response.context["progress"].sessions_confirmed > 0
    with django_assert_max_num_queries(12):
        client.get(reverse("practice:session_list"))


def test_the_log_reads_each_kind_of_row_in_the_same_queries_as_one_row(
    client, mentor, supervisor, django_assert_num_queries, page_cache_off
):
    on_platform = declare(mentor, supervisor=supervisor)
    external = declare(mentor)
    log(mentor, on_platform, days_ago=1)
    client.force_login(mentor)
    url = reverse("practice:session_list")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    # Rows of every kind: each supervisor, a group attended (a facilitator, no relationship),
    # each status; the list leaves their confidential texts unread, and reads nothing per row.
    for days in range(2, 20):
        log(mentor, on_platform if days % 2 else external, days_ago=days, notify=False)
    SupervisionSession.objects.bulk_create(
        SupervisionSession(
            mentor=mentor,
            facilitator=supervisor,
            source=f"group:{n}",
            starts_at=timezone.now() - datetime.timedelta(days=30 + n),
            duration_minutes=90,
            format="group",
            focus="Group supervision",
            status=status,
        )
        for n, status in enumerate(["confirmed", "disputed", "pending"] * 3)
    )
    with django_assert_num_queries(len(one.captured_queries)) as many:
        html = client.get(url).content.decode()
    assert not any("key_learnings" in q["sql"] for q in many.captured_queries)
    for text in ("Edith External", supervisor.get_full_name(), "Group", "Disputed", "Confirmed"):
        assert text in html
    assert html.count('class="status status-pending"') >= 3
    assert "Page 1 of 2" in html


def test_a_sessions_page_leaves_the_supervisors_contract_unread(
    client, mentor, supervisor, page_cache_off
):
    for relationship in (declare(mentor, supervisor=supervisor), declare(mentor)):
        session = log(mentor, relationship, notify=False)
        client.force_login(mentor)
        client.get(reverse("practice:session_detail", args=[session.pk]))
        with CaptureQueriesContext(connection) as queries:
            html = client.get(reverse("practice:session_detail", args=[session.pk])).content
        assert relationship.supervisor_name in html.decode()
        assert "I over-function" in html.decode()  # the session's own texts are shown
        assert not any("contract_fees" in q["sql"] for q in queries.captured_queries)
        assert len(queries.captured_queries) <= 7


def test_a_batch_sends_one_digest_with_a_link_per_session(client, mentor, run_tasks):
    relationship = declare(mentor)
    sessions = [log(mentor, relationship, days_ago=d, notify=False) for d in (3, 4)]
    services.sign_off_request_many(sessions=sessions)
    run_tasks()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["edith@example.org"]
    paths = re.findall(r"(/mentor/confirm-session/[\w-]+/)", mail.outbox[0].body)
    assert len(paths) == 2
    client.post(paths[0], {"decision": "confirm"})
    assert SupervisionSession.objects.filter(status="confirmed").count() == 1


def test_the_chart_numbers_are_not_localised(client, mentor):
    mentor.preferred_language = "es"
    mentor.save()
    client.force_login(mentor)
    html = client.get(reverse("practice:mentor_dashboard")).content.decode()
    assert 'y="120.0"' in html and 'y="120,0"' not in html


def test_next_steps_write_whole_hours_plainly(client, mentor):
    client.force_login(mentor)
    steps = client.get(reverse("practice:mentor_dashboard")).context["progress"].next_steps
    assert "50 more hours of mentoring training." in steps
