"""Remove the files of photos deleted longer ago than the undo window (run it from cron)."""

from django.core.management.base import BaseCommand

from ateliers.services import purge_deleted_photos


class Command(BaseCommand):
    help = "Remove the files of photos deleted longer ago than LABO_PHOTO_UNDO_HOURS."

    def handle(self, *args, **options) -> None:
        removed = purge_deleted_photos()
        self.stdout.write(f"{removed} file(s) removed.")
