"""The static copy's files: names, links, and the atomic swap (no Django, no database)."""

import os
import stat

import pytest

from forewarn.statuspage import site_files
from forewarn.statuspage.site_files import NotPublishable, SiteFile, file_for, links, local

ORIGIN = "https://status.example.com"


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/", "index.html"),
        ("/history/", "history/index.html"),
        ("/history/?month=2026-10", "history/index.month-2026-10.html"),
        ("/incidents/ab12cd/", "incidents/ab12cd/index.html"),
        ("/api/v2/summary.json", "api/v2/summary.json"),
        ("/api/v2/incidents/unresolved.json", "api/v2/incidents/unresolved.json"),
        ("/history.atom", "history.atom"),
        ("/static/forewarn/status.css", "static/forewarn/status.css"),
    ],
)
def test_each_url_has_the_file_nginx_looks_for(url, name):
    assert file_for(url) == name


@pytest.mark.parametrize(
    "url",
    [
        "/../etc/passwd",
        "/static/../../secret",
        "/a/.hidden",
        "/history/?month=2026-10&x=1",
        "/history/?month=../x",
        "/api/v2/summary.json?x=1",
        "https://elsewhere.example/",
        "relative/",
        "/a//b/",
    ],
)
def test_a_url_that_cannot_be_a_plain_file_is_refused(url):
    with pytest.raises(NotPublishable):
        file_for(url)


def test_links_are_read_from_html_and_css_but_not_from_forms():
    html = """<link rel="stylesheet" href="/static/a.css"><a href="?month=2026-10">prev</a>
    <form action="/subscribe/" method="post"></form><img src="/static/i.png"><a>none</a>
    <abbr title="x">B</abbr><a title='a > b' class=x HREF=/x?a=1&amp;b=2>x</a>
    <img data-src="/no.png" srcset="/no2.png 2x"><li><span class="tip">href="/no3"</span></li>"""
    assert links(html, "text/html; charset=utf-8") == [
        "/static/a.css",
        "?month=2026-10",
        "/static/i.png",
        "/x?a=1&b=2",
    ]
    css = """body{background:url("../img/bg.png")} @import 'more.css'; i{src:url(f.woff2)}"""
    assert links(css, 'text/css; charset="utf-8"') == ["../img/bg.png", "more.css", "f.woff2"]
    assert links('{"url": "/x"}', "application/json") == []


@pytest.mark.parametrize(
    ("href", "page", "expected"),
    [
        ("?month=2026-10", "/history/", "/history/?month=2026-10"),
        ("/incidents/x/#update-1", "/", "/incidents/x/"),
        ("../img/bg.png", "/static/forewarn/status.css", "/static/img/bg.png"),
        (f"{ORIGIN}/history/", "/", "/history/"),
        ("https://elsewhere.example/", "/", None),
        ("http://status.example.com/", "/", None),
        ("mailto:ops@example.com", "/", None),
    ],
)
def test_only_links_on_this_site_are_followed(href, page, expected):
    assert local(href, page, ORIGIN) == expected


def site(state: str, body: bytes = b"<p>ok</p>") -> tuple[list[SiteFile], dict]:
    files = [
        SiteFile("/", body, "text/html; charset=utf-8", "public, max-age=10", 1_790_000_000),
        SiteFile(
            "/api/v2/status.json", b"{}", "application/json", "public, max-age=10", 1_790_000_000
        ),
        SiteFile("/static/a.css", b"a{}", "text/css", "max-age=60, public", 1_780_000_000),
    ]
    return files, {"state": state}


def test_a_copy_is_swapped_in_whole_and_readable_by_the_web_server(tmp_path):
    folder = tmp_path / "site"
    copy = site_files.write_copy(folder, *site("1"))
    assert folder.is_symlink() and folder.resolve() == copy.resolve()
    assert os.readlink(folder) == copy.name  # relative: the parent folder may move
    assert (folder / "index.html").read_bytes() == b"<p>ok</p>"
    assert (folder / "api/v2/status.json").stat().st_mtime == 1_790_000_000
    assert (folder / "static/a.css").stat().st_mtime == 1_780_000_000
    for path in [copy, *copy.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o005 == 0o005 if path.is_dir() else mode == 0o644, path
    manifest = site_files.read_manifest(folder)
    assert manifest["state"] == "1"
    assert manifest["files"]["api/v2/status.json"] == {
        "url": "/api/v2/status.json",
        "content_type": "application/json",
        "cache_control": "public, max-age=10",
    }


def test_the_previous_copy_stays_until_the_next_swap_and_older_ones_go(tmp_path):
    folder = tmp_path / "site"
    first = site_files.write_copy(folder, *site("1", b"one"))
    second = site_files.write_copy(folder, *site("2", b"two"))
    assert (folder / "index.html").read_bytes() == b"two"
    assert (first / "index.html").read_bytes() == b"one"  # a reader still in it finishes
    third = site_files.write_copy(folder, *site("3", b"three"))
    assert not first.exists() and second.exists() and third.exists()
    assert site_files.read_manifest(folder)["state"] == "3"


def test_a_failed_build_leaves_the_current_copy_alone(tmp_path):
    folder = tmp_path / "site"
    site_files.write_copy(folder, *site("1", b"one"))
    files, about = site("2", b"two")
    bad = [*files, SiteFile("/../escape", b"", "text/plain", "", 0)]
    with pytest.raises(NotPublishable):
        site_files.write_copy(folder, bad, about)
    assert (folder / "index.html").read_bytes() == b"one"
    assert len(list(tmp_path.glob(".site-*"))) == 1  # the half-built copy was removed


def test_an_empty_folder_becomes_the_link_and_one_with_files_is_refused(tmp_path):
    (tmp_path / "empty").mkdir()
    site_files.write_copy(tmp_path / "empty", *site("1"))
    assert (tmp_path / "empty").is_symlink()
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("mine")
    with pytest.raises(FileExistsError, match="move that folder away"):
        site_files.write_copy(tmp_path / "full", *site("1"))
    assert (tmp_path / "full" / "keep.txt").read_text() == "mine"


def test_no_manifest_means_no_copy(tmp_path):
    assert site_files.read_manifest(tmp_path / "nothing") is None
