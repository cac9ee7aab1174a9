"""Valid HTML where two extensions write invalid markup (both reported by the W3C Nu checker).

1. myst-nb's "Show code cell source" toggle (the ``hide-input`` tag; the same markup
   sphinx-togglebutton uses) puts ``<p>`` elements inside ``<summary>``, which admits only
   phrasing content. The toggle is written here with ``<span>`` instead, and edition.css gives
   the spans the look and the show/hide behaviour myst-nb's CSS gives the paragraphs.
2. sphinx-design's tabs put ``aria-controls`` on the tab's ``<label>``, where the attribute is
   not allowed. The label is only the visible caption of a radio ``<input>``, which is the
   control a keyboard or screen reader operates; the attribute moves to that input, keeping
   the programmatic link to the panel it shows.

And one for weight: docutils writes each bracket of a citation's or footnote's label in a span
of its own (``<span class="fn-bracket">[</span>``), for stylesheets that hide the brackets. No
stylesheet of this book does, and across the bibliography's 500-odd entries the spans cost about
28 KB of its page (issue 12: a page at most 300 KB). The label is written as the same visible
text, ``[12]``, in the one ``label`` span.

Both are overrides of the extensions' HTML visitors, so the pages are right as written; no
post-build rewriting of files.
"""

from __future__ import annotations

from html import escape
from typing import Any

from sphinx.application import Sphinx


def visit_hide_cell_input(self, node) -> None:
    self.body.append(self.starttag(node, "details", CLASS="admonition hide"))  # the cell's classes escaped
    # no aria-label: the toggle's accessible name is the prompt it shows ("Show code cell source")
    self.body.append("<summary>\n")
    self.body.append(f'<span class="collapsed admonition-title">{escape(node["prompt_show"])}</span>\n')
    self.body.append(f'<span class="expanded admonition-title">{escape(node["prompt_hide"])}</span>\n')
    self.body.append("</summary>\n")


def visit_tab_input(self, node) -> None:
    attributes = {"ids": [node["id"]], "type": node["type"], "name": node["set_id"],
                  # sphinx-design gives each tab's panel the id of its input plus "-content"
                  "aria-controls": f"{node['id']}-content"}
    if node["checked"]:
        attributes["checked"] = "checked"
    self.body.append(self.starttag(node, "input", **attributes))


def visit_tab_label(self, node) -> None:
    attributes = {"for": node["input_id"]}
    if "sync_id" in node and "sync_group" in node:
        attributes["data-sync-id"] = node["sync_id"]
        attributes["data-sync-group"] = node["sync_group"]
    self.body.append(self.starttag(node, "label", **attributes))


def _backrefs(self, node) -> list[str]:
    return node.parent.get("backrefs", []) if self.settings.footnote_backlinks else []


def visit_label(self, node) -> None:
    """docutils' label, its brackets as plain text (see the module's docstring)."""
    self.body.append('<span class="label">[')
    backrefs = _backrefs(self, node)
    if len(backrefs) == 1:
        self.body.append(f'<a role="doc-backlink" href="#{backrefs[0]}">')


def depart_label(self, node) -> None:
    backrefs = _backrefs(self, node)
    if len(backrefs) == 1:
        self.body.append("</a>")
    self.body.append("]</span>\n")
    if len(backrefs) > 1:
        links = ",".join(f'<a role="doc-backlink" href="#{ref}">{i}</a>' for i, ref in enumerate(backrefs, 1))
        self.body.append(f'<span class="backrefs">({links})</span>\n')


def setup(app: Sphinx) -> dict[str, Any]:
    from docutils import nodes

    from myst_nb.sphinx_ import HideCodeCellNode, depart_HideCellInput
    from sphinx_design import tabs

    app.add_node(HideCodeCellNode, override=True, html=(visit_hide_cell_input, depart_HideCellInput))
    app.add_node(tabs.sd_tab_input, override=True, html=(visit_tab_input, tabs.depart_tab_input))
    app.add_node(tabs.sd_tab_label, override=True, html=(visit_tab_label, tabs.depart_tab_label))
    app.add_node(nodes.label, override=True, html=(visit_label, depart_label))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
