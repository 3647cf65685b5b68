"""Every action the services record has a label staff read in their language: a lazy
translation registered with `register_actions`, translated in Spanish. A key shown raw on the
trail (`declared_credential.verified`) is a missing registration."""

import re
from pathlib import Path

from django.utils import translation
from django.utils.functional import Promise

from practicum.audit.models import AuditEntry
from practicum.audit.services import _ACTION_LABELS, _CHANGE_LABELS, change_label

ROOT = Path(__file__).resolve().parents[2]
# action="credential.issued" or action=f"declared_credential.{action}"
ACTION = re.compile(r'action\s*=\s*(f?)"([a-z_]+\.[a-z_{}]+)"')


def recorded_actions() -> set[tuple[bool, str]]:
    found = set()
    for path in ROOT.rglob("*.py"):
        if {"tests", "migrations"} & set(path.parts):
            continue
        for match in ACTION.finditer(path.read_text(encoding="utf-8")):
            found.add((bool(match[1]), match[2]))
    return found


def test_every_recorded_action_has_a_registered_label():
    assert recorded_actions(), "the scan found no audit_record calls"
    missing = []
    for is_template, action in recorded_actions():
        if is_template:
            pattern = re.compile("^" + re.sub(r"\\\{[^}]*\\\}", "[a-z_]+", re.escape(action)) + "$")
            if not any(pattern.match(key) for key in _ACTION_LABELS):
                missing.append(action)
        elif action not in _ACTION_LABELS:
            missing.append(action)
    assert not missing, f"register a label for {sorted(missing)}"


def test_every_label_is_a_lazy_translation_with_a_spanish_text():
    for labels in (_ACTION_LABELS, _CHANGE_LABELS):
        for key, label in labels.items():
            if key.startswith("test."):  # registered by another test of this app
                continue
            assert isinstance(label, Promise), f"{key}: use gettext_lazy"
            with translation.override("en"):
                english = str(label)
            with translation.override("es"):
                spanish = str(label)
            assert spanish != english or english in {"CPD"}, f"{key}: no Spanish for '{english}'"


def test_the_trail_names_changes_in_the_readers_language():
    entry = AuditEntry(action="x.y", before={"status": "a", "odd_key": 1}, after={"status": "b"})
    with translation.override("es"):
        assert entry.changes() == [("estado", "a", "b"), ("odd key", 1, None)]
    assert change_label("assigned_to") == "assigned to"
