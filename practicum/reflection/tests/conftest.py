import datetime

import pytest
from django.utils import timezone

from practicum.practice import services as practice_services
from practicum.practice.models import FocusArea, SupervisionSession
from practicum.reflection import services
from practicum.reflection.loader import tool_load_all
from practicum.reflection.models import ToolVersion

Kind = ToolVersion.Kind


@pytest.fixture
def tools(frameworks):
    """Our own prompts, statements and scales, as `manage.py load_reflection_tools` loads them."""
    return {result.tool.kind: result.tool for result in tool_load_all()}


def declare(mentor, supervisor=None, **extra):
    fields = {
        "focus_area": FocusArea.BOTH,
        "started_on": datetime.date(2025, 1, 1),
        "frequency": "monthly",
    }
    if supervisor is None:
        extra.setdefault("external_name", "Edith External")
        extra.setdefault("external_email", "edith@example.org")
        extra.setdefault("external_address", "1 High Street, York")
    return practice_services.relationship_declare(
        mentor=mentor, supervisor=supervisor, **{**fields, **extra}
    )


def upcoming(mentor, relationship=None, *, days=3, **extra) -> SupervisionSession:
    """A session booked ahead (the log itself only takes sessions already held)."""
    fields = {
        "starts_at": timezone.now() + datetime.timedelta(days=days),
        "duration_minutes": 60,
        "format": "one_to_one",
        "focus": "Preparing a dilemma",
    }
    fields.update(extra)
    return SupervisionSession.objects.create(mentor=mentor, relationship=relationship, **fields)


@pytest.fixture
def relationship(mentor, supervisor):
    return declare(mentor, supervisor)


@pytest.fixture
def session(mentor, relationship):
    return upcoming(mentor, relationship)


ANSWERS = {
    1: {"situation": "The sponsor asked me what my mentee said in confidence."},
    2: {"what_happened": "She phoned after session four.", "what_i_did": "I said I would reply."},
    3: {"thoughts": "Torn between them.", "feelings": "Anxious, a tight chest."},
    6: {"options": "Tell the sponsor nothing.\n\nAsk my mentee first."},
    8: {"to_supervision": "How do I hold the three-way contract?"},
}


def write_reflection(mentor, tool, *, title="The sponsor's request", answers=ANSWERS, **extra):
    reflection = services.reflection_start(mentor=mentor, tool=tool, title=title, **extra)
    for step, values in answers.items():
        services.reflection_save_step(reflection=reflection, step=step, values=values)
    reflection.refresh_from_db()
    return reflection


@pytest.fixture
def reflection(mentor, tools):
    return write_reflection(mentor, tools[Kind.REFLECTIVE_CONVERSATION])
