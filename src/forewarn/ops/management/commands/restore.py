from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from forewarn.ops import backups


class Command(BaseCommand):
    help = (
        "Make the backup at PATH the embedded SQLite database. Stop web and worker first; "
        "the database it replaces is kept beside it. PostgreSQL: use pg_restore."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="a file written by forewarn backup")

    def handle(self, *args, path, **options):
        try:
            summary, kept = backups.restore(path)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from None
        if kept is not None:
            self.stdout.write(f"The database it replaces is kept as {kept}.")
        self.stdout.write(
            f"Restored {path} into {summary.path}: {summary.events} recorded events, "
            f"{summary.notices} notices, {summary.deliveries} deliveries. Run forewarn migrate "
            "if the backup comes from an older version."
        )
