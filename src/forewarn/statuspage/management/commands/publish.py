from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from forewarn.statuspage import publish, upload
from forewarn.statuspage.jobs import s3_client


class Command(BaseCommand):
    help = (
        "Write the whole public site (pages, Statuspage v2 JSON, feeds, assets) into a folder, "
        "atomically; optionally upload it to S3-compatible object storage."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir",
            default=settings.FOREWARN_STATIC_DIR,
            help="the folder (a symlink to the current copy); default FOREWARN_STATIC_DIR",
        )
        parser.add_argument(
            "--upload",
            action="store_true",
            help="then upload every file to FOREWARN_STATIC_S3_BUCKET (and remove stale ones)",
        )

    def handle(self, *args, dir, upload: bool, **options):
        if not dir:
            raise CommandError("Say where: --dir FOLDER, or set FOREWARN_STATIC_DIR.")
        if upload and not settings.FOREWARN_STATIC_S3_BUCKET:
            raise CommandError("--upload needs FOREWARN_STATIC_S3_BUCKET.")
        try:
            done = publish.publish(Path(dir))
        except (publish.PublishFailed, FileExistsError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Published {done.files} files to {dir} (-> {done.copy.name}) in {done.seconds:.2f} s."
        )
        if upload:
            self._upload(Path(dir))

    def _upload(self, folder: Path) -> None:
        bucket = settings.FOREWARN_STATIC_S3_BUCKET
        sent = upload.upload(
            folder, bucket, s3_client(), prefix=settings.FOREWARN_STATIC_S3_PREFIX, everything=True
        )
        self.stdout.write(
            f"Uploaded to s3://{bucket}/{settings.FOREWARN_STATIC_S3_PREFIX}: "
            f"{sent.sent} sent, {sent.removed} removed."
        )
