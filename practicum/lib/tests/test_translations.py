import polib

from practicum.lib.compile_messages import compile_all

LOCALE = "practicum/locale/es/LC_MESSAGES/django"


def test_the_spanish_catalogue_is_complete():
    po = polib.pofile(f"{LOCALE}.po")
    assert not po.untranslated_entries()
    assert not po.fuzzy_entries()


def test_the_compiled_catalogue_matches_its_source(tmp_path):
    """The committed .mo is what compile_messages makes from the .po: nobody forgot to run it."""
    committed = {e.msgid: e.msgstr for e in polib.mofile(f"{LOCALE}.mo")}
    source = {e.msgid: e.msgstr for e in polib.pofile(f"{LOCALE}.po").translated_entries()}
    assert {k: v for k, v in committed.items() if k} == source
    assert callable(compile_all)
