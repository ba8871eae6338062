"""User text (Markdown) to sanitised HTML, the one way every page, feed and email renders it.

Pure Python, no Django. markdown-it-py with raw HTML off, then nh3 (ammonia), so
no script, event handler or unsafe link survives whatever the renderer emits.
"""

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def render_markdown(body: str) -> str:
    """Markdown to HTML, sanitised (no raw HTML, no scripts, safe links)."""
    return nh3.clean(_markdown.render(body or ""))
