"""The ``figure-panel`` directive: a glued figure in Chart | Data | Sources tabs, then its summary."""

from __future__ import annotations

from typing import Any

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from edition.sphinxext import datatext

logger = logging.getLogger(__name__)

TEMPLATE = """\
::::{{tab-set}}
:class: figure-panel

:::{{tab-item}} Chart
:sync: chart

```{{glue:figure}} {name}
:name: fig-{name}

{caption}
```
:::

:::{{tab-item}} Data
:sync: data

```{{glue:any}} {name}-data
```
:::

:::{{tab-item}} Sources
:sync: sources

```{{glue:any}} {name}-sources
```
:::
::::
"""


class FigurePanelDirective(SphinxDirective):
    """``{figure-panel} name`` with the caption as content; the cell must have glued the four parts."""

    required_arguments = 1
    has_content = True

    def run(self) -> list[nodes.Node]:
        if not self.content:
            raise self.error(f"figure-panel {self.arguments[0]}: a caption is required as content")
        name = self.arguments[0]
        caption = " ".join(line.strip() for line in self.content)
        text = TEMPLATE.format(name=name, caption=caption)
        container = nodes.container(classes=["edition-figure-panel"], ids=[f"panel-{name}"])
        self.state.nested_parse(StringList(text.splitlines(), source=self.get_source_info()[0]),
                                self.content_offset, container)
        # the glued text summary, the figure's description: it quotes data, so it is plain text
        summary = nodes.container(classes=["edition-figure-summary"])
        summary += self._summary(f"{name}-summary")
        container += summary
        return [container]

    def _summary(self, key: str) -> nodes.Node:
        from myst_nb.core.variables import RetrievalError
        from myst_nb.ext.glue.utils import retrieve_glue_data

        try:
            glued = retrieve_glue_data(self.state.document, key)
        except RetrievalError as err:
            # as glue's own directives do: a warning (muted only where execution is off)
            logger.warning(f"{err}", location=self.get_location(), type="mystnb", subtype="glue")
            return nodes.paragraph()
        text = glued.data.get("text/plain")
        if not isinstance(text, str) or "text/markdown" in glued.data or "text/html" in glued.data:
            raise self.error(f"figure-panel {key}: the summary must be glued as plain text (panels.PlainText)")
        return datatext.paragraph(text, self, f"{self.get_source_info()[0]}:{key}", allowed=(), emphasis=False)


TABLE_CLASSES = ("edition-claims-ledger", "edition-data-table", "edition-data-dictionary")


def add_table_script(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Load the reader-table script (card labels, the ledger's filters) only where such a table is."""
    body = context.get("body", "")
    if any(name in body for name in TABLE_CLASSES):
        app.add_js_file("edition/tables.js", loading_method="defer")


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("figure-panel", FigurePanelDirective)
    app.add_css_file("edition/figures.css")
    app.connect("html-page-context", add_table_script)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
