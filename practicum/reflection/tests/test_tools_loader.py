"""Our own prompts, statements and scales are versioned data, loaded idempotently."""

import datetime
import io
import shutil
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from practicum.reflection.loader import DATA_DIR, ToolFileError, tool_load, tool_load_all
from practicum.reflection.models import ToolVersion

pytestmark = pytest.mark.django_db
Kind = ToolVersion.Kind


def copy_of(kind: str, tmp_path: Path, change=None, version="1.0") -> Path:
    doc = yaml.safe_load((DATA_DIR / kind / "1.0.yaml").read_text(encoding="utf-8"))
    if change:
        change(doc)
    doc["version"] = version
    path = tmp_path / kind / f"{version}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def test_every_tool_loads_once_and_a_second_run_changes_nothing():
    first = tool_load_all()
    assert {r.tool.kind for r in first} == set(Kind.values)
    assert all(r.created for r in first)
    second = tool_load_all()
    assert not any(r.created for r in second)
    assert ToolVersion.objects.count() == len(Kind.values)


def test_the_command_reports_what_it_loaded():
    out = io.StringIO()
    call_command("load_reflection_tools", stdout=out)
    call_command("load_reflection_tools", stdout=out)
    text = out.getvalue()
    assert "Reflective Conversation Framework 1.0: loaded" in text
    assert "Reflective Conversation Framework 1.0: already loaded" in text


def test_the_framework_has_the_nine_steps_of_the_issue():
    (result,) = [r for r in tool_load_all() if r.tool.kind == Kind.REFLECTIVE_CONVERSATION]
    assert [s["key"] for s in result.tool.steps] == [
        "situation",
        "what_happened",
        "thoughts_feelings",
        "patterns",
        "ethical",
        "options",
        "learning",
        "supervision",
        "actions",
    ]
    assert [s["key"] for s in result.tool.steps if s.get("opens_worksheet")] == ["ethical"]


def test_a_published_version_never_changes(tmp_path):
    tool_load(path=DATA_DIR / "self_care_checklist" / "1.0.yaml")

    def reword(doc):
        doc["statements"][0]["text"] = "Changed in place."

    with pytest.raises(ToolFileError, match="already published with different content"):
        tool_load(path=copy_of("self_care_checklist", tmp_path, reword))
    assert ToolVersion.objects.get(kind=Kind.SELF_CARE).content["statements"][0]["text"] != (
        "Changed in place."
    )


def test_a_new_version_is_a_new_row_and_becomes_current_on_its_date(tmp_path):
    old = tool_load(path=DATA_DIR / "self_care_checklist" / "1.0.yaml").tool

    def later(doc):
        doc["effective_date"] = datetime.date.today() + datetime.timedelta(days=30)

    new = tool_load(path=copy_of("self_care_checklist", tmp_path, later, version="1.1")).tool
    assert new.pk != old.pk
    assert ToolVersion.objects.current(Kind.SELF_CARE) == old
    assert ToolVersion.objects.current(Kind.SELF_CARE, on=new.effective_date) == new


@pytest.mark.parametrize(
    ("kind", "change", "message"),
    [
        ("self_care_checklist", lambda d: d["bands"].pop(), "bands must cover 0-40"),
        (
            "self_care_checklist",
            lambda d: d["statements"][0].update(keyed="both"),
            "keyed must be 'strain' or 'resource'",
        ),
        ("self_care_checklist", lambda d: d["prompt"].pop("rise"), "prompt.rise"),
        ("self_care_checklist", lambda d: d["scale"]["labels"].pop(), "one label per point"),
        (
            "reflective_conversation",
            lambda d: d["steps"][1].update(key="situation"),
            "two steps share a key",
        ),
        (
            "reflective_conversation",
            lambda d: d["steps"][0]["fields"][0].update(key="Situation!"),
            "must be lower-case",
        ),
        ("reflective_conversation", lambda d: d["steps"][0].pop("prompt"), "missing 'prompt'"),
        ("competency_scale", lambda d: d["scale"].update(min=5), "min < max"),
        ("themes", lambda d: d["themes"].append("x" * 41), "at most 40 characters"),
        ("readiness_steps", lambda d: d.pop("questionnaire_version"), "questionnaire_version"),
        ("themes", lambda d: d.update(kind="nonsense"), "unknown kind"),
        ("themes", lambda d: d.update(effective_date="soon"), "must be a date"),
    ],
)
def test_a_broken_file_is_refused_with_where_and_why(tmp_path, kind, change, message):
    with pytest.raises(ToolFileError, match=message):
        tool_load(path=copy_of(kind, tmp_path, change))
    assert not ToolVersion.objects.exists()


def test_the_command_fails_clearly_on_a_broken_file(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    (data / "themes" / "1.0.yaml").write_text("kind: [unclosed", encoding="utf-8")
    monkeypatch.setattr("practicum.reflection.loader.DATA_DIR", data)
    with pytest.raises(CommandError, match="not valid YAML"):
        call_command("load_reflection_tools", stdout=io.StringIO())
