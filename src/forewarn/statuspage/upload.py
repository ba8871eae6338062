"""Upload the static copy to S3-compatible object storage, with the web process's headers.

Pure Python, no Django.

Each file goes up with the Content-Type and Cache-Control the web process answered
(the copy's manifest keeps them), only when its bytes differ from the object already
there (S3's ETag of a single-part upload is the MD5 of its bytes), assets first and
the front page last; objects the copy no longer holds are removed afterwards. The
bucket's CORS rule lets any origin read, as the web process lets any origin read
its JSON. Object storage sets its own ETag and Last-Modified; there is no atomic
swap, but each object is replaced whole.
"""

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

from botocore.exceptions import ClientError

from .site_files import read_manifest

logger = logging.getLogger("forewarn.statuspage.upload")

CORS_RULES = [
    {
        "AllowedOrigins": ["*"],
        "AllowedMethods": ["GET", "HEAD"],
        "AllowedHeaders": ["If-None-Match", "If-Modified-Since"],
        "ExposeHeaders": ["ETag", "Last-Modified"],
        "MaxAgeSeconds": 86400,
    }
]


@dataclass(frozen=True)
class Uploaded:
    sent: int
    unchanged: int
    removed: int


def client(endpoint_url: str = "", region: str = ""):
    """An S3 client; credentials come from boto3's usual chain (AWS_* variables, files, roles).

    Checksums only where the API requires them: S3-compatible stores that predate the
    checksum headers boto3 sends by default refuse them.
    """
    # Imported here: boto3 takes up to a second to import on a busy machine, and a worker
    # that uploads nothing (most) should not start or stop slower for it.
    import boto3
    from botocore.config import Config

    config = Config(
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
        retries={"mode": "standard", "max_attempts": 3},
        connect_timeout=5,
        read_timeout=30,
    )
    return boto3.client(
        "s3", endpoint_url=endpoint_url or None, region_name=region or None, config=config
    )


def upload(folder: Path, bucket: str, s3, *, prefix: str = "", everything=False) -> Uploaded:
    """Make ``bucket`` (under ``prefix``) hold the copy at ``folder``; ``everything`` re-sends all."""
    manifest = read_manifest(Path(folder))
    if manifest is None:
        raise FileNotFoundError(f"{folder} holds no published copy: run `forewarn publish` first.")
    files = manifest["files"]
    there = _objects(s3, bucket, prefix)
    sent = unchanged = 0
    for name in sorted(files, key=_order):
        body = (Path(folder) / name).read_bytes()
        digest = hashlib.md5(body, usedforsecurity=False).hexdigest()
        if not everything and there.get(prefix + name) == digest:
            unchanged += 1
            continue
        s3.put_object(
            Bucket=bucket,
            Key=prefix + name,
            Body=body,
            ContentType=files[name]["content_type"],
            CacheControl=files[name]["cache_control"],
        )
        sent += 1
    stale = sorted(set(there) - {prefix + name for name in files})
    for start in range(0, len(stale), 1000):
        batch = [{"Key": key} for key in stale[start : start + 1000]]
        s3.delete_objects(Bucket=bucket, Delete={"Objects": batch, "Quiet": True})
    _allow_reading_from_anywhere(s3, bucket)
    return Uploaded(sent, unchanged, len(stale))


def _order(name: str) -> tuple[int, str]:
    """Assets first, then the JSON and feeds, then the pages, the front page last."""
    if name == "index.html":
        return 3, name
    if name.startswith("static/"):
        return 0, name
    return (2 if name.endswith(".html") else 1), name


def _objects(s3, bucket: str, prefix: str) -> dict[str, str]:
    """Key -> ETag (quotes dropped) of every object under ``prefix``."""
    found = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        found |= {o["Key"]: o["ETag"].strip('"') for o in page.get("Contents", [])}
    return found


def _allow_reading_from_anywhere(s3, bucket: str) -> None:
    try:
        current = s3.get_bucket_cors(Bucket=bucket).get("CORSRules")
    except ClientError as error:
        if error.response["Error"]["Code"] != "NoSuchCORSConfiguration":
            logger.warning("Cannot read the CORS rules of bucket %s: %s", bucket, error)
            return
        current = None
    if current == CORS_RULES:
        return
    try:
        s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": CORS_RULES})
    except ClientError as error:
        logger.warning(
            "Cannot set the CORS rules of bucket %s (set them by hand): %s", bucket, error
        )
