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
from practicum.lib.translations import TranslationFileError, read_translations, version_files
from practicum.lib.versioned import content_hash, ensure_unchanged
from practicum.lib.yamlfile import read_yaml

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
        doc = read_yaml(path)
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
        translations_store(existing, doc, path)
        return LoadResult(existing, created=False)
    builder = {
        Kind.CODE_OF_ETHICS: _build_code_of_ethics,
        Kind.COMPETENCIES: _build_competencies,
        Kind.READINESS_QUESTIONNAIRE: _build_questionnaire,
    }[doc["kind"]]
    translations = _translations_read(doc, path)
    # A new version's rows are created with their translations: no second pass over them.
    per_row = _per_row(doc, translations)
    with transaction.atomic():
        framework = FrameworkVersion.objects.create(
            kind=doc["kind"],
            version=doc["version"],
            title=doc["title"],
            effective_date=doc["effective_date"],
            content_hash=digest,
        )
        framework.content = builder(framework, doc, path.name, per_row)
        framework.translations = translations
        framework.save(update_fields=["content", "translations"])
    return LoadResult(framework, created=True)


def framework_load_all(*, data_dir: Path = DATA_DIR) -> list[LoadResult]:
    paths = version_files(data_dir)
    return [framework_load(path=path) for path in paths]


def _prose(doc: dict, *keys: str) -> dict:
    return json.loads(
        json.dumps({k: doc.get(k) for k in keys}, ensure_ascii=False, default=_json_default)
    )


def _build_code_of_ethics(
    framework: FrameworkVersion, doc: dict, where: str, per_row: dict[tuple, dict]
) -> dict:
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
                        translations=per_row.get(("clause", f"{number}.{letter}.{index}"), {}),
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
            translations=per_row.get(("sanction", i), {}),
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


def _build_competencies(
    framework: FrameworkVersion, doc: dict, where: str, per_row: dict[tuple, dict]
) -> dict:
    names, competencies, indicators = [], [], []
    for item in _require(doc, "competencies", where):
        number = int(_require(item, "number", f"{where} competency"))
        competency = Competency(
            framework=framework,
            number=number,
            name=_require(item, "name", f"{where} competency {number}"),
            description=" ".join(str(item.get("description") or "").split()),
            translations=per_row.get(("competency", number), {}),
        )
        competencies.append(competency)
        indicators += [
            BehaviouralIndicator(
                competency=competency,
                number=i,
                identifier=f"{number}.{i}",
                text=" ".join(str(text).split()),
                translations=per_row.get(("indicator", f"{number}.{i}"), {}),
            )
            for i, text in enumerate(_require(item, "indicators", f"{where} {number}"), start=1)
        ]
        names.append({"number": number, "name_is_ours": bool(item.get("name_is_ours"))})
    # Two statements, not two per competency: both databases return the new keys.
    Competency.objects.bulk_create(competencies)
    BehaviouralIndicator.objects.bulk_create(indicators)
    content = _prose(doc, "source", "background", "definition_of_mentoring")
    content["competencies"] = names
    return content


def _build_questionnaire(
    framework: FrameworkVersion, doc: dict, where: str, per_row: dict[tuple, dict]
) -> dict:
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
            translations=per_row.get(("statement", s.get("code")), {}),
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


# --- Translations ----------------------------------------------------------------------------

# The body's own texts: only an official translation may be shown as the text itself.
OFFICIAL_KINDS = frozenset({Kind.CODE_OF_ETHICS, Kind.COMPETENCIES})


def _words(text) -> str:
    return " ".join(str(text or "").split())


def _row_texts(doc: dict, over: dict) -> dict[tuple, dict]:
    """{(row kind, identity): {field: text}} for one language's overlay of `doc`."""
    rows: dict[tuple, dict] = {}

    def put(key, **fields):
        texts = {k: _words(v) for k, v in fields.items() if isinstance(v, str) and v.strip()}
        if texts:
            rows.setdefault(key, {}).update(texts)

    kind = doc["kind"]
    if kind == Kind.CODE_OF_ETHICS:
        for group, g_over in zip(
            doc.get("principle_groups", []), over.get("principle_groups", []), strict=False
        ):
            number = int(group["number"])
            for section, s_over in zip(group["sections"], g_over.get("sections", []), strict=False):
                letter = str(section["letter"]).upper()
                for index, text in enumerate(s_over.get("clauses", []), start=1):
                    put(
                        ("clause", f"{number}.{letter}.{index}"),
                        text=text,
                        group_name=g_over.get("name"),
                        section_title=s_over.get("title"),
                    )
        for position, s_over in enumerate(over.get("sanctions", []), start=1):
            put(
                ("sanction", position),
                name=s_over.get("name"),
                description=s_over.get("description"),
            )
    elif kind == Kind.COMPETENCIES:
        for item, i_over in zip(
            doc.get("competencies", []), over.get("competencies", []), strict=False
        ):
            number = int(item["number"])
            put(
                ("competency", number),
                name=i_over.get("name"),
                description=i_over.get("description"),
            )
            for index, text in enumerate(i_over.get("indicators", []), start=1):
                put(("indicator", f"{number}.{index}"), text=text)
    elif kind == Kind.READINESS_QUESTIONNAIRE:
        for statement, s_over in zip(
            doc.get("statements", []), over.get("statements", []), strict=False
        ):
            put(("statement", statement["code"]), text=s_over.get("text"))
    return rows


def _translations_read(doc: dict, path: Path) -> dict:
    try:
        translations = read_translations(path, doc)
    except TranslationFileError as exc:
        raise FrameworkFileError(str(exc)) from exc
    if doc["kind"] in OFFICIAL_KINDS:
        for lang, over in translations.items():
            if not over.get("official"):
                raise FrameworkFileError(
                    f"{path.name}: the {doc['kind']} is the body's own text; a translation "
                    f"({lang}) is shown only when the body has published it (official: true)"
                )
    return translations


def _per_row(doc: dict, translations: dict) -> dict[tuple, dict]:
    """{(row kind, identity): {lang: {field: text}}}"""
    per_row: dict[tuple, dict] = {}
    for lang, over in translations.items():
        for key, texts in _row_texts(doc, over).items():
            per_row.setdefault(key, {})[lang] = texts
    return per_row


def translations_store(framework: FrameworkVersion, doc: dict, path: Path) -> None:
    """Store the translations beside `path` on the version and its rows. The version's content
    and rows stay as published (content_hash is the version file's alone), so this runs for a
    version loaded long ago too; a translation file that would change content is refused."""
    translations = _translations_read(doc, path)
    if framework.translations == translations:
        return
    per_row = _per_row(doc, translations)
    with transaction.atomic():
        framework.translations = translations
        framework.save(update_fields=["translations"])
        framework.__dict__.pop("_localized_cache", None)
        querysets = {
            "clause": (EthicsClause.objects.filter(framework=framework), "identifier"),
            "sanction": (Sanction.objects.filter(framework=framework), "position"),
            "competency": (Competency.objects.filter(framework=framework), "number"),
            "indicator": (
                BehaviouralIndicator.objects.filter(competency__framework=framework),
                "identifier",
            ),
            "statement": (QuestionnaireStatement.objects.filter(framework=framework), "code"),
        }
        for row_kind, (queryset, identity) in querysets.items():
            changed = []
            for row in queryset:
                wanted = per_row.get((row_kind, getattr(row, identity)), {})
                if row.translations != wanted:
                    row.translations = wanted
                    changed.append(row)
            queryset.model.objects.bulk_update(changed, ["translations"], batch_size=200)
