"""Refresh one app's own Spanish catalogue with the strings only that app uses.

New strings go in ``practicum/<app>/locale/es/LC_MESSAGES/django.po`` (not the project
catalogue), so that work on several apps at once never edits the same file. Run
``python -m practicum.lib.app_messages <app> [<app> ...]`` (needs GNU gettext's xgettext, a
development tool only; the site compiles catalogues in pure Python). It extracts the app's strings,
keeps the translations the app catalogue has, and leaves out every string another catalogue
already translates. Then translate what is empty and run ``make messages``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import polib

PACKAGE = Path(__file__).resolve().parent.parent


def translated_elsewhere(app_dir: Path, language: str) -> set[tuple[str, str]]:
    known: set[tuple[str, str]] = set()
    for path in PACKAGE.rglob(f"locale/{language}/LC_MESSAGES/django.po"):
        if app_dir in path.parents:
            continue
        known |= {(e.msgctxt or "", e.msgid) for e in polib.pofile(str(path)).translated_entries()}
    return known


def refresh(app: str, language: str = "es") -> Path:
    app_dir = PACKAGE / app
    target = app_dir / "locale" / language / "LC_MESSAGES" / "django.po"
    previous = polib.pofile(str(target)) if target.exists() else None
    target.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "practicum.settings",
           "PYTHONPATH": str(PACKAGE.parent)}  # fmt: skip
    # makemessages writes to LOCALE_PATHS[0] when a folder lies under it: run it with none, so
    # the strings land in the app's own locale folder.
    script = (
        "import django, sys; from django.conf import settings; django.setup();"
        "settings.LOCALE_PATHS = [];"
        "from django.core.management import call_command;"
        f"call_command('makemessages', locale=[{language!r}], no_location=True, no_obsolete=True,"
        " ignore_patterns=['tests/*', 'locale/*'], verbosity=0)"
    )
    subprocess.run([sys.executable, "-c", script], cwd=app_dir, env=env, check=True)  # noqa: S603
    fresh = polib.pofile(str(target))
    elsewhere = translated_elsewhere(app_dir, language)
    kept = {(e.msgctxt or "", e.msgid): e for e in (previous or [])}
    result = polib.POFile(wrapwidth=100)
    result.metadata = fresh.metadata
    result.metadata["Language"] = language
    result.metadata["Plural-Forms"] = "nplurals=2; plural=(n != 1);"
    for entry in fresh:
        key = (entry.msgctxt or "", entry.msgid)
        if key in elsewhere:
            continue
        old = kept.get(key)
        if old is not None:
            entry.msgstr, entry.msgstr_plural = old.msgstr, old.msgstr_plural
            entry.flags = [f for f in old.flags if f != "fuzzy"] if old.msgstr else entry.flags
        if "fuzzy" in entry.flags and not (old and old.msgstr):
            entry.flags.remove("fuzzy")
            entry.msgstr = ""
        result.append(entry)
    if not len(result):
        target.unlink()
        return target
    result.save(str(target))
    return target


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    for app in argv:
        path = refresh(app)
        if path.exists():
            po = polib.pofile(str(path))
            print(f"{path}: {len(po.untranslated_entries())} to translate of {len(po)}")
        else:
            print(f"{app}: every string is translated elsewhere")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
