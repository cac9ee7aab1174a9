"""Each built page without the themes' indentation: whitespace a browser collapses anyway.

The theme's templates indent their markup, about 2 KB of spaces on every page. After the pages
are written, each line's leading and trailing spaces and tabs and any blank lines are removed
outside ``<pre>``, ``<textarea>``, ``<code>``, ``<script>`` and ``<style>``, whose text is kept
byte for byte. A whitespace run always keeps its newline, so where the browser showed a space it
still does (white-space ``normal``, ``nowrap`` and ``pre-line`` treat the run alike): the page
looks the same. Runs before the Content-Security-Policy step, which hashes the page as written.
"""

from __future__ import annotations

import re
from typing import Any

from sphinx.application import Sphinx

from edition.sphinxext.csp import rewrite_pages

KEPT_RE = re.compile(r"(<(pre|textarea|code|script|style)\b.*?</\2\s*>)", re.S | re.I)
INDENT_RE = re.compile(r"[ \t]*\n[ \t\n]*")


def compact(html: str) -> str:
    """The page with indentation, trailing spaces and blank lines gone outside kept elements."""
    parts = KEPT_RE.split(html)
    out = []
    # split() with two groups yields: text, whole kept element, its tag name, text, ...
    for index in range(0, len(parts), 3):
        out.append(INDENT_RE.sub("\n", parts[index]))
        if index + 1 < len(parts):
            out.append(parts[index + 1])
    return "".join(out)


def compact_pages(app: Sphinx, exception: Exception | None) -> None:
    rewrite_pages(app, exception, lambda html, _name: compact(html))


def setup(app: Sphinx) -> dict[str, Any]:
    # before the Content-Security-Policy step (priority 800), which hashes the page as written
    app.connect("build-finished", compact_pages, priority=700)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
