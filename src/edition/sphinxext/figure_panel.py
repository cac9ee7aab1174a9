"""The ``figure-panel`` directive: a glued figure in Chart | Data | Sources tabs, then its summary."""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from edition.sphinxext import datatext

logger = logging.getLogger(__name__)

# (tab label, sync id, glue key suffix) of the panel's tabs, in order
TABS = (("Chart", "chart", ""), ("Data", "data", "-data"), ("Sources", "sources", "-sources"))


class FigurePanelDirective(SphinxDirective):
    """``{figure-panel} name`` with the caption as content; the cell must have glued the four parts.

    The panel is built as nodes: sphinx-design's tab set and tab items (the components its own
    directives make, which its transform turns into tabs), the glued figure in a figure node with
    the caption parsed from the directive's own content, the glued data and sources as they
    render, then the glued summary as plain text."""

    required_arguments = 1
    has_content = True

    def run(self) -> list[nodes.Node]:
        from sphinx_design.shared import create_component

        if not self.content:
            raise self.error(f"figure-panel {self.arguments[0]}: a caption is required as content")
        name = self.arguments[0]
        container = nodes.container(classes=["edition-figure-panel"], ids=[f"panel-{name}"])
        tab_set = create_component("tab-set", classes=["sd-tab-set", "figure-panel"])
        self.set_source_info(tab_set)
        for label, sync, suffix in TABS:
            item = create_component("tab-item", classes=["sd-tab-item"], selected=False)
            item += nodes.rubric(label, "", nodes.Text(label), classes=["sd-tab-label"], sync_id=sync,
                                 sync_group="tab")
            content = create_component("tab-content", classes=["sd-tab-content"])
            content += self._figure(name) if not suffix else self._glued(f"{name}{suffix}")
            item += content
            tab_set += item
        container += tab_set
        # the glued text summary, the figure's description: it quotes data, so it is plain text
        summary = nodes.container(classes=["edition-figure-summary"])
        summary += self._summary(f"{name}-summary")
        container += summary
        return [container]

    def _retrieve(self, key: str) -> Any:
        from myst_nb.core.variables import RetrievalError
        from myst_nb.ext.glue.utils import retrieve_glue_data

        try:
            return retrieve_glue_data(self.state.document, key)
        except RetrievalError as err:
            # as glue's own directives do: a warning (muted only where execution is off)
            logger.warning(f"{err}", location=self.get_location(), type="mystnb", subtype="glue")
            return None

    def _glued(self, key: str) -> list[nodes.Node]:
        from myst_nb.core.variables import render_variable_outputs

        glued = self._retrieve(key)
        if glued is None:
            return []
        return render_variable_outputs([glued], self.state.document, self.lineno, self.get_source_info()[0])

    def _figure(self, name: str) -> list[nodes.Node]:
        """The glued figure as glue:figure makes it: a figure named fig-<name>, with the caption."""
        figure = nodes.figure("", *self._glued(name))
        self.set_source_info(figure)
        figure["names"].append(nodes.fully_normalize_name(f"fig-{name}"))
        self.state.document.note_explicit_target(figure, figure)
        parsed = nodes.Element()
        self.state.nested_parse(self.content, self.content_offset, parsed)
        if len(parsed) != 1 or not isinstance(parsed[0], nodes.paragraph):
            raise self.error(f"figure-panel {name}: the caption must be one paragraph")
        first = parsed[0]
        caption = nodes.caption(first.rawsource, "", *first.children)
        caption.source, caption.line = first.source, first.line
        figure += caption
        return [figure]

    def _summary(self, key: str) -> nodes.Node:
        glued = self._retrieve(key)
        if glued is None:
            return nodes.paragraph()
        text = glued.data.get("text/plain")
        if not isinstance(text, str) or "text/markdown" in glued.data or "text/html" in glued.data:
            raise self.error(f"figure-panel {key}: the summary must be glued as plain text (panels.PlainText)")
        return datatext.paragraph(text, self, f"{self.get_source_info()[0]}:{key}", allowed=(), emphasis=False)


TABLE_CLASSES = ("edition-table", "edition-claims-ledger", "edition-data-table", "edition-data-dictionary")


def add_table_script(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Load the reader-table script (card labels, the ledger's filters, links to numbered sources in
    a figure's Sources tab) only where such a table is."""
    body = context.get("body", "")
    if any(name in body for name in TABLE_CLASSES):
        app.add_js_file("edition/tables.js", loading_method="defer")


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("figure-panel", FigurePanelDirective)
    app.add_css_file("edition/figures.css")
    app.connect("html-page-context", add_table_script)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
