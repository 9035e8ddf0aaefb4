from pathlib import Path

from django.core.management.base import BaseCommand

from labo.history.archive import export_lab


class Command(BaseCommand):
    help = "Write the whole lab (data and media) to one .zip archive."

    def add_arguments(self, parser) -> None:
        parser.add_argument("archive", type=Path, help="the .zip file to write")

    def handle(self, *args, archive: Path, **options) -> None:
        held = export_lab(archive)
        self.stdout.write(f"{archive}: {held['objects']} objects, {held['files']} media files")
