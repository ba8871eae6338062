"""The static copy as files: where each URL is written, the links a page makes, the atomic swap.

Pure Python, no Django.

``file_for`` names the file of a URL the way the shipped nginx configuration
(``deploy/nginx/forewarn-static.conf``) looks it up: ``/`` is ``index.html``,
``/history/`` is ``history/index.html``, ``/history/?month=2026-10`` is
``history/index.month-2026-10.html``, and ``/api/v2/summary.json`` is itself.

``write_copy`` builds a whole copy in a sibling folder, then points the public
folder (a symbolic link) at it with one ``rename(2)``: a reader sees the previous
copy or the new one, never a half-written site. The previous copy stays on disk
until the next swap, for readers that were still in it.
"""

import fcntl
import html
import json
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urljoin, urlsplit

MANIFEST = ".forewarn-copy.json"
_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.~-]*")
_QUERY_WORD = re.compile(r"[A-Za-z0-9_-]+")
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")
_LINKING_TAG = re.compile(r"""<(?:a|link|img|script|source)\b(?:[^>"']|"[^"]*"|'[^']*')*>""", re.I)
_LINK_ATTRIBUTE = re.compile(r"""\s(href|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""", re.I)


class NotPublishable(ValueError):
    """A URL the static copy cannot hold as a file (odd characters, ``..``, a complex query)."""


@dataclass(frozen=True)
class SiteFile:
    """One URL's answer, as the web process gave it."""

    url: str  # path and query, e.g. "/history/?month=2026-10"
    body: bytes
    content_type: str
    cache_control: str
    last_modified: int  # seconds since the epoch: the file's mtime, so nginx says the same


def file_for(url: str) -> str:
    """The relative file name that holds ``url`` (a path, with an optional simple query)."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        raise NotPublishable(f"{url!r} is not a path on this site.")
    segments = parts.path[1:].split("/")
    directory = segments[-1] == ""
    segments = segments[:-1] if directory else segments
    if not all(_SEGMENT.fullmatch(s) and ".." not in s for s in segments):
        raise NotPublishable(f"{url!r} has a part that cannot name a file.")
    name = "/".join(segments)
    if not parts.query:
        return f"{name}/index.html".lstrip("/") if directory else name
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    words = [w for pair in pairs for w in pair]
    if not directory or len(pairs) != 1 or not all(_QUERY_WORD.fullmatch(w) for w in words):
        raise NotPublishable(f"{url!r}: only one simple parameter on a folder URL is published.")
    ((key, value),) = pairs
    return f"{name}/index.{key}-{value}.html".lstrip("/")


def links(body: str, content_type: str) -> list[str]:
    """The URLs an HTML page or a style sheet refers to, as written (forms are not followed).

    A scan of the tags that link (``a``, ``link``, ``img``, ``script``, ``source``) rather
    than a full parse: the front page has thousands of tags, one per day of each uptime bar.
    """
    if content_type.startswith("text/css"):
        return [a or b for a, b in _CSS_URL.findall(body)]
    if not content_type.startswith("text/html"):
        return []
    values = (_LINK_ATTRIBUTE.search(tag[0]) for tag in _LINKING_TAG.finditer(body))
    written = (next(v for v in found.groups()[1:] if v is not None) for found in values if found)
    return [html.unescape(value) for value in written if value]


def local(href: str, page: str, origin: str) -> str | None:
    """``href`` (found on ``page``) as a path and query on ``origin``, or None if elsewhere."""
    parts = urlsplit(urljoin(origin + page, href))
    if f"{parts.scheme}://{parts.netloc}" != origin:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def read_manifest(folder: Path) -> dict | None:
    """What the copy at ``folder`` holds (its page state and files), or None if there is none."""
    try:
        return json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        return None


def write_copy(folder: Path, files: Iterable[SiteFile], about: dict) -> Path:
    """Write ``files`` as a new copy and make ``folder`` (a symlink) point at it; return the copy.

    ``about`` goes into the copy's manifest, with each file's URL, type and cache rule.
    Copies are built beside ``folder``, named ``.<name>-<random>``; one lock file there
    keeps two publishers on this machine from swapping at once.
    """
    folder = Path(folder).absolute()
    folder.parent.mkdir(parents=True, exist_ok=True)
    _refuse_a_real_folder(folder)
    with open(folder.parent / f".{folder.name}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        copy = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
        try:
            copy.chmod(0o755)  # mkdtemp makes it 0700; the web server reads it as another user
            manifest = _write_files(copy, files)
            (copy / MANIFEST).write_text(json.dumps(about | {"files": manifest}, indent=1))
            previous = os.readlink(folder) if folder.is_symlink() else None
            link = folder.parent / f".{folder.name}-link-{uuid.uuid4().hex}"
            os.symlink(copy.name, link)
            os.replace(link, folder)  # the swap: one rename
        except BaseException:
            shutil.rmtree(copy, ignore_errors=True)
            raise
        _remove_old_copies(folder, keep={copy.name, previous})
    return copy


def _refuse_a_real_folder(folder: Path) -> None:
    if folder.is_dir() and not folder.is_symlink():
        if any(folder.iterdir()):
            raise FileExistsError(
                f"{folder} is a folder with files in it. The static copy keeps it as a symbolic "
                "link to the current copy, so that one rename swaps copies: move that folder away."
            )
        folder.rmdir()


def _write_files(copy: Path, files: Iterable[SiteFile]) -> dict[str, dict]:
    manifest = {}
    for site_file in files:
        name = file_for(site_file.url)
        target = copy / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(site_file.body)
        target.chmod(0o644)
        os.utime(target, (site_file.last_modified, site_file.last_modified))
        manifest[name] = {
            "url": site_file.url,
            "content_type": site_file.content_type,
            "cache_control": site_file.cache_control,
        }
    for directory in {p for p in copy.rglob("*") if p.is_dir()}:
        directory.chmod(0o755)
    return manifest


def _remove_old_copies(folder: Path, keep: set) -> None:
    for other in folder.parent.glob(f".{folder.name}-*"):
        if other.is_symlink():  # a link left by a publisher stopped before its swap
            other.unlink(missing_ok=True)
        elif other.name not in keep and other.is_dir():
            shutil.rmtree(other, ignore_errors=True)
