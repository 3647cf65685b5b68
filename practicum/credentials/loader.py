"""Load credential rule sets from the YAML files in `data/rules/`.

Idempotent: a version already loaded with the same content is skipped. A version already
loaded with *different* content is refused: a published rule set never changes in place (an
application judged on version 1.0 stays judged on exactly that); a change is a new version.
"""

import datetime
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from practicum.credentials.models import CredentialType, RuleSet
from practicum.credentials.rules import Rules, RulesError
from practicum.lib.translations import TranslationFileError, read_translations, version_files
from practicum.lib.versioned import content_hash, ensure_unchanged
from practicum.lib.yamlfile import read_yaml

DATA_DIR = Path(__file__).resolve().parent / "data" / "rules"


class RuleFileError(ValueError):
    """The file cannot be loaded; the message says where and why."""


@dataclass(frozen=True)
class LoadResult:
    rule_set: RuleSet
    created: bool


def _json_default(value: Any) -> str:
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def read_rule_file(path: Path) -> tuple[dict, Rules]:
    try:
        doc = read_yaml(path)
    except yaml.YAMLError as exc:
        raise RuleFileError(f"{path.name}: not valid YAML ({exc})") from exc
    try:
        rules = Rules.from_content(doc, path.name)
    except RulesError as exc:
        raise RuleFileError(str(exc)) from exc
    # Stored as JSON: dates become ISO strings, so what is stored parses the same way.
    content = json.loads(json.dumps(doc, ensure_ascii=False, default=_json_default))
    return content, rules


def rule_set_load(*, path: Path) -> LoadResult:
    content, rules = read_rule_file(path)
    digest = content_hash(content)
    try:
        # Not part of the digest: a translation may join a published version (lib.translations).
        translations = read_translations(path, content)
    except TranslationFileError as exc:
        raise RuleFileError(str(exc)) from exc
    with transaction.atomic():
        credential_type, _created = CredentialType.objects.get_or_create(
            code=rules.code, defaults={"name": rules.name}
        )
        existing = RuleSet.objects.filter(
            credential_type=credential_type, version=rules.version
        ).first()
        if existing is not None:
            ensure_unchanged(
                existing,
                digest=digest,
                label=f"{path.name}: {rules.code} rules version {rules.version}",
                error=RuleFileError,
            )
            if existing.translations != translations:
                existing.translations = translations
                existing.save(update_fields=["translations"])
            return LoadResult(existing, created=False)
        rule_set = RuleSet.objects.create(
            credential_type=credential_type,
            version=rules.version,
            effective_date=rules.effective_date,
            rules_are_ours=rules.rules_are_ours,
            content=content,
            content_hash=digest,
            translations=translations,
        )
        latest = RuleSet.objects.filter(credential_type=credential_type).order_by(
            "-effective_date", "-loaded_at"
        )[0]
        if latest.pk == rule_set.pk and credential_type.name != rules.name:
            credential_type.name = rules.name
            credential_type.save(update_fields=["name"])
    return LoadResult(rule_set, created=True)


def rule_set_load_all(*, data_dir: Path = DATA_DIR) -> list[LoadResult]:
    return [rule_set_load(path=path) for path in version_files(data_dir, "*.yaml")]
