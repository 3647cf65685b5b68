"""Credential rules as versioned data: the files, the loader, the command."""

import datetime
import shutil
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from practicum.credentials.loader import DATA_DIR, RuleFileError, rule_set_load, rule_set_load_all
from practicum.credentials.models import CredentialType, RuleSet


def test_the_cmm_rules_are_the_sources(rules):
    cmm = RuleSet.objects.current("CMM").rules
    assert cmm.name == "Certified Master Mentor" and not cmm.rules_are_ours
    assert (cmm.fees.member, cmm.fees.non_member, cmm.fees.currency) == (
        Decimal("450.00"),
        Decimal("598.00"),
        "USD",
    )
    assert cmm.validity_years == 2
    assert cmm.review_weeks == {"accredited": 4, "endorsed": 7, "non_accredited": 10}
    reqs = {r.kind: r for r in cmm.requirements}
    assert reqs["training_hours"].hours == 50
    assert reqs["completed_engagements"].count == 10
    assert reqs["verified_references"].count == 5
    assert reqs["prior_credential"].param("credential") == "CPM"
    assert "declared_supervisor" in reqs
    assert cmm.renewal.reminder_days == (90, 30, 7)
    sessions = {r.kind: r for r in cmm.renewal.requirements}["sessions_per_cycle_year"]
    assert sessions.count == 5
    assert 0 < cmm.renewal.audit_percent < 100


def test_the_cpm_is_marked_as_rules_of_our_choice(rules):
    cpm = RuleSet.objects.current("CPM")
    assert cpm.rules_are_ours and cpm.rules.rules_are_ours


def test_loading_twice_changes_nothing(rules):
    again = rule_set_load_all()
    assert not any(r.created for r in again)
    assert RuleSet.objects.count() == 4 and CredentialType.objects.count() == 2


def test_a_published_version_never_changes(rules, tmp_path):
    changed = tmp_path / "CMM-1.0.yaml"
    changed.write_text(
        (DATA_DIR / "CMM-1.0.yaml").read_text().replace('member: "450.00"', 'member: "400.00"')
    )
    with pytest.raises(RuleFileError, match="already published with different content"):
        rule_set_load(path=changed)
    assert RuleSet.objects.current("CMM").rules.fees.member == Decimal("450.00")


def test_a_change_is_a_new_version_in_force_from_its_date(rules, tmp_path):
    text = (DATA_DIR / "CMM-1.0.yaml").read_text()
    new = tmp_path / "CMM-9.0.yaml"
    new.write_text(
        text.replace('version: "1.0"', 'version: "9.0"')
        .replace("effective_date: 2025-01-01", "effective_date: 2030-01-01")
        .replace('non_member: "598.00"', 'non_member: "620.00"', 1)
    )
    assert rule_set_load(path=new).created
    assert RuleSet.objects.current("CMM").version == "1.1"
    later = RuleSet.objects.current("CMM", datetime.date(2030, 1, 1))
    assert later.version == "9.0" and later.rules.fees.non_member == Decimal("620.00")
    assert [r.version for r in RuleSet.objects.in_force(datetime.date(2030, 6, 1))] == [
        "9.0",
        "1.1",
    ]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("kind: completed_engagements", "kind: completed_sessions", "unknown kind"),
        ("    count: 10\n", "    count: ten\n", "whole number"),
        ("  endorsed: 7\n", "", "review_weeks must give"),
        ("audit_percent: 20", "audit_percent: 120", "0 to 100"),
        ('member: "450.00"', 'member: "-1"', "zero or more"),
        ("effective_date: 2025-01-01", "effective_date: soon", "YYYY-MM-DD"),
    ],
)
def test_a_broken_file_is_refused_with_where_and_why(db, tmp_path, old, new, message):
    broken = tmp_path / "CMM-9.yaml"
    text = (DATA_DIR / "CMM-1.0.yaml").read_text()
    assert old in text
    broken.write_text(text.replace(old, new, 1))
    with pytest.raises(RuleFileError, match=message):
        rule_set_load(path=broken)
    assert not RuleSet.objects.exists()


def test_the_command_loads_and_reports(db, tmp_path, monkeypatch):
    out = StringIO()
    call_command("load_credential_rules", stdout=out)
    assert "CMM rules 1.0: loaded" in out.getvalue()
    out = StringIO()
    call_command("load_credential_rules", stdout=out)
    assert "CMM rules 1.0: already loaded" in out.getvalue()


def test_the_command_fails_cleanly_on_a_broken_file(db, tmp_path, monkeypatch):
    shutil.copy(DATA_DIR / "CPM-1.0.yaml", tmp_path / "CPM-1.0.yaml")
    (tmp_path / "XYZ-1.0.yaml").write_text("credential: XYZ\n")
    monkeypatch.setattr("practicum.credentials.loader.DATA_DIR", tmp_path)
    from practicum.credentials import loader

    monkeypatch.setattr(
        "practicum.credentials.management.commands.load_credential_rules.rule_set_load_all",
        lambda: loader.rule_set_load_all(data_dir=tmp_path),
    )
    with pytest.raises(CommandError, match="XYZ-1.0.yaml: missing"):
        call_command("load_credential_rules", stdout=StringIO())
