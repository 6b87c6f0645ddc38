"""manage.py backup_portal DEST: the database and every stored file, consistent, with a manifest of checksums."""
from django.core.management.base import BaseCommand, CommandError

from portal.backup import services
from portal.backup.errors import BackupError


class Command(BaseCommand):
    help = ("Back up the database (a snapshot) and every file of the default storage into DEST, a new directory, "
            "with manifest.json (sizes, SHA-256, version, migrations). Exits non-zero if a file the database "
            "names is missing from the storage (the backup is still written, the files listed in its manifest).")

    def add_arguments(self, parser):
        parser.add_argument("destination", help="A directory that does not exist yet, or an empty one.")

    def handle(self, *args, destination, **options):
        try:
            manifest = services.back_up(destination)
        except BackupError as error:
            raise CommandError(str(error)) from None
        for warning in manifest["warnings"]:
            self.stderr.write(self.style.WARNING(warning))
        size = sum(entry["size"] for entry in manifest["files"])
        self.stdout.write(f"Backed up the {manifest['database']['vendor']} database and {len(manifest['files'])} "
                          f"file(s), {size} bytes, into {destination}.")
        if manifest["errors"]:
            for error in manifest["errors"]:
                self.stderr.write(f"{error['path']}: {error['error']}")
            raise CommandError(f"{len(manifest['errors'])} file(s) the database names are missing from the storage "
                               "(listed in the manifest's errors).")
