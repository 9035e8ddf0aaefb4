"""The whole lab in one archive: its data (JSON, natural keys for users and content types)
and its media (photos, documents, deliverables). ``export_lab`` writes it; ``import_lab``
restores it on an empty database, as it was, ids included."""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from collections.abc import Callable
from contextlib import AbstractContextManager, ExitStack
from pathlib import Path, PurePosixPath

from auditlog.context import disable_auditlog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.utils.translation import gettext as _

from labo.models import Person, Programme

FORMAT = 1
# What a lab is made of. Permissions and content types come from the migrations and are
# referred to by their natural keys; the role groups keep their ids (the migration that
# creates them always gives the same).
MODELS = [
    "auth.group",
    "auth.user",
    "labo",
    "labo_sessions",
    "ateliers",
    "commandes",
    "auditlog.logentry",
]


ARCHIVE_FORMAT = "labo_json"  # Django's JSON, times to the microsecond (labo/serializers.py)


_while_importing: list[Callable[[], AbstractContextManager]] = []


def while_importing(context: Callable[[], AbstractContextManager]) -> None:
    """Run every import inside this context (an app that would otherwise rewrite what it
    reads, such as a day's revision, registers it at start-up)."""
    if context not in _while_importing:
        _while_importing.append(context)


class ArchiveError(Exception):
    """The archive cannot be imported; the message (French) says why. Nothing was written."""


def dump_data() -> str:
    out = io.StringIO()
    call_command(
        "dumpdata",
        *MODELS,
        natural_foreign=True,
        indent=None,
        format=ARCHIVE_FORMAT,
        stdout=out,
        verbosity=0,
    )
    return out.getvalue()


def _media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def export_lab(path: Path) -> dict:
    """Write the archive; returns what it holds."""
    root = Path(settings.MEDIA_ROOT)
    data = dump_data()
    files = _media_files()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps({"format": FORMAT, "files": len(files)}))
        archive.writestr("data.json", data)
        for file in files:
            archive.write(file, f"media/{file.relative_to(root).as_posix()}")
    return {"objects": len(json.loads(data)), "files": len(files)}


def _is_empty() -> bool:
    return not (
        get_user_model().objects.exists() or Person.objects.exists() or Programme.objects.exists()
    )


def _safe_target(root: Path, name: str) -> Path | None:
    """Where a media member goes; None for anything that would land outside the media root."""
    inner = PurePosixPath(name).relative_to("media")
    if inner.is_absolute() or ".." in inner.parts:
        return None
    target = (root / inner).resolve()
    return target if target.is_relative_to(root.resolve()) else None


def import_lab(path: Path) -> dict:
    """Restore the archive on an empty database; returns what it held."""
    if not _is_empty():
        raise ArchiveError(_("The database already holds a lab: import only into an empty one."))
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise ArchiveError(_("This file is not a Labo archive.")) from error
    with archive:
        names = set(archive.namelist())
        if not {"manifest.json", "data.json"} <= names:
            raise ArchiveError(_("This file is not a Labo archive."))
        if json.loads(archive.read("manifest.json")).get("format") != FORMAT:
            raise ArchiveError(_("This archive comes from another version of Labo."))
        root = Path(settings.MEDIA_ROOT)
        members = [n for n in sorted(names) if n.startswith("media/") and not n.endswith("/")]
        targets: dict[str, Path] = {}
        for name in members:
            target = _safe_target(root, name)
            if target is None:
                raise ArchiveError(_("This archive holds a file outside the media folder."))
            targets[name] = target
        with tempfile.TemporaryDirectory() as scratch:
            fixture = Path(scratch) / "lab.json"  # loaddata reads a file named *.json
            fixture.write_bytes(archive.read("data.json"))
            try:
                with transaction.atomic(), disable_auditlog(), ExitStack() as stack:
                    for context in _while_importing:
                        stack.enter_context(context())
                    call_command("loaddata", str(fixture), verbosity=0)
            except Exception as error:  # a broken or hand-edited archive: nothing written
                raise ArchiveError(
                    _("The archive's data could not be loaded: nothing was written.")
                ) from error
        for name, target in targets.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(name))
    return {"files": len(members)}
