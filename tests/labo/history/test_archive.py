"""export_lab then import_lab on an empty database gives the same lab, files included."""

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from ateliers import models as m
from ateliers.services import add_photo
from commandes.models import Deliverable
from labo.history.archive import dump_data
from tests.ateliers.test_photos import png_upload
from tests.labo.test_access import synthesis_document


def media_digest(root: Path) -> dict:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


@pytest.mark.django_db(transaction=True)
def test_a_lab_comes_back_identical(world, settings, tmp_path):
    m.Idea.objects.create(atelier=world.atelier, text="Un guichet unique")
    m.Action.objects.create(atelier=world.atelier, what="Relancer").delete()  # in the log
    add_photo(atelier=world.atelier, upload=png_upload(), caption="Le mur", author=None)
    Deliverable.objects.create(
        commande=world.commande, kind="other", title="Note", file=ContentFile(b"x", name="n.txt")
    )
    synthesis_document(world)
    # Under a millisecond: Django's own JSON would lose it.
    world.admin.date_joined = world.admin.date_joined.replace(microsecond=456)
    world.admin.save()
    root = Path(settings.MEDIA_ROOT)
    data_before, files_before = json.loads(dump_data()), media_digest(root)
    archive = tmp_path / "labo.zip"

    call_command("export_lab", str(archive), stdout=io.StringIO())
    call_command("flush", interactive=False, verbosity=0)
    for file in root.rglob("*"):
        if file.is_file():
            file.unlink()
    call_command("import_lab", str(archive), stdout=io.StringIO())

    assert json.loads(dump_data()) == data_before
    assert media_digest(root) == files_before
    assert len(files_before) >= 4  # photo, thumbnail, deliverable, document


def test_import_refuses_a_database_that_holds_a_lab(world, tmp_path):
    archive = tmp_path / "labo.zip"
    call_command("export_lab", str(archive), stdout=io.StringIO())

    with translation.override("fr"), pytest.raises(CommandError, match="base vide"):
        call_command("import_lab", str(archive))


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({"x.txt": "x"}, "pas une archive Labo"),
        ({"manifest.json": '{"format": 99}', "data.json": "[]"}, "autre version"),
        (
            {"manifest.json": '{"format": 1}', "data.json": "[]", "media/../../evil": "x"},
            "hors du dossier",
        ),
        ({"manifest.json": '{"format": 1}', "data.json": '[{"model": "nope.x"}]'}, "rien n"),
    ],
)
def test_a_bad_archive_is_refused_in_french_and_writes_nothing(db, tmp_path, members, message):
    archive = tmp_path / "bad.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for name, content in members.items():
            z.writestr(name, content)

    with translation.override("fr"), pytest.raises(CommandError, match=message):
        call_command("import_lab", str(archive))
    assert not (tmp_path.parent / "evil").exists()
