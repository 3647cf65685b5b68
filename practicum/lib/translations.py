"""Translations of versioned data: one way to write them, one way to read them.

A version file `data/<kind>/1.0.yaml` may have siblings `1.0.es.yaml`, `1.0.ar.yaml`: each has
the shape of the version file and only its texts (an *overlay*). A list item is matched by
position, and an item's identifying keys (`key`, `code`, `number`, `letter`...) must repeat the
version's own, so a translation cannot slip a text onto another step.

A translation is part of its version but not of its content: the content hash (the
publish-once rule of `lib.versioned`) is taken over the version file alone, and the overlay is
stored beside it (`translations`, `{lang: overlay}`), so a translation may be added or corrected
for a published version while every record keeps citing the same version and rows. What the
overlay may not do is change content: a non-text value (a number, a flag, a key) must be left
out or equal to the version's, else the file is refused.

Reading: `localized_content(doc)` is the version's content with the overlay of the active
language laid over it (English, the content itself, where a text has no translation);
`localized(row, "field")` is one row's field. The template filter is `{{ row|localized:"text" }}`
(`{% load translated %}`).
"""

import copy
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import yaml
from django.utils import translation

from practicum.lib.yamlfile import read_yaml

LANGUAGE_FILE = re.compile(r"^(?P<stem>.+)\.(?P<lang>[a-z]{2,3}(?:-[a-z0-9]+)?)$")
# Keys that say *which* item a list entry is: a translation repeats them, never changes them.
IDENTITY_KEYS = ("key", "code", "number", "letter", "identifier", "id")
# Keys about the translation itself, not overlaid on the content.
META_KEYS = frozenset({"language", "official", "translated_from"})


class TranslationFileError(ValueError):
    """The translation cannot be loaded; the message says where and why."""


def is_translation_file(path: Path) -> bool:
    """`1.0.es.yaml` is a translation of `1.0.yaml`; `1.0.yaml` and `CMM-1.1.yaml` are not."""
    match = LANGUAGE_FILE.match(path.stem)
    return bool(match) and not match["lang"].isdigit()


def version_files(directory: Path, pattern: str = "*/*.yaml") -> list[Path]:
    """The version files under `directory`, without their translations."""
    return sorted(p for p in directory.glob(pattern) if not is_translation_file(p))


def translation_files(path: Path) -> dict[str, Path]:
    """The translations beside a version file, by language code."""
    found = {}
    for sibling in sorted(path.parent.glob(f"{path.stem}.*{path.suffix}")):
        match = LANGUAGE_FILE.match(sibling.stem)
        if match and match["stem"] == path.stem and not match["lang"].isdigit():
            found[match["lang"]] = sibling
    return found


def _as_json(value: Any) -> Any:
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def check_overlay(base: Any, over: Any, where: str) -> None:
    """Refuse an overlay that is not a translation of `base`: unknown keys, another shape,
    a changed number or key. Texts (strings) are what it may change."""
    if isinstance(over, dict):
        if not isinstance(base, dict):
            raise TranslationFileError(f"{where}: the version has no mapping here")
        for key, value in over.items():
            if key not in base:
                raise TranslationFileError(f"{where}: '{key}' is not in the version")
            check_overlay(base[key], value, f"{where}.{key}")
    elif isinstance(over, list):
        if not isinstance(base, list):
            raise TranslationFileError(f"{where}: the version has no list here")
        if len(over) > len(base):
            raise TranslationFileError(f"{where}: more items than the version has")
        for index, (b, o) in enumerate(zip(base, over, strict=False)):
            here = f"{where}[{index + 1}]"
            if isinstance(b, dict) and isinstance(o, dict):
                # Items are matched by position: an item that has an identity repeats it, so a
                # text cannot land on another step.
                for key in IDENTITY_KEYS:
                    if key in b and str(o.get(key)) != str(b[key]):
                        raise TranslationFileError(f"{here}: repeat its {key} '{b[key]}'")
            check_overlay(b, o, here)
    elif isinstance(over, str):
        if not isinstance(base, str) and over != base and str(base) != over:
            raise TranslationFileError(f"{where}: not a text; a translation cannot change it")
    elif over is not None and over != base:
        raise TranslationFileError(f"{where}: not a text; a translation cannot change it")


def overlay(base: Any, over: Any) -> Any:
    """`base` with the texts of `over` laid on it (a new structure; `base` is not changed)."""
    if over is None:
        return copy.deepcopy(base)
    if isinstance(base, dict) and isinstance(over, dict):
        merged = {k: copy.deepcopy(v) for k, v in base.items()}
        for key, value in over.items():
            if key in META_KEYS and key not in base:
                continue
            merged[key] = overlay(base.get(key), value) if key in base else copy.deepcopy(value)
        return merged
    if isinstance(base, list) and isinstance(over, list):
        return [
            overlay(item, over[i]) if i < len(over) else copy.deepcopy(item)
            for i, item in enumerate(base)
        ]
    if isinstance(over, str) and over.strip():
        return over
    return copy.deepcopy(base)


def read_translations(path: Path, doc: dict) -> dict[str, dict]:
    """The translations beside the version file `path` of `doc`, checked: {lang: overlay}."""
    result = {}
    base = _as_json(doc)
    for lang, sibling in translation_files(path).items():
        try:
            over = read_yaml(sibling)
        except yaml.YAMLError as exc:
            raise TranslationFileError(f"{sibling.name}: not valid YAML ({exc})") from exc
        if not isinstance(over, dict):
            raise TranslationFileError(f"{sibling.name}: expected a mapping at the top")
        over = _as_json(over)
        declared = over.get("language")
        if declared is not None and declared != lang:
            raise TranslationFileError(f"{sibling.name}: says language '{declared}', not '{lang}'")
        for key in ("kind", "version"):
            if key in over and str(over[key]) != str(base.get(key)):
                raise TranslationFileError(f"{sibling.name}: is not a translation of {path.name}")
        meta = {k: over.pop(k) for k in list(over) if k in META_KEYS}
        over.pop("kind", None)
        over.pop("version", None)
        over.pop("effective_date", None)
        check_overlay(base, over, sibling.name)
        if meta.get("official"):
            over["official"] = True
        result[lang] = over
    return result


def translations_digest(translations: dict) -> str:
    """A short digest of the stored translations: page caches key on it, so a translation added
    to a published version shows at once."""
    canonical = json.dumps(translations or {}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


# --- Reading ----------------------------------------------------------------------------------


def active_language() -> str:
    return (translation.get_language() or "en").lower()


def _pick(translations: dict | None, lang: str) -> dict | None:
    if not translations:
        return None
    if lang in translations:
        return translations[lang]
    return translations.get(lang.split("-")[0])


def translation_for(obj: Any, lang: str | None = None) -> dict | None:
    """The overlay stored on `obj` for `lang` (the active language), or None."""
    return _pick(getattr(obj, "translations", None), lang or active_language())


def localized_content(obj: Any, lang: str | None = None, *, field: str = "content") -> Any:
    """`obj.<field>` in the active language, English where a text has no translation. Kept on the
    object per language, so a page reading it many times merges once."""
    lang = lang or active_language()
    cache = obj.__dict__.setdefault("_localized_cache", {})
    key = (field, lang)
    if key not in cache:
        base = getattr(obj, field)
        over = translation_for(obj, lang)
        part = over.get(field) if (over and field != "content") else over
        cache[key] = overlay(base, part) if part else base
    return cache[key]


def localized(obj: Any, field: str, lang: str | None = None) -> Any:
    """One field of a row (or a key of a dict) in the active language, else as written."""
    if isinstance(obj, dict):
        value = obj.get(field)
        over = _pick(obj.get("translations"), lang or active_language())
    else:
        value = getattr(obj, field, None)
        over = translation_for(obj, lang)
    if over:
        text = over.get(field)
        if isinstance(text, str) and text.strip():
            return text
    return value


def isolated(code: Any) -> str:
    """An identifier (a clause 1.B.3) set inside a sentence as its own left-to-right island
    (FIRST STRONG ISOLATE ... POP DIRECTIONAL ISOLATE): in an Arabic sentence "1.B.3" would
    otherwise show as "B.3.1". What <bdi> does in markup, for text put into a message."""
    return f"\u2068{code}\u2069"


def is_official(obj: Any, lang: str | None = None) -> bool:
    """Whether `obj` (a version of an official text) has an official translation in `lang`."""
    over = translation_for(obj, lang)
    return bool(over and over.get("official"))
