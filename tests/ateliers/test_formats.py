import re
from pathlib import Path

import pytest
from django.template.loader import get_template

from ateliers import exports, history, queries, synthesis, views
from ateliers.formats import FORMATS, SECTIONS, Format, Part, parts_of
from ateliers.kinds import KINDS, kinds_of

ROOT = Path(__file__).resolve().parents[2]


def test_every_format_has_one_entry():
    assert sorted(FORMATS) == sorted(Format.values)


@pytest.mark.parametrize("spec", SECTIONS, ids=lambda spec: spec.format.value)
def test_a_format_with_a_section_has_its_template(spec):
    assert spec.template == f"ateliers/formats/_{spec.format.value}.html"
    assert get_template(spec.template)


def test_every_part_is_read_and_followed_by_the_audit():
    assert set(queries.LOADERS) == set(Part)
    assert set(history.TRACKED) == set(Part)


def test_the_tables_of_the_parts_name_only_parts():
    for table in (exports.ROWS, synthesis.CHARTS, views.PART_FORMS):
        assert set(table) <= set(Part)


def test_every_part_and_every_kind_belongs_to_some_format():
    used = {part for spec in FORMATS.values() for part in spec.parts}

    assert used == set(Part)
    assert {kind.part for kind in KINDS.values()} <= used | {None}


def test_a_format_accepts_the_kinds_of_its_parts_and_those_of_every_workshop():
    assert kinds_of(parts_of(Format.LABO_STANDS)) == {
        "stand",
        "feedback",
        "suggestion",
        "action",
        "rating",
    }
    assert kinds_of(parts_of(Format.TRIBUNAL)) == {"case", "idea", "theme", "action", "rating"}
    assert kinds_of(parts_of("no such format")) == {"action", "rating"}


# The démarreur's report keeps the relation name it was created with (renaming it would
# take a migration).
ALLOWED = {("ateliers/models.py", 'related_name="demarreur"')}


def test_format_values_are_written_only_in_the_registry():
    values = "|".join(re.escape(value) for value in Format.values)
    quoted = re.compile(rf"""[^"'\s]*["']({values})["']""")
    found = []
    files = [*ROOT.glob("ateliers/**/*.py"), *ROOT.glob("templates/ateliers/**/*.*")]
    for path in files:
        relative = path.relative_to(ROOT).as_posix()
        if relative == "ateliers/formats.py" or "/migrations/" in relative:
            continue
        for match in quoted.finditer(path.read_text(encoding="utf-8")):
            if (relative, match.group(0).strip()) not in ALLOWED:
                found.append((relative, match.group(0)))
    assert found == []
