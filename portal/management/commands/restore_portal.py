"""manage.py restore_portal SRC: a backup_portal backup into an empty instance, checked before anything is written."""
from django.core.management.base import BaseCommand, CommandError

from portal.backup import services
from portal.backup.errors import BackupError


class Command(BaseCommand):
    help = ("Restore a backup made by backup_portal: verify every checksum, then load the database and the files "
            "into this (empty) instance, migrate and rebuild the search index.")

    def add_arguments(self, parser):
        parser.add_argument("source", help="The backup's directory (the one holding manifest.json).")
        parser.add_argument("--force", action="store_true",
                            help="Restore over a database or storage that is not empty, replacing what the backup holds.")

    def handle(self, *args, source, force=False, **options):
        try:
            manifest = services.restore(source, force=force, stdout=self.stdout)
        except BackupError as error:
            raise CommandError(str(error)) from None
        for error in manifest["errors"]:
            self.stderr.write(self.style.WARNING(f"{error['path']}: {error['error']} when the backup was made"))
        self.stdout.write(self.style.SUCCESS(
            f"Restored the backup of {manifest['created_at']} (portal {manifest['portal_version']}): "
            f"the database and {len(manifest['files'])} file(s)."))
