"""Load the ethics process rules from `data/rules/*.yaml` (idempotent; a published version
with other content is refused: a change is a new version file)."""

import datetime
import json
from pathlib import Path

import yaml
from django.db import transaction

from practicum.ethics.models import ProcessRules
from practicum.lib.translations import version_files
from practicum.lib.versioned import content_hash, ensure_unchanged
from practicum.lib.yamlfile import read_yaml

DATA_DIR = Path(__file__).resolve().parent / "data" / "rules"
REQUIRED = ("version", "title", "effective_date", "panel", "appeal", "answer", "sanction_effects")
EFFECTS = {"warning", "training", "probation", "suspension", "revocation", "referral"}


class RuleFileError(ValueError):
    pass


def _default(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def read_rules(path: Path) -> dict:
    try:
        doc = read_yaml(path)
    except yaml.YAMLError as exc:
        raise RuleFileError(f"{path.name}: not valid YAML ({exc})") from exc
    if not isinstance(doc, dict):
        raise RuleFileError(f"{path.name}: expected a mapping")
    missing = [key for key in REQUIRED if key not in doc]
    if missing:
        raise RuleFileError(f"{path.name}: missing {', '.join(missing)}")
    if int(doc["panel"].get("minimum_size", 0)) < 3:
        raise RuleFileError(f"{path.name}: a panel has at least three members")
    numerator = int(doc["panel"].get("majority_numerator", 0))
    denominator = int(doc["panel"].get("majority_denominator", 0))
    if not (0 < numerator <= denominator) or numerator * 2 <= denominator:
        raise RuleFileError(f"{path.name}: the majority must be more than half")
    unknown = set(map(str, doc["sanction_effects"].values())) - EFFECTS
    if unknown:
        raise RuleFileError(f"{path.name}: unknown sanction effects {sorted(unknown)}")
    if not isinstance(doc["effective_date"], datetime.date):
        raise RuleFileError(f"{path.name}: effective_date must be a date")
    return json.loads(json.dumps(doc, ensure_ascii=False, default=_default))


def rules_load(*, path: Path) -> tuple[ProcessRules, bool]:
    content = read_rules(path)
    digest = content_hash(content)
    with transaction.atomic():
        existing = ProcessRules.objects.filter(
            kind=ProcessRules.Kind.PROCESS, version=str(content["version"])
        ).first()
        if existing is not None:
            ensure_unchanged(
                existing,
                digest=digest,
                label=f"{path.name}: ethics rules version {content['version']}",
                error=RuleFileError,
            )
            return existing, False
        rules = ProcessRules.objects.create(
            kind=ProcessRules.Kind.PROCESS,
            version=str(content["version"]),
            title=content["title"],
            effective_date=datetime.date.fromisoformat(content["effective_date"]),
            content=content,
            content_hash=digest,
        )
    return rules, True


def rules_load_all(*, data_dir: Path = DATA_DIR) -> list[tuple[ProcessRules, bool]]:
    # Translation files (1.0.es.yaml) beside a version are not versions (lib.translations).
    return [rules_load(path=path) for path in version_files(data_dir, "*.yaml")]


def current_rules() -> ProcessRules:
    rules = ProcessRules.objects.current(ProcessRules.Kind.PROCESS)
    if rules is None:  # a fresh database: load the files shipped with the code
        rules_load_all()
        rules = ProcessRules.objects.current(ProcessRules.Kind.PROCESS)
    return rules
