"""Load the supervision rules (eligibility criteria, reflection models) from the YAML in `data/`.

Idempotent, as the frameworks loader: a version already loaded with the same content is skipped;
one already loaded with *different* content is refused, because published versions never change.
"""

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from practicum.lib.translations import TranslationFileError, read_translations, version_files
from practicum.lib.versioned import content_hash, ensure_unchanged
from practicum.lib.yamlfile import read_yaml
from practicum.supervision.models import EligibilityRuleSet, ReflectionModel

DATA_DIR = Path(__file__).resolve().parent / "data"

# The checks a criterion may name; services.eligibility_evaluate knows how to run each.
CHECKS = frozenset(
    {
        "years_of_practice",
        "supervision_training_hours",
        "completed_engagements",
        "confirmed_supervision_sessions",
    }
)


class RulesFileError(ValueError):
    """The file cannot be loaded; the message says where and why."""


@dataclass(frozen=True)
class LoadResult:
    label: str
    created: bool


def _require(doc: dict, key: str, where: str) -> Any:
    if not isinstance(doc, dict) or doc.get(key) in (None, "", []):
        raise RulesFileError(f"{where}: missing '{key}'")
    return doc[key]


def _read(path: Path) -> dict:
    try:
        doc = read_yaml(path)
    except yaml.YAMLError as exc:
        raise RulesFileError(f"{path.name}: not valid YAML ({exc})") from exc
    if not isinstance(doc, dict):
        raise RulesFileError(f"{path.name}: expected a mapping at the top")
    doc["version"] = str(_require(doc, "version", path.name))
    return doc


def eligibility_load(*, path: Path) -> LoadResult:
    doc = _read(path)
    where = path.name
    if doc.get("kind") != "supervisor_eligibility":
        raise RulesFileError(f"{where}: kind must be supervisor_eligibility")
    if not isinstance(_require(doc, "effective_date", where), datetime.date):
        raise RulesFileError(f"{where}: effective_date must be a date (YYYY-MM-DD)")
    criteria = []
    for index, item in enumerate(_require(doc, "criteria", where), start=1):
        at = f"{where} criterion {index}"
        check = _require(item, "check", at)
        if check not in CHECKS:
            raise RulesFileError(f"{at}: unknown check '{check}' (known: {sorted(CHECKS)})")
        minimum = _require(item, "minimum", at)
        if not isinstance(minimum, int | float) or minimum < 0:
            raise RulesFileError(f"{at}: minimum must be a number of at least 0")
        criteria.append(
            {
                "code": str(_require(item, "code", at)),
                "check": check,
                "minimum": minimum,
                "required": bool(item.get("required", True)),
                "text": " ".join(str(_require(item, "text", at)).split()),
            }
        )
    if len({c["code"] for c in criteria}) != len(criteria):
        raise RulesFileError(f"{where}: two criteria share a code")
    digest = content_hash(doc)
    translations = _translations(path, doc)
    label = f"eligibility {doc['version']}"
    existing = EligibilityRuleSet.objects.filter(version=doc["version"]).first()
    if existing is not None:
        ensure_unchanged(
            existing, digest=digest, label=f"{path.name}: {label}", error=RulesFileError
        )
        _store_translations(existing, translations)
        return LoadResult(label, created=False)
    EligibilityRuleSet.objects.create(
        version=doc["version"],
        title=_require(doc, "title", where),
        effective_date=doc["effective_date"],
        introduction=" ".join(str(doc.get("introduction") or "").split()),
        criteria=criteria,
        content_hash=digest,
        translations=translations,
    )
    return LoadResult(label, created=True)


def _translations(path: Path, doc: dict) -> dict:
    """The translations beside `path`, checked against the version (lib.translations): not part
    of the digest, so one may join a published version."""
    try:
        return read_translations(path, doc)
    except TranslationFileError as exc:
        raise RulesFileError(str(exc)) from exc


def _store_translations(existing, translations: dict) -> None:
    if existing.translations != translations:
        existing.translations = translations
        existing.save(update_fields=["translations"])


def reflection_model_load(*, path: Path) -> LoadResult:
    doc = _read(path)
    where = path.name
    if doc.get("kind") != "reflection_model":
        raise RulesFileError(f"{where}: kind must be reflection_model")
    code = str(_require(doc, "code", where))
    steps = []
    for index, step in enumerate(_require(doc, "steps", where), start=1):
        at = f"{where} step {index}"
        minutes = step.get("minutes")
        if minutes is not None and (not isinstance(minutes, int) or minutes <= 0):
            raise RulesFileError(f"{at}: minutes must be a positive whole number")
        steps.append(
            {
                "title": str(_require(step, "title", at)),
                "minutes": minutes,
                "prompt": " ".join(str(step.get("prompt") or "").split()),
            }
        )
    digest = content_hash(doc)
    translations = _translations(path, doc)
    label = f"reflection model {code} {doc['version']}"
    existing = ReflectionModel.objects.filter(code=code, version=doc["version"]).first()
    if existing is not None:
        ensure_unchanged(
            existing, digest=digest, label=f"{path.name}: {label}", error=RulesFileError
        )
        _store_translations(existing, translations)
        return LoadResult(label, created=False)
    ReflectionModel.objects.create(
        code=code,
        version=doc["version"],
        name=_require(doc, "name", where),
        description=" ".join(str(doc.get("description") or "").split()),
        steps=steps,
        content_hash=digest,
        translations=translations,
    )
    return LoadResult(label, created=True)


@transaction.atomic
def rules_load_all(*, data_dir: Path = DATA_DIR) -> list[LoadResult]:
    results = [eligibility_load(path=p) for p in version_files(data_dir / "eligibility", "*.yaml")]
    results += [
        reflection_model_load(path=p)
        for p in version_files(data_dir / "reflection_models", "*.yaml")
    ]
    return results
