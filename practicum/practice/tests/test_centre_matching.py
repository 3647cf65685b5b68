"""Staff match a training record whose centre was typed in to a registry centre: suggestions by
name similarity, the link (audited, race-safe), then the registry's rules apply."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import make_user
from practicum.accounts.models import Role
from practicum.audit.models import AuditEntry
from practicum.institutions import services as institutions
from practicum.institutions.models import TrainingCentre, training_verification
from practicum.institutions.tests.conftest import make_centre, make_cohort, make_programme
from practicum.lib.conflict import Conflict
from practicum.practice import centre_matching
from practicum.practice.models import TrainingRecord


def typed_record(mentor, centre_name="Instituto de Mentoria Practica", **extra):
    fields = {
        "mentor": mentor,
        "centre_name": centre_name,
        "centre_type": TrainingRecord.CentreType.NON_ACCREDITED,
        "programme_name": "Foundations",
        "hours": Decimal("40"),
        "mode": "online",
        "started_on": datetime.date(2024, 2, 1),
        "ended_on": datetime.date(2024, 6, 1),
        "instructor_name": "Iris",
        "instructor_email": "iris@example.org",
        **extra,
    }
    return TrainingRecord.objects.create(**fields)


@pytest.fixture
def registry(frameworks):
    accredited = make_centre(name="Instituto de Mentoría Práctica")
    institutions.recognition_grant(
        centre=accredited,
        kind="accredited",
        valid_from=datetime.date(2023, 1, 1),
        valid_until=datetime.date(2027, 12, 31),
        by=None,
    )
    make_centre(name="Nordic Coaching Academy", country="Norway")
    make_centre(name="Mentoring Institute of Lisbon", country="Portugal")
    return accredited


@pytest.mark.django_db
def test_suggestions_rank_the_registry_by_name_similarity(registry, mentor):
    suggestions = centre_matching.centre_suggestions("Instituto de Mentoria Practica")
    assert suggestions[0].centre == registry
    assert all(s.centre.name != "Nordic Coaching Academy" for s in suggestions)
    assert centre_matching.centre_suggestions("Zzyzx") == []
    record = typed_record(mentor)
    best = centre_matching.best_suggestions([record])
    assert best[record.pk].centre == registry


@pytest.mark.django_db
def test_linking_applies_the_registry_rules_and_is_audited(registry, mentor, staff):
    programme = make_programme(registry, name="Mentoring Foundations", hours="60")
    cohort = make_cohort(programme)
    institutions.graduate_record(cohort=cohort, by=None, name="Maya", email=mentor.email)
    record = typed_record(mentor)
    centre_matching.training_centre_match(
        record=record, centre=registry, programme=programme, by=staff
    )
    record.refresh_from_db()
    assert record.centre == registry and record.programme == programme
    assert record.centre_type == TrainingRecord.CentreType.ACCREDITED
    verified = TrainingRecord.objects.annotate(**training_verification()).get(pk=record.pk)
    assert verified.verified_hours == Decimal("60")
    entry = AuditEntry.objects.get(action="training.centre_matched")
    assert entry.actor == staff and entry.person_id == mentor.pk
    assert entry.before["centre_name"] == "Instituto de Mentoria Practica"
    assert not centre_matching.unmatched_records().exists()


@pytest.mark.django_db
def test_the_kind_is_the_centres_when_the_training_ended(mentor, staff, frameworks):
    centre = make_centre(name="Late Academy")
    institutions.recognition_grant(
        centre=centre,
        kind="endorsed",
        valid_from=datetime.date(2025, 1, 1),
        valid_until=datetime.date(2027, 1, 1),
        by=None,
    )
    record = typed_record(mentor, centre_name="Late Academy")
    centre_matching.training_centre_match(record=record, centre=centre, programme=None, by=staff)
    record.refresh_from_db()
    assert record.centre_type == TrainingRecord.CentreType.NON_ACCREDITED


@pytest.mark.django_db
def test_a_programme_of_another_centre_is_refused_and_nothing_changes(registry, mentor, staff):
    other = TrainingCentre.objects.get(name="Nordic Coaching Academy")
    record = typed_record(mentor)
    with pytest.raises(ValidationError):
        centre_matching.training_centre_match(
            record=record, centre=registry, programme=make_programme(other), by=staff
        )
    record.refresh_from_db()
    assert record.centre is None


@pytest.mark.django_db
def test_a_linked_or_set_aside_record_cannot_be_linked_again(registry, mentor, staff):
    record = typed_record(mentor)
    centre_matching.training_centre_match(record=record, centre=registry, programme=None, by=staff)
    with pytest.raises(Conflict):
        centre_matching.training_centre_match(
            record=record, centre=registry, programme=None, by=staff
        )
    other = typed_record(mentor, centre_name="Unknown Place")
    centre_matching.training_centre_set_aside(record=other, by=staff)
    assert AuditEntry.objects.filter(action="training.centre_unmatched").count() == 1
    with pytest.raises(Conflict):
        centre_matching.training_centre_set_aside(record=other, by=staff)


@pytest.mark.django_db
def test_staff_pages_queue_and_link(client, registry, mentor, staff, django_assert_max_num_queries):
    programme = make_programme(registry)
    for i in range(3):
        typed_record(mentor, centre_name=f"Instituto de Mentoria Practica {i}")
    record = typed_record(mentor)
    client.force_login(staff)
    url = reverse("practice:match_queue")
    client.get(url)
    with django_assert_max_num_queries(12):
        page = client.get(url).content.decode()
    assert "Instituto de Mentoría Práctica" in page  # the suggestion
    detail = client.get(
        reverse("practice:match_record", args=[record.pk]), {"centre": registry.pk}
    ).content.decode()
    assert programme.name in detail
    response = client.post(
        reverse("practice:match_act", args=[record.pk]),
        {"action": "match", "centre": registry.pk, "programme": programme.pk},
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.programme == programme
    again = client.post(
        reverse("practice:match_act", args=[record.pk]),
        {"action": "match", "centre": registry.pk, "programme": ""},
    )
    assert again.status_code == 409


@pytest.mark.django_db
def test_a_bad_post_is_refused_without_a_500(client, registry, mentor, staff):
    record = typed_record(mentor)
    client.force_login(staff)
    for data in ({"action": "match"}, {"action": "match", "centre": "x", "programme": "y"}):
        response = client.post(reverse("practice:match_act", args=[record.pk]), data)
        assert response.status_code == 302
    record.refresh_from_db()
    assert record.centre is None


@pytest.mark.django_db
def test_mentors_and_centre_administrators_cannot_match(client, mentor, institution_admin):
    for user in (mentor, institution_admin):
        client.force_login(user)
        assert client.get(reverse("practice:match_queue")).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_two_staff_linking_at_once_link_once(postgres_only, frameworks):
    first = make_user("a@example.org", Role.CREDENTIALING_STAFF, mfa=True)
    second = make_user("b@example.org", Role.CREDENTIALING_STAFF, mfa=True)
    mentor = make_user("m@example.org", Role.MENTOR)
    one, two = make_centre(name="One Centre"), make_centre(name="Two Centre")
    record = typed_record(mentor, centre_name="One")
    barrier, outcomes = threading.Barrier(2), []

    def run(by, centre):
        from django.db import connection

        try:
            barrier.wait()
            centre_matching.training_centre_match(
                record=record, centre=centre, programme=None, by=by
            )
            outcomes.append("done")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(first, one)),
        threading.Thread(target=run, args=(second, two)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["done", "refused"]
    assert AuditEntry.objects.filter(action="training.centre_matched").count() == 1
