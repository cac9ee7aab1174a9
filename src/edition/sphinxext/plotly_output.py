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
from sphinx.util import logging

from edition.paths import STATIC_DIR

logger = logging.getLogger(__name__)

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
    Keys are sorted: a figure read from the execution cache then gives the same page as one just
    executed, whose output keeps the order the kernel wrote.
    """
    text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False, sort_keys=True)
    return _SCRIPT_BREAKERS.sub(lambda m: "\\u003c" + m.group(1), text)


class plotly_figure(nodes.General, nodes.Element):
    """A Plotly figure's spec (``node["payload"]``), written as the placeholder figures.js draws."""


def visit_plotly_figure(self, node: plotly_figure) -> None:
    """A placeholder div that figures.js turns into a live Plotly figure: the spec is JSON in a
    script element, made safe for script data by :func:`script_safe_json`."""
    self.body.append(self.starttag(node, "div", "", CLASS=FIGURE_CLASS))
    self.body.append(f'<script type="application/json" class="{FIGURE_CLASS}-spec">')
    self.body.append(script_safe_json(node["payload"]))
    self.body.append("</script></div>")
    raise nodes.SkipNode


def skip_plotly_figure(self, node: plotly_figure) -> None:
    """Other writers: a live figure has no static form here (its Data tab and summary say what it shows)."""
    raise nodes.SkipNode


def figure_html(payload: dict[str, Any]) -> str:
    """The placeholder as a string (the HTML visitor writes the same), for tests and tools."""
    return (f'<div class="{FIGURE_CLASS}"><script type="application/json" class="{FIGURE_CLASS}-spec">'
            f"{script_safe_json(payload)}</script></div>")


def resolve_click_links(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """A trace with ``meta.clickLink = k`` names, in ``customdata[k]``, a label to go to on a click
    (``essay-p3``); here each label becomes the address the builder gives it from this page."""
    if app.builder.format != "html":
        return
    labels = app.env.get_domain("std").anonlabels
    for node in doctree.findall(plotly_figure):
        for trace in node["payload"].get("data", []):
            index = (trace.get("meta") or {}).get("clickLink") if isinstance(trace.get("meta"), dict) else None
            if index is None:
                continue
            for row in trace.get("customdata") or []:
                label = row[index]
                if not label:
                    continue
                if label not in labels:
                    logger.warning("figure click link %r is not a label in the book", label, location=node,
                                   type="edition", subtype="figure")
                    continue
                page, anchor = labels[label]
                uri = "" if page == docname else app.builder.get_relative_uri(docname, page)
                row[index] = f"{uri}#{anchor}"


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
        return [plotly_figure("", payload=content)]


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
    skip = (skip_plotly_figure, None)
    app.add_node(plotly_figure, html=(visit_plotly_figure, None), text=skip, latex=skip, man=skip, texinfo=skip)
    app.connect("doctree-resolved", drop_empty_outputs)
    app.connect("doctree-resolved", resolve_click_links)
    app.connect("html-page-context", add_page_assets)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
