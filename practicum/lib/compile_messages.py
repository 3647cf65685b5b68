"""Compile the project's gettext catalogues (.po) into binary .mo files.

Django's ``compilemessages`` shells out to GNU ``msgfmt``; the project must not
depend on system gettext being installed on its machines, so this does the same
job in pure Python with polib.

Run as ``python -m practicum.lib.compile_messages``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

# The whole package: the project catalogue (practicum/locale) and each app's own (<app>/locale).
DEFAULT_LOCALE_DIR = Path(__file__).resolve().parent.parent


class CatalogueError(Exception):
    """A .po file could not be read or compiled."""


def compile_all(locale_dir: Path | None = None) -> list[Path]:
    """Write a .mo beside every .po under ``locale_dir``; return the .mo paths."""
    root = Path(locale_dir) if locale_dir is not None else DEFAULT_LOCALE_DIR
    written: list[Path] = []
    # Sorted so that output and failures are reproducible from run to run.
    for po_path in sorted(root.rglob("*.po")):
        try:
            catalogue = polib.pofile(str(po_path))
        except (OSError, ValueError) as exc:
            # polib reports syntax errors as OSError or ValueError; name the file
            # so that the failure points straight at the catalogue to fix.
            raise CatalogueError(f"{po_path}: {exc}") from exc
        mo_path = po_path.with_suffix(".mo")
        # Like msgfmt without --use-fuzzy, polib leaves fuzzy entries out of the
        # .mo: a guessed translation must not reach users.
        catalogue.save_as_mofile(str(mo_path))
        written.append(mo_path)
    return written


def main() -> int:
    try:
        written = compile_all()
    except CatalogueError as exc:
        print(f"compile_messages: could not parse {exc}", file=sys.stderr)
        return 1
    if not written:
        print(f"compile_messages: no .po files under {DEFAULT_LOCALE_DIR}", file=sys.stderr)
    for mo_path in written:
        print(mo_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
