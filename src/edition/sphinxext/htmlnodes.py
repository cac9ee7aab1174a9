"""One docutils node for HTML elements docutils has no node for (``<details>``, ``<sup>``, a
numbered list whose entries are link targets, an element with ARIA attributes).

The node carries its tag and its attributes as data; the HTML visitor writes it with the
translator's ``starttag``, which escapes every attribute value, and its children are ordinary
docutils nodes (text is escaped by the writer). Nothing is ever written from a string of HTML.
The edition builds HTML only (its print edition is printed from the HTML); other writers get
the element's content without the element, so a text or LaTeX build still shows the words.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx


class html_element(nodes.Element):
    """An HTML element with a chosen tag and attributes."""


class html_text_element(html_element, nodes.TextElement):
    """An element whose content is phrasing: text, inline nodes and links (which Sphinx's HTML
    writer expects inside a text element)."""


# Tags the HTML visitor accepts: a typo or a tag taken from data cannot produce markup.
BLOCK_TAGS = frozenset({"details", "div", "ol", "table", "tbody", "thead", "tr", "ul"})
TEXT_TAGS = frozenset({"a", "li", "p", "span", "strong", "summary", "sup", "td", "th"})
TAGS = BLOCK_TAGS | TEXT_TAGS


def element(tag: str, *children: nodes.Node, classes: list[str] | None = None, ids: list[str] | None = None,
            **attributes: str) -> html_element:
    """``element("th", nodes.Text(...), scope="row", aria_label="…")``: underscores in names become hyphens."""
    if tag not in TAGS:
        raise ValueError(f"html_element: tag {tag!r} is not one of {sorted(TAGS)}")
    if tag in TEXT_TAGS:
        node: html_element = html_text_element("", "", *children, classes=classes or [], ids=ids or [])
    else:
        node = html_element("", *children, classes=classes or [], ids=ids or [])
    node["tag"] = tag
    node["attributes"] = {name.replace("_", "-"): value for name, value in attributes.items()}
    return node


def visit_html_element(self, node: html_element) -> None:
    self.body.append(self.starttag(node, node["tag"], "", **node["attributes"]))


def depart_html_element(self, node: html_element) -> None:
    self.body.append(f"</{node['tag']}>")


def visit_content_only(self, node: html_element) -> None:
    """Other writers: the element's children, without the element."""


def depart_content_only(self, node: html_element) -> None:
    pass


def setup(app: Sphinx) -> dict[str, Any]:
    others = {name: (visit_content_only, depart_content_only) for name in ("text", "latex", "man", "texinfo")}
    for node_class in (html_element, html_text_element):
        app.add_node(node_class, html=(visit_html_element, depart_html_element), **others)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
