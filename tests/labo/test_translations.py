"""The French catalogue is complete, compiled, and covers every source string."""

import gettext
import os
import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def test_every_french_entry_is_translated_and_not_fuzzy():
    catalogue = polib.pofile(str(PO))

    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []


def test_compiled_catalogue_matches_the_po_file():
    catalogue = polib.pofile(str(PO))
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)

    stale = []
    for entry in catalogue.translated_entries():
        if entry.msgid_plural:
            found = compiled.ngettext(entry.msgid, entry.msgid_plural, 1)
            expected = entry.msgstr_plural[0]
        elif entry.msgctxt:
            found, expected = compiled.pgettext(entry.msgctxt, entry.msgid), entry.msgstr
        else:
            found, expected = compiled.gettext(entry.msgid), entry.msgstr
        if found != expected:
            stale.append(entry.msgid)
    assert stale == []


def test_catalogue_covers_every_source_string(tmp_path, monkeypatch):
    if shutil.which("xgettext") is None:
        if os.environ.get("CI"):
            pytest.fail("xgettext is missing in CI: install gettext.")
        pytest.skip("xgettext (gettext) is not installed here; CI runs this check.")
    original = PO.read_bytes()
    monkeypatch.chdir(ROOT)
    try:
        call_command(
            "makemessages",
            locale=["fr"],
            ignore_patterns=[".venv", "var", "tests"],
            no_obsolete=True,
            verbosity=0,
        )
        fresh = polib.pofile(str(PO))
    finally:
        PO.write_bytes(original)

    assert [e.msgid for e in fresh.untranslated_entries()] == []
    assert [e.msgid for e in fresh.fuzzy_entries()] == []
