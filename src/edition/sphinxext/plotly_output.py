"""Plotly in the book: render Plotly's own mime type, serve plotly.js once from _static."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import plotly
from docutils import nodes
from sphinx.application import Sphinx

PLOTLY_MIME = "application/vnd.plotly.v1+json"
FIGURE_CLASS = "edition-plotly"
PLOTLY_JS = "edition/plotly.min.js"
HTML_BUILDERS = ("html", "dirhtml", "singlehtml")


def plotly_js_source() -> Path:
    """plotly.min.js from the installed plotly package, so library and bundle always match."""
    return Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"


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


def add_page_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Load plotly.js and the figure loader only on pages that hold a figure."""
    if FIGURE_CLASS in context.get("body", ""):
        app.add_js_file(PLOTLY_JS, priority=600, loading_method="defer")
        app.add_js_file("edition/figures.js", priority=601, loading_method="defer")


def copy_plotly_js(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and app.builder.name in HTML_BUILDERS:
        target = Path(app.outdir) / "_static" / PLOTLY_JS
        target.parent.mkdir(parents=True, exist_ok=True)
        source = plotly_js_source()
        if not target.exists() or target.stat().st_size != source.stat().st_size:
            shutil.copyfile(source, target)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("html-page-context", add_page_assets)
    app.connect("build-finished", copy_plotly_js)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
