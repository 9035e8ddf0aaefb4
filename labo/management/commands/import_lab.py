from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from labo.history.archive import ArchiveError, import_lab


class Command(BaseCommand):
    help = "Restore a lab written by export_lab into an empty database (after migrate)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("archive", type=Path, help="the .zip file written by export_lab")

    def handle(self, *args, archive: Path, **options) -> None:
        try:
            held = import_lab(archive)
        except ArchiveError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{archive}: restored, {held['files']} media files")
