"""Load our own tool data (prompts, statements, scales, themes) from the YAML files in `data/`.

The same rules as practicum/frameworks/loader.py: idempotent (a version already loaded with the
same content is skipped), and a version already loaded with *different* content is refused:
a published version never changes in place; a change is a new file with its own version.
"""

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.db import IntegrityError, transaction

from practicum.lib.translations import TranslationFileError, read_translations, version_files
from practicum.lib.versioned import content_hash, ensure_unchanged
from practicum.lib.yamlfile import read_yaml
from practicum.reflection.models import ToolVersion

DATA_DIR = Path(__file__).resolve().parent / "data"
Kind = ToolVersion.Kind
KEY_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")


class ToolFileError(ValueError):
    """The file cannot be loaded; the message says where and why."""


@dataclass(frozen=True)
class LoadResult:
    tool: ToolVersion
    created: bool


def _require(doc: dict, key: str, where: str):
    if not isinstance(doc, dict) or key not in doc or doc[key] in (None, "", [], {}):
        raise ToolFileError(f"{where}: missing '{key}'")
    return doc[key]


def read_tool_file(path: Path) -> dict:
    try:
        doc = read_yaml(path)
    except yaml.YAMLError as exc:
        raise ToolFileError(f"{path.name}: not valid YAML ({exc})") from exc
    if not isinstance(doc, dict):
        raise ToolFileError(f"{path.name}: expected a mapping at the top")
    kind = _require(doc, "kind", path.name)
    if kind not in Kind.values:
        raise ToolFileError(f"{path.name}: unknown kind '{kind}'")
    for key in ("version", "title", "effective_date"):
        _require(doc, key, path.name)
    if not isinstance(doc["effective_date"], datetime.date):
        raise ToolFileError(f"{path.name}: effective_date must be a date (YYYY-MM-DD)")
    doc["version"] = str(doc["version"])
    VALIDATORS[kind](doc, f"{path.name}")
    return doc


def _as_json(doc: dict) -> dict:
    """The document as JSON types (dates as ISO strings), for `content`."""
    return json.loads(json.dumps(doc, ensure_ascii=False, default=str))


def tool_load(*, path: Path) -> LoadResult:
    doc = read_tool_file(path)
    digest = content_hash(doc)
    try:
        # Checked before anything is stored; not part of the digest (lib.translations).
        translations = read_translations(path, doc)
    except TranslationFileError as exc:
        raise ToolFileError(str(exc)) from exc
    existing = ToolVersion.objects.filter(kind=doc["kind"], version=doc["version"]).first()
    if existing is not None:
        ensure_unchanged(
            existing,
            digest=digest,
            label=f"{path.name}: {doc['kind']} version {doc['version']}",
            error=ToolFileError,
        )
        if existing.translations != translations:
            existing.translations = translations
            existing.save(update_fields=["translations"])
        return LoadResult(existing, created=False)
    content = {
        k: v
        for k, v in _as_json(doc).items()
        if k not in {"kind", "version", "title", "effective_date"}
    }
    try:
        with transaction.atomic():
            tool = ToolVersion.objects.create(
                kind=doc["kind"],
                version=doc["version"],
                title=doc["title"],
                effective_date=doc["effective_date"],
                content=content,
                content_hash=digest,
                translations=translations,
            )
    except IntegrityError:
        # Loaded meanwhile by another process: the same file, so the same content.
        return LoadResult(
            ToolVersion.objects.get(kind=doc["kind"], version=doc["version"]), created=False
        )
    return LoadResult(tool, created=True)


def tool_load_all(*, data_dir: Path | None = None) -> list[LoadResult]:
    return [tool_load(path=path) for path in version_files(data_dir or DATA_DIR)]


# --- Checks per kind ------------------------------------------------------------------------


def _key(value, where: str) -> str:
    text = str(value)
    if not text or not set(text) <= KEY_CHARS:
        raise ToolFileError(f"{where}: key '{text}' must be lower-case letters, digits or _")
    return text


def _check_scale(doc: dict, where: str) -> tuple[int, int]:
    scale = _require(doc, "scale", where)
    low, high = scale.get("min"), scale.get("max")
    if not (isinstance(low, int) and isinstance(high, int) and 0 <= low < high <= 10):
        raise ToolFileError(f"{where}: the scale needs whole numbers min < max, within 0-10")
    labels = scale.get("labels") or []
    if labels and len(labels) != high - low + 1:
        raise ToolFileError(f"{where}: the scale needs one label per point ({high - low + 1})")
    return low, high


def _check_bands(bands: list, low: int, high: int, where: str) -> None:
    expected = low
    for band in sorted(bands, key=lambda b: b.get("min", 0)):
        for key in ("label", "advice"):
            _require(band, key, f"{where} band")
        if band.get("min") != expected or band.get("max", -1) < band["min"]:
            raise ToolFileError(f"{where}: bands must cover {low}-{high} without gaps")
        expected = band["max"] + 1
    if expected != high + 1:
        raise ToolFileError(f"{where}: bands must cover {low}-{high} without gaps")


def _check_reflective_conversation(doc: dict, where: str) -> None:
    steps = _require(doc, "steps", where)
    step_keys, field_keys = set(), set()
    for number, step in enumerate(steps, start=1):
        here = f"{where} step {number}"
        step_keys.add(_key(_require(step, "key", here), here))
        for key in ("title", "prompt"):
            _require(step, key, here)
        for field in _require(step, "fields", here):
            _require(field, "label", here)
            field_keys.add(_key(_require(field, "key", here), here))
    if len(step_keys) != len(steps):
        raise ToolFileError(f"{where}: two steps share a key")
    if sum(len(s["fields"]) for s in steps) != len(field_keys):
        raise ToolFileError(f"{where}: two answers share a key")


def _check_self_care(doc: dict, where: str) -> None:
    low, high = _check_scale(doc, where)
    statements = _require(doc, "statements", where)
    codes = set()
    for number, statement in enumerate(statements, start=1):
        here = f"{where} statement {number}"
        codes.add(_require(statement, "code", here))
        _require(statement, "text", here)
        if statement.get("keyed") not in {"strain", "resource"}:
            raise ToolFileError(f"{here}: keyed must be 'strain' or 'resource'")
    if len(codes) != len(statements):
        raise ToolFileError(f"{where}: two statements share a code")
    top = len(statements) * (high - low)
    _check_bands(_require(doc, "bands", where), 0, top, where)
    prompt = _require(doc, "prompt", where)
    for key in ("window", "rise", "at_or_above"):
        if not isinstance(prompt.get(key), int) or prompt[key] < 1:
            raise ToolFileError(f"{where}: prompt.{key} must be a positive whole number")
    reminder = _require(doc, "reminder", where)
    if not isinstance(reminder.get("after_days"), int) or reminder["after_days"] < 1:
        raise ToolFileError(f"{where}: reminder.after_days must be a positive whole number")


def _check_competency_scale(doc: dict, where: str) -> None:
    _check_scale(doc, where)


def _check_readiness_steps(doc: dict, where: str) -> None:
    _require(doc, "questionnaire_version", where)
    doc["questionnaire_version"] = str(doc["questionnaire_version"])
    for code, step in _require(doc, "steps", where).items():
        _require(step, "text", f"{where} {code}")


def _check_themes(doc: dict, where: str) -> None:
    themes = _require(doc, "themes", where)
    if any(not isinstance(t, str) or not t.strip() or len(t) > 40 for t in themes):
        raise ToolFileError(f"{where}: themes are names of at most 40 characters")


VALIDATORS: dict[str, Callable[[dict, str], None]] = {
    Kind.REFLECTIVE_CONVERSATION: _check_reflective_conversation,
    Kind.SELF_CARE: _check_self_care,
    Kind.COMPETENCY_SCALE: _check_competency_scale,
    Kind.READINESS_STEPS: _check_readiness_steps,
    Kind.THEMES: _check_themes,
}
