"""Every page's description and share (Open Graph) metadata, and fixes to the themes' and
extensions' markup that axe-core reports (names that differ from the visible text, list roles).
Two theme components are overridden for the same reason in templates/ (search-button-field.html,
theme-switcher.html), which page_assets puts first on the template path.

A page's description is its front matter's ``description`` when it has one, otherwise its first
paragraph of commentary (never the essay's own words), cut at a word near 160 characters.
"""

from __future__ import annotations

import html
import re
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

LIMIT = 160
# Blocks whose text is not the page's own commentary: the essay, its header, code and its output.
NOT_COMMENTARY = ("essay-excerpt", "essay-front-matter", "cell", "cell_output", "edition-figure-panel", "admonition")


def shorten(text: str, limit: int = LIMIT) -> str:
    """Whitespace collapsed; cut after the last whole sentence that fits, or else at the last
    word boundary before `limit`, with an ellipsis."""
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= limit:
        return text
    sentences = [m.end() for m in re.finditer(r"[.!?](?= [A-Z])", text[:limit])]
    if sentences and sentences[-1] >= limit // 2:
        return text[: sentences[-1]]
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:—–-")
    return cut + "…"


def _inside_excluded(node: nodes.Node) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, (nodes.Element,)) and set(parent.get("classes", [])) & set(NOT_COMMENTARY):
            return True
        if isinstance(parent, (nodes.table, nodes.field_list, nodes.list_item, nodes.citation, nodes.footnote)):
            return True
        parent = parent.parent
    return False


def description_of(doctree: nodes.document | None, metadata: dict[str, Any]) -> str | None:
    if metadata.get("description"):
        return shorten(str(metadata["description"]))
    if doctree is None:
        return None
    for para in doctree.findall(nodes.paragraph):
        text = para.astext()
        if len(text) >= 60 and not _inside_excluded(para):
            return shorten(text)
    return None


def _plain(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup or "")).strip()


def add_page_metadata(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: nodes.document | None) -> None:
    env = app.builder.env
    project = _plain(app.config.html_title) or app.config.project
    site = description_of(None, env.metadata.get(app.config.root_doc, {})) or project
    description = description_of(doctree, env.metadata.get(pagename, {})) or site
    title = _plain(context.get("title", "")) or pagename.rsplit("/", 1)[-1].capitalize()
    full_title = title if pagename == app.config.root_doc else f"{title} — {project}"
    base = (app.config.html_baseurl or "").rstrip("/")
    url = f"{base}/{app.builder.get_target_uri(pagename)}" if base else ""  # as this builder names the page
    tags = [
        ("name", "description", description),
        ("property", "og:type", "website" if pagename == app.config.root_doc else "article"),
        ("property", "og:site_name", project),
        ("property", "og:title", full_title),
        ("property", "og:description", description),
        ("property", "og:locale", "en_US"),
        ("name", "twitter:card", "summary"),
    ]
    if url:
        tags.append(("property", "og:url", url))
    context["edition_meta_tags"] = tags  # written, escaped, by templates/layout.html
    # The bibliography: docutils marks each entry role="doc-biblioentry" (deprecated in ARIA 1.3)
    # inside a role="list", which then has no list items. Entries are list items.
    # Its links are written without Sphinx's class="reference external" (27 bytes on each of 500
    # entries; only print.css used it there, and selects them as .citation a[href] instead): the
    # page stays under issue 12's 300 KB.
    body = context.get("body")
    if body:
        body = body.replace('role="doc-biblioentry"', 'role="listitem"')
        body = CITATION.sub(lambda m: m[0].replace('<a class="reference external" href=', "<a href="), body)
        context["body"] = body


CITATION = re.compile(r'<div class="citation" id="[^"]*" role="(?:doc-biblioentry|listitem)">.*?</div>', re.S)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("html-page-context", add_page_metadata)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
