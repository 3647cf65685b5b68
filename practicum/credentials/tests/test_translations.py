"""Credential descriptions and declarations in the reader's language, beside each rule version;
the rules a record cites stay the version as published."""

import shutil

import pytest
import yaml
from django.urls import reverse
from django.utils import translation

from practicum.credentials.loader import DATA_DIR, RuleFileError, rule_set_load
from practicum.credentials.models import RuleSet

pytestmark = pytest.mark.django_db


def test_every_rule_version_has_spanish_and_arabic_texts(rules):
    for rule_set in RuleSet.objects.all():
        assert {"es", "ar"} <= set(rule_set.translations), rule_set
        for lang in ("es", "ar"):
            with translation.override(lang):
                local = rule_set.local_rules
            assert local.description != rule_set.rules.description
            assert local.declaration != rule_set.rules.declaration
            # Only texts: every rule the engine reads is the version's own.
            assert local.requirements == rule_set.rules.requirements
            assert local.fees == rule_set.rules.fees


def test_a_translation_joins_a_published_rule_version(tmp_path, rules):
    source = DATA_DIR / "CMM-1.1.yaml"
    path = tmp_path / "CMM-1.1.yaml"
    shutil.copy(source, path)
    before = RuleSet.objects.get(credential_type__code="CMM", version="1.1")
    (path.parent / "CMM-1.1.fr.yaml").write_text(
        yaml.safe_dump({"description": "Pour les mentors expérimentés."}, allow_unicode=True),
        encoding="utf-8",
    )
    after = rule_set_load(path=path).rule_set
    assert after.pk == before.pk and after.content_hash == before.content_hash
    assert set(after.translations) == {"fr"}  # the files beside this copy
    (path.parent / "CMM-1.1.fr.yaml").write_text(
        yaml.safe_dump({"validity_years": 3}), encoding="utf-8"
    )
    with pytest.raises(RuleFileError, match="cannot change it"):
        rule_set_load(path=path)


def test_the_credential_page_reads_in_spanish(client, rules, mentor):
    mentor.preferred_language = "es"
    mentor.save(update_fields=["preferred_language"])
    client.force_login(mentor)
    html = client.get(reverse("credentials:type_detail", args=["CMM"])).content.decode()
    assert "Para mentores con experiencia que han completado un ciclo completo" in html
    assert "For experienced mentors" not in html
