from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from forewarn.ops import backups


class Command(BaseCommand):
    help = (
        "Copy the embedded SQLite database to PATH while web and worker run (online, "
        "consistent). PostgreSQL: use pg_dump."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="the backup file to write (must not exist)")

    def handle(self, *args, path, **options):
        try:
            summary = backups.backup(path)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Backed up to {summary.path}: {summary.events} recorded events, "
            f"{summary.notices} notices, {summary.deliveries} deliveries."
        )
