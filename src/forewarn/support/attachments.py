"""Pure Python, no Django. What a request may carry as attachments: a few kinds of file, each
at most ``MAX_BYTES``, at most ``MAX_PER_MESSAGE`` on one message.

The kind is judged by the file name's extension, and the file is later served with the
type from this table (never the sender's), as a download: an HTML or SVG file, which a
browser would run, is refused, as are executables and archives that hide them.
"""

from pathlib import PurePosixPath

MAX_BYTES = 10 * 1024 * 1024
MAX_PER_MESSAGE = 10
NAME_MAX = 200

TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
    ".txt": "text/plain",
    ".log": "text/plain",
    ".csv": "text/csv",
    ".json": "application/json",
    ".xml": "text/plain",
    ".har": "application/json",
    ".eml": "message/rfc822",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class AttachmentRefused(ValueError):
    """An attachment support does not take; the message says why, naming the file."""


def safe_name(filename: str) -> str:
    """The file's base name without folders or control characters, at most ``NAME_MAX`` long."""
    base = PurePosixPath(filename.replace("\\", "/")).name
    cleaned = "".join(c for c in base if c.isprintable() and c not in '"<>').strip()
    return cleaned[-NAME_MAX:] or "attachment"


def content_type(filename: str, size: int) -> str:
    """The type the file is stored and served as; AttachmentRefused saying why it is not taken."""
    name = safe_name(filename)
    extension = PurePosixPath(name).suffix.lower()
    if extension not in TYPES:
        kinds = ", ".join(sorted(TYPES))
        raise AttachmentRefused(f"{name}: files of this kind are not taken; send one of {kinds}.")
    if size > MAX_BYTES:
        raise AttachmentRefused(
            f"{name}: {size:,} bytes is more than the {MAX_BYTES // (1024 * 1024)} MB allowed."
        )
    if size == 0:
        raise AttachmentRefused(f"{name}: the file is empty.")
    return TYPES[extension]


def check_count(count: int) -> None:
    if count > MAX_PER_MESSAGE:
        raise AttachmentRefused(
            f"{count} attachments is more than the {MAX_PER_MESSAGE} one message may carry."
        )
