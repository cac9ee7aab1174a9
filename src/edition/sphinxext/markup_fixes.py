"""Valid HTML where two extensions write invalid markup (both reported by the W3C Nu checker).

1. myst-nb's "Show code cell source" toggle (the ``hide-input`` tag; the same markup
   sphinx-togglebutton uses) puts ``<p>`` elements inside ``<summary>``, which admits only
   phrasing content. The toggle is written here with ``<span>`` instead, and edition.css gives
   the spans the look and the show/hide behaviour myst-nb's CSS gives the paragraphs.
2. sphinx-design's tabs put ``aria-controls`` on the tab's ``<label>``, where the attribute is
   not allowed. The label is only the visible caption of a radio ``<input>``, which is the
   control a keyboard or screen reader operates; the attribute moves to that input, keeping
   the programmatic link to the panel it shows.

Both are overrides of the extensions' HTML visitors, so the pages are right as written; no
post-build rewriting of files.
"""

from __future__ import annotations

from html import escape
from typing import Any

from sphinx.application import Sphinx


def visit_hide_cell_input(self, node) -> None:
    classes = " ".join(node["classes"])
    self.body.append(f'<details class="admonition hide {classes}">\n')
    self.body.append('<summary aria-label="Toggle hidden content">\n')
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


def setup(app: Sphinx) -> dict[str, Any]:
    from myst_nb.sphinx_ import HideCodeCellNode, depart_HideCellInput
    from sphinx_design import tabs

    app.add_node(HideCodeCellNode, override=True, html=(visit_hide_cell_input, depart_HideCellInput))
    app.add_node(tabs.sd_tab_input, override=True, html=(visit_tab_input, tabs.depart_tab_input))
    app.add_node(tabs.sd_tab_label, override=True, html=(visit_tab_label, tabs.depart_tab_label))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
