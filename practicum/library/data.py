"""The library's versioned data: the body's tagging vocabularies and the self-study rules.

Both are YAML in the repo (data/vocabularies/, data/rules/); the newest version is in force.
A published file never changes: a change is a new version.
"""

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.utils.translation import get_language

from practicum.lib.yamlfile import read_yaml

DATA = Path(__file__).parent / "data"


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in path.stem.split("."))


@cache
def _newest(folder: str) -> dict:
    path = max((DATA / folder).glob("*.yaml"), key=_version_key)
    return read_yaml(path)


@dataclass(frozen=True)
class Term:
    slug: str
    names: tuple[tuple[str, str], ...]
    match: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        names = dict(self.names)
        return names.get((get_language() or "en")[:2]) or names["en"]


def _terms(entries: list[dict]) -> tuple[Term, ...]:
    return tuple(
        Term(
            slug=entry["slug"],
            names=tuple((lang, entry[lang]) for lang in ("en", "es") if lang in entry),
            match=tuple(entry.get("match", ())),
        )
        for entry in entries
    )


def vocabulary(name: str) -> tuple[Term, ...]:
    """ "theme" or "format": the terms in force, in the file's order."""
    data = _newest("vocabularies")
    return _terms(data["themes"] if name == "theme" else data["formats"])


def term(name: str, slug: str) -> Term | None:
    return next((t for t in vocabulary(name) if t.slug == slug), None)


def themes_in(text: str) -> list[Term]:
    """The vocabulary's themes a free-text theme (a lab's) speaks of."""
    lowered = text.lower()
    return [
        t
        for t in vocabulary("theme")
        if any(word in lowered for word in t.match) or t.names[0][1].lower() in lowered
    ]


@dataclass(frozen=True)
class Rules:
    version: str
    cpd_cap_per_year: Decimal
    minimum_hours: Decimal
    reflection_max_chars: int
    pdf_max_bytes: int
    video_max_bytes: int
    captions_max_bytes: int


@cache
def rules() -> Rules:
    data = _newest("rules")
    study, files = data["self_study"], data["files"]
    return Rules(
        version=str(data["version"]),
        cpd_cap_per_year=Decimal(str(study["cpd_hours_cap_per_year"])),
        minimum_hours=Decimal(str(study["minimum_hours"])),
        reflection_max_chars=int(study["reflection_max_chars"]),
        pdf_max_bytes=int(files["pdf_max_mb"]) * 1024 * 1024,
        video_max_bytes=int(files["video_max_mb"]) * 1024 * 1024,
        captions_max_bytes=int(files["captions_max_kb"]) * 1024,
    )
