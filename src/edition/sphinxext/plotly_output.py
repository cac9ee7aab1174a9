"""Plotly in the book: render Plotly's own mime type, serve the edition's plotly.js bundle from _static.

The bundle (src/edition/static/edition/plotly/) holds plotly.js's core and only the trace types
the book draws; tools/plotly-bundle/ builds it from the plotly.js version that the installed
`plotly` package carries, and tests/test_plotly_bundle.py checks both. Notebooks opened in
JupyterLab keep using JupyterLab's own plotly.js.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

from edition.paths import STATIC_DIR

PLOTLY_MIME = "application/vnd.plotly.v1+json"
FIGURE_CLASS = "edition-plotly"
PLOTLY_JS = "edition/plotly/plotly-edition.min.js"
HTML_BUILDERS = ("html", "dirhtml", "singlehtml")


def bundle_path() -> Path:
    """The vendored plotly.js bundle, copied into _static with the rest of the edition's files."""
    return STATIC_DIR / PLOTLY_JS


def bundle_manifest() -> dict[str, Any]:
    """What tools/plotly-bundle/build.mjs recorded: plotly.js version, trace types, size, SHA-256."""
    return json.loads((bundle_path().parent / "manifest.json").read_text(encoding="utf-8"))


_SCRIPT_BREAKERS = re.compile(r"<(/|!--|script)", re.IGNORECASE)


def script_safe_json(payload: Any) -> str:
    """JSON that cannot close or break out of the <script> element holding it.

    Only the sequences that end or re-enter script data ("</", "<!--", "<script") are escaped,
    as "\\u003c…", which JSON.parse reads back unchanged; the many "<br>" in hover text stay short.
    """
    text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    return _SCRIPT_BREAKERS.sub(lambda m: "\\u003c" + m.group(1), text)


def figure_html(payload: dict[str, Any]) -> str:
    """A placeholder div that figures.js turns into a live Plotly figure."""
    return (
        f'<div class="{FIGURE_CLASS}">'
        f'<script type="application/json" class="{FIGURE_CLASS}-spec">{script_safe_json(payload)}</script>'
        "</div>"
    )


class PlotlyMimeRenderer:
    """myst-nb mime renderer for Plotly's mime type (entry point ``myst_nb.mime_renderers``)."""

    # Lower number wins: prefer Plotly's JSON over any text/html a renderer may also emit.
    mime_priority_overrides = [(builder, PLOTLY_MIME, 1) for builder in HTML_BUILDERS]

    @staticmethod
    def handle_mime(renderer: Any, data: Any, inline: bool) -> list[nodes.Element] | None:
        if (data.output_metadata or {}).get("edition", {}).get("notebook_only"):
            # drawn for a notebook reader (edition.panels.show_in_notebook); the page has the panel
            return []
        if data.mime_type != PLOTLY_MIME:
            return None
        content = data.content
        if isinstance(content, str):
            content = json.loads(content)
        return [nodes.raw("", figure_html(content), format="html")]


def plotly_address() -> str:
    """The bundle's address under _static, with its digest as the version (as Sphinx versions its own files)."""
    return f"{PLOTLY_JS}?v={bundle_manifest()['sha256'][:8]}"


def add_page_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """The figure loader, only on pages that hold a figure; it fetches plotly.js when a figure nears the viewport.

    plotly.js is not a <script> of the page: parsed at load, its 1.5 MB would hold a phone's main
    thread whether or not the reader ever scrolls to a figure. figures.js reads the bundle's
    address from its own data-plotly attribute (relative to _static).
    """
    if FIGURE_CLASS in context.get("body", ""):
        app.add_js_file("edition/figures.js", priority=601, loading_method="defer", **{"data-plotly": plotly_address()})


def drop_empty_outputs(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """A cell whose outputs were all notebook-only leaves an empty output box: remove it."""
    for node in list(doctree.findall(nodes.container)):
        if "cell_output" in node["classes"] and not node.children:
            node.parent.remove(node)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("doctree-resolved", drop_empty_outputs)
    app.connect("html-page-context", add_page_assets)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
