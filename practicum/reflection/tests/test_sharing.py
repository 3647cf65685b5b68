"""Attaching a reflection to a supervision session, and sharing it with that session's
supervisor: only by the mentor's choice, only the chosen steps, withdrawable at any time."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import make_user
from practicum.accounts.models import Role
from practicum.reflection import services
from practicum.reflection.models import ReflectionShare
from practicum.reflection.tests.conftest import declare, upcoming

pytestmark = pytest.mark.django_db


def share(reflection, session, steps=("situation", "supervision"), **extra):
    return services.reflection_share(reflection=reflection, session=session, steps=steps, **extra)


def shared_url(share_row):
    return reverse("reflection:shared_reflection", args=[share_row.code])


def test_the_mentor_shares_chosen_steps_before_the_session(client, mentor, reflection, session):
    client.force_login(mentor)
    page = client.get(reverse("reflection:reflection_supervision", args=[reflection.pk]))
    html = page.content.decode()
    assert "Sam Supervisor" in html  # the session, labelled with its supervisor
    # only written steps can be chosen; situation and supervision are ticked first
    assert 'value="situation" id="id_steps_0" checked' in html
    assert 'value="learning"' not in html
    response = client.post(
        reverse("reflection:reflection_supervision", args=[reflection.pk]),
        {"session": session.pk, "share": "on", "steps": ["situation", "supervision"]},
    )
    assert response["Location"] == reverse("reflection:reflection_detail", args=[reflection.pk])
    row = ReflectionShare.objects.get()
    assert row.supervisor.email == "sam@example.org" and row.session == session
    assert row.steps == ["situation", "supervision"] and row.is_active
    reflection.refresh_from_db()
    assert reflection.session == session
    assert "Shared with Sam Supervisor" in client.get(response["Location"]).content.decode()


def test_the_supervisor_sees_only_what_was_shared(client, supervisor, reflection, session):
    row = share(reflection, session)
    client.force_login(supervisor)
    listing = client.get(reverse("reflection:shared_list")).content.decode()
    assert "The sponsor&#x27;s request" in listing and "Maya Mentor" in listing
    html = client.get(shared_url(row)).content.decode()
    assert "The sponsor asked me what my mentee said in confidence." in html
    assert "How do I hold the three-way contract?" in html
    # steps not shared stay private
    assert "Anxious, a tight chest." not in html
    assert "She phoned after session four." not in html
    assert "Tell the sponsor nothing." not in html


def test_the_supervisor_is_told_by_email_without_any_reflective_text(
    run_tasks, supervisor, reflection, session
):
    row = share(reflection, session)
    run_tasks()
    message = mail.outbox[-1]
    assert message.to == ["sam@example.org"]
    assert "Maya Mentor shared a reflection with you" in message.subject
    assert shared_url(row) in message.body
    for secret in ("sponsor", "confidence", "three-way", reflection.title):
        assert secret not in message.body and secret not in message.subject


def test_sharing_again_updates_the_share_without_a_new_email(
    run_tasks, supervisor, reflection, session
):
    first = share(reflection, session)
    second = share(reflection, session, steps=["situation", "feelings"][:1])
    run_tasks()
    assert first.pk == second.pk and ReflectionShare.objects.get().steps == ["situation"]
    assert len(mail.outbox) == 1


def test_withdrawing_hides_it_from_the_supervisor_at_once(
    client, mentor, supervisor, reflection, session
):
    row = share(reflection, session)
    client.force_login(mentor)
    response = client.post(reverse("reflection:reflection_withdraw", args=[reflection.pk]))
    assert response.status_code == 302
    row.refresh_from_db()
    assert not row.is_active
    client.force_login(supervisor)
    assert client.get(shared_url(row)).status_code == 404
    assert "sponsor" not in client.get(reverse("reflection:shared_list")).content.decode()


def test_unticking_share_keeps_the_attachment_and_withdraws(client, mentor, reflection, session):
    share(reflection, session)
    client.force_login(mentor)
    client.post(
        reverse("reflection:reflection_supervision", args=[reflection.pk]),
        {"session": session.pk, "steps": ["situation"]},
    )
    reflection.refresh_from_db()
    assert reflection.session == session
    assert not ReflectionShare.objects.active().exists()


def test_moving_the_reflection_to_another_session_withdraws_the_share(
    mentor, supervisor, reflection, session, frameworks
):
    row = share(reflection, session)
    other_supervisor = make_user("otto@example.org", Role.MENTOR, Role.SUPERVISOR)
    other_session = upcoming(mentor, declare(mentor, other_supervisor), days=9)
    services.reflection_attach(reflection=reflection, session=other_session)
    row.refresh_from_db()
    assert not row.is_active
    assert not ReflectionShare.objects.visible_to(supervisor).exists()
    assert not ReflectionShare.objects.visible_to(other_supervisor).exists()


def test_another_supervisor_cannot_read_a_share(client, reflection, session, frameworks):
    row = share(reflection, session)
    stranger = make_user("stranger@example.org", Role.MENTOR, Role.SUPERVISOR)
    client.force_login(stranger)
    assert client.get(shared_url(row)).status_code == 404


def test_the_mentor_is_not_a_supervisor_of_their_own_share(client, mentor, reflection, session):
    row = share(reflection, session)
    client.force_login(mentor)  # a mentor without the Supervisor role
    assert client.get(shared_url(row)).status_code == 403


def test_a_supervisor_who_no_longer_supervises_the_session_loses_access(
    supervisor, reflection, session, frameworks
):
    share(reflection, session)
    other = make_user("otto@example.org", Role.MENTOR, Role.SUPERVISOR)
    session.relationship = declare(session.mentor, other)
    session.save()
    assert not ReflectionShare.objects.visible_to(supervisor).exists()


def test_a_session_with_an_external_supervisor_cannot_be_shared(client, mentor, reflection):
    external = upcoming(mentor, declare(mentor))
    client.force_login(mentor)
    response = client.post(
        reverse("reflection:reflection_supervision", args=[reflection.pk]),
        {"session": external.pk, "share": "on", "steps": ["situation"]},
    )
    assert response.status_code == 200
    assert "supervisor is not on Practicum" in response.content.decode()
    assert not ReflectionShare.objects.exists()
    reflection.refresh_from_db()
    assert reflection.session is None  # nothing partial is saved


def test_a_facilitated_group_session_is_shared_with_its_facilitator(
    client, mentor, supervisor, reflection
):
    group = upcoming(mentor, None, format="group", facilitator=supervisor, source="lab:1")
    row = share(reflection, group)
    assert row.supervisor == supervisor
    client.force_login(supervisor)
    assert client.get(shared_url(row)).status_code == 200


def test_choosing_no_step_or_only_empty_ones_is_refused(client, mentor, reflection, session):
    client.force_login(mentor)
    response = client.post(
        reverse("reflection:reflection_supervision", args=[reflection.pk]),
        {"session": session.pk, "share": "on"},
    )
    assert "Choose at least one step to share." in response.content.decode()
    with pytest.raises(ValidationError, match="empty"):
        share(reflection, session, steps=["learning"])
    assert not ReflectionShare.objects.exists()


def test_another_mentors_session_cannot_be_chosen(
    client, mentor, other_mentor, reflection, supervisor
):
    theirs = upcoming(other_mentor, declare(other_mentor, supervisor))
    client.force_login(mentor)
    response = client.post(
        reverse("reflection:reflection_supervision", args=[reflection.pk]),
        {"session": theirs.pk, "share": "on", "steps": ["situation"]},
    )
    assert "Select a valid choice" in response.content.decode()
    with pytest.raises(ValidationError):
        services.reflection_attach(reflection=reflection, session=theirs)


def test_the_worksheet_is_shared_only_when_ticked(client, supervisor, reflection, session):
    worksheet = services.reflection_worksheet_open(reflection=reflection)
    services.worksheet_conclude(worksheet=worksheet, decision="WORKSHEET-DECISION")
    clause = services.clause_suggestions(worksheet.ranking_text)[0].clause
    cited = services.worksheet_clause_add(worksheet=worksheet, clause=clause, source="suggested")
    services.worksheet_analysis_save(worksheet=worksheet, analyses={cited.pk: {0: "ANALYSIS-Y"}})
    row = share(reflection, session)
    client.force_login(supervisor)
    assert "WORKSHEET-DECISION" not in client.get(shared_url(row)).content.decode()
    share(reflection, session, include_worksheet=True)
    html = client.get(shared_url(row)).content.decode()
    assert "WORKSHEET-DECISION" in html and "ANALYSIS-Y" in html
    assert f"><bdi>{clause.identifier}</bdi></a>" in html  # an identifier reads whole in Arabic


def test_deleting_the_session_ends_the_share(supervisor, reflection, session):
    share(reflection, session)
    session.delete()
    reflection.refresh_from_db()
    assert reflection.session is None and not ReflectionShare.objects.exists()


def test_shared_pages_refuse_mentors_and_staff(client, mentor, staff, reflection, session):
    row = share(reflection, session)
    for user, status in ((mentor, 403), (staff, 403)):
        client.force_login(user)
        assert client.get(reverse("reflection:shared_list")).status_code == status
        assert client.get(shared_url(row)).status_code == status


def test_the_share_list_is_a_fixed_number_of_queries(
    client, mentor, supervisor, tools, django_assert_max_num_queries
):
    from practicum.reflection.tests.conftest import write_reflection

    relationship = declare(mentor, supervisor)
    for n in range(30):
        session = upcoming(mentor, relationship, days=n + 1)
        reflection = write_reflection(mentor, tools["reflective_conversation"], title=f"R{n}")
        share(reflection, session)
    client.force_login(supervisor)
    with django_assert_max_num_queries(10):
        html = client.get(reverse("reflection:shared_list")).content.decode()
    assert html.count("Maya Mentor") == 25
