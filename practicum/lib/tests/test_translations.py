from pathlib import Path

import polib

from practicum.lib.compile_messages import DEFAULT_LOCALE_DIR, compile_all

CATALOGUES = sorted(DEFAULT_LOCALE_DIR.rglob("*.po"))


def test_there_is_a_project_catalogue():
    assert Path(DEFAULT_LOCALE_DIR / "locale/es/LC_MESSAGES/django.po") in CATALOGUES


def test_every_catalogue_is_complete():
    """The project's and each app's own catalogue (apps keep new strings in <app>/locale)."""
    for path in CATALOGUES:
        po = polib.pofile(str(path))
        assert not po.untranslated_entries(), f"untranslated in {path}"
        assert not po.fuzzy_entries(), f"fuzzy in {path}"


def test_no_message_is_translated_twice_differently():
    seen: dict[tuple[str, str], tuple[str, Path]] = {}
    for path in CATALOGUES:
        language = path.parent.parent.name
        for entry in polib.pofile(str(path)).translated_entries():
            key = (language, entry.msgctxt or "", entry.msgid)
            if key in seen:
                assert seen[key][0] == entry.msgstr, f"{entry.msgid!r}: {path} vs {seen[key][1]}"
            seen[key] = (entry.msgstr, path)


def test_compile_writes_a_mo_beside_each_po(tmp_path):
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    po.append(polib.POEntry(msgid="Hello", msgstr="Hola"))
    target = tmp_path / "app/locale/es/LC_MESSAGES"
    target.mkdir(parents=True)
    po.save(str(target / "django.po"))
    written = compile_all(tmp_path)
    assert written == [target / "django.mo"]
    assert {e.msgid: e.msgstr for e in polib.mofile(str(written[0]))}["Hello"] == "Hola"
