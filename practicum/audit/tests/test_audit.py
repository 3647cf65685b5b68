import pytest

from practicum.audit.models import AuditEntry
from practicum.audit.services import (
    ERASED_NAME,
    action_label,
    audit_erase_person,
    audit_record,
    audit_trail,
    register_actions,
)

pytestmark = pytest.mark.django_db


def test_an_entry_names_its_subject_by_type_and_id(mentor, staff):
    entry = audit_record(
        actor=staff, action="test.done", subject=mentor, person=mentor, after={"x": 1}
    )
    assert (entry.subject_type, entry.subject_id) == ("accounts.user", str(mentor.pk))
    assert entry.actor_name == "Chloé Staff"
    assert list(audit_trail(mentor)) == [entry]


def test_the_trail_outlives_its_subject_and_actor(mentor, staff):
    audit_record(actor=staff, action="test.done", subject=mentor, person=mentor)
    subject_id = str(mentor.pk)
    staff.delete()
    mentor.delete()
    entry = AuditEntry.objects.get(subject_id=subject_id)
    assert entry.actor is None and entry.actor_name == "Chloé Staff"


def test_erasure_keeps_the_fact_and_drops_the_values(mentor, staff):
    audit_record(actor=staff, action="t.a", subject=mentor, person=mentor, before={"n": "old@x"})
    audit_record(actor=mentor, action="t.b", subject=staff)
    audit_erase_person(user=mentor)
    about, by = AuditEntry.objects.order_by("pk")
    assert about.before == {} and about.after == {} and about.person is None
    assert by.actor is None and by.actor_name == ERASED_NAME


def test_the_system_acts_without_an_actor(mentor):
    assert audit_record(actor=None, action="t.c", subject=mentor).actor_name == "system"


def test_registered_actions_have_labels():
    register_actions({"test.labelled": "Labelled"})
    assert action_label("test.labelled") == "Labelled"
    assert action_label("test.unknown") == "test.unknown"


def test_changes_pairs_before_and_after(mentor):
    entry = audit_record(
        actor=None, action="t", subject=mentor, before={"a": 1}, after={"a": 2, "b": 3}
    )
    assert entry.changes() == [("a", 1, 2), ("b", None, 3)]
