"""Load framework versions from the YAML files in `data/`.

Idempotent: a version already loaded with the same content is skipped. A version already
loaded with *different* content is refused: published versions never change in place.
"""

import datetime
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from practicum.frameworks.models import (
    BehaviouralIndicator,
    Competency,
    EthicsClause,
    FrameworkVersion,
    QuestionnaireStatement,
    Sanction,
)
from practicum.lib.versioned import content_hash, ensure_unchanged

DATA_DIR = Path(__file__).resolve().parent / "data"
Kind = FrameworkVersion.Kind


class FrameworkFileError(ValueError):
    """The file cannot be loaded; the message says where and why."""


@dataclass(frozen=True)
class LoadResult:
    framework: FrameworkVersion
    created: bool


def _json_default(value: Any) -> str:
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def _require(doc: dict, key: str, where: str) -> Any:
    if key not in doc or doc[key] in (None, "", []):
        raise FrameworkFileError(f"{where}: missing '{key}'")
    return doc[key]


def read_framework_file(path: Path) -> dict:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise FrameworkFileError(f"{path.name}: not valid YAML ({exc})") from exc
    if not isinstance(doc, dict):
        raise FrameworkFileError(f"{path.name}: expected a mapping at the top")
    kind = _require(doc, "kind", path.name)
    if kind not in Kind.values:
        raise FrameworkFileError(f"{path.name}: unknown kind '{kind}'")
    for key in ("version", "title", "effective_date"):
        _require(doc, key, path.name)
    if not isinstance(doc["effective_date"], datetime.date):
        raise FrameworkFileError(f"{path.name}: effective_date must be a date (YYYY-MM-DD)")
    doc["version"] = str(doc["version"])
    return doc


def framework_load(*, path: Path) -> LoadResult:
    doc = read_framework_file(path)
    digest = content_hash(doc)
    existing = FrameworkVersion.objects.filter(kind=doc["kind"], version=doc["version"]).first()
    if existing is not None:
        ensure_unchanged(
            existing,
            digest=digest,
            label=f"{path.name}: {doc['kind']} version {doc['version']}",
            error=FrameworkFileError,
        )
        return LoadResult(existing, created=False)
    builder = {
        Kind.CODE_OF_ETHICS: _build_code_of_ethics,
        Kind.COMPETENCIES: _build_competencies,
        Kind.READINESS_QUESTIONNAIRE: _build_questionnaire,
    }[doc["kind"]]
    with transaction.atomic():
        framework = FrameworkVersion.objects.create(
            kind=doc["kind"],
            version=doc["version"],
            title=doc["title"],
            effective_date=doc["effective_date"],
            content_hash=digest,
        )
        framework.content = builder(framework, doc, path.name)
        framework.save(update_fields=["content"])
    return LoadResult(framework, created=True)


def framework_load_all(*, data_dir: Path = DATA_DIR) -> list[LoadResult]:
    paths = sorted(data_dir.glob("*/*.yaml"))
    return [framework_load(path=path) for path in paths]


def _prose(doc: dict, *keys: str) -> dict:
    return json.loads(
        json.dumps({k: doc.get(k) for k in keys}, ensure_ascii=False, default=_json_default)
    )


def _build_code_of_ethics(framework: FrameworkVersion, doc: dict, where: str) -> dict:
    groups = _require(doc, "principle_groups", where)
    clauses, outline, position = [], [], 0
    for group in groups:
        number = int(_require(group, "number", f"{where} group"))
        name = _require(group, "name", f"{where} group {number}")
        sections = []
        for section in _require(group, "sections", f"{where} group {number}"):
            letter = str(_require(section, "letter", f"{where} group {number} section")).upper()
            title = _require(section, "title", f"{where} {number}.{letter}")
            texts = _require(section, "clauses", f"{where} {number}.{letter}")
            for index, text in enumerate(texts, start=1):
                position += 1
                clauses.append(
                    EthicsClause(
                        framework=framework,
                        identifier=f"{number}.{letter}.{index}",
                        group_number=number,
                        group_name=name,
                        section_letter=letter,
                        section_title=title,
                        number=index,
                        text=" ".join(str(text).split()),
                        position=position,
                    )
                )
            sections.append(
                {
                    "letter": letter,
                    "title": title,
                    "title_is_ours": bool(section.get("title_is_ours")),
                }
            )
        outline.append(
            {
                "number": number,
                "name": name,
                "name_is_ours": bool(group.get("name_is_ours")),
                "sections": sections,
            }
        )
    identifiers = [c.identifier for c in clauses]
    if len(set(identifiers)) != len(identifiers):
        raise FrameworkFileError(f"{where}: two clauses share an identifier")
    EthicsClause.objects.bulk_create(clauses)
    Sanction.objects.bulk_create(
        Sanction(
            framework=framework,
            position=i,
            name=_require(s, "name", f"{where} sanction {i}"),
            description=s.get("description") or "",
        )
        for i, s in enumerate(_require(doc, "sanctions", where), start=1)
    )
    _require(doc, "pledge", where)
    content = _prose(
        doc,
        "source",
        "introduction",
        "target_audience",
        "definitions",
        "values",
        "principles_intro",
        "sanctions_intro",
        "pledge",
    )
    content["outline"] = outline
    return content


def _build_competencies(framework: FrameworkVersion, doc: dict, where: str) -> dict:
    names = []
    for item in _require(doc, "competencies", where):
        number = int(_require(item, "number", f"{where} competency"))
        competency = Competency.objects.create(
            framework=framework,
            number=number,
            name=_require(item, "name", f"{where} competency {number}"),
            description=" ".join(str(item.get("description") or "").split()),
        )
        BehaviouralIndicator.objects.bulk_create(
            BehaviouralIndicator(
                competency=competency,
                number=i,
                identifier=f"{number}.{i}",
                text=" ".join(str(text).split()),
            )
            for i, text in enumerate(_require(item, "indicators", f"{where} {number}"), start=1)
        )
        names.append({"number": number, "name_is_ours": bool(item.get("name_is_ours"))})
    content = _prose(doc, "source", "background", "definition_of_mentoring")
    content["competencies"] = names
    return content


def _build_questionnaire(framework: FrameworkVersion, doc: dict, where: str) -> dict:
    scale = _require(doc, "scale", where)
    if not (isinstance(scale, dict) and scale.get("min") == 1 and scale.get("max") == 5):
        raise FrameworkFileError(f"{where}: the scale must run from 1 to 5")
    statements = _require(doc, "statements", where)
    QuestionnaireStatement.objects.bulk_create(
        QuestionnaireStatement(
            framework=framework,
            code=_require(s, "code", f"{where} statement {i}"),
            position=i,
            text=_require(s, "text", f"{where} statement {i}"),
        )
        for i, s in enumerate(statements, start=1)
    )
    bands = _require(doc, "bands", where)
    low, high = len(statements) * scale["min"], len(statements) * scale["max"]
    expected = low
    for band in sorted(bands, key=lambda b: b["min"]):
        if band["min"] != expected or band["max"] < band["min"]:
            raise FrameworkFileError(f"{where}: bands must cover {low}-{high} without gaps")
        expected = band["max"] + 1
    if expected != high + 1:
        raise FrameworkFileError(f"{where}: bands must cover {low}-{high} without gaps")
    return _prose(doc, "source", "introduction", "scale", "bands")
