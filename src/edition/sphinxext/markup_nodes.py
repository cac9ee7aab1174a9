"""Reader tables and source lists (``edition.markup`` documents) as docutils nodes in the book.

A chapter cell's table arrives as a JSON document under its own mime type; this renderer (a
myst-nb mime renderer, entry point ``myst_nb.mime_renderers``) builds the table from
:mod:`edition.sphinxext.htmlnodes` elements and ordinary text nodes, so every value from the
data is escaped by the HTML writer, and its links are cross-references Sphinx resolves for the
builder in use: a paragraph link is a reference to the paragraph's label, a source a reference
to its bibliography entry (resolved by :func:`resolve_source` from sphinxcontrib-bibtex's own
record of where each entry was written), and a table row with an id is a label other pages can
link to (the scorecard's rows, which the claims ledger cites).
"""

from __future__ import annotations

import json
from typing import Any, Sequence

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from edition import markup
from edition.sphinxext.htmlnodes import element
from edition.sphinxext.plotly_output import HTML_BUILDERS

logger = logging.getLogger(__name__)

SOURCE_REFTYPE = "edition-source"


class MarkupError(ValueError):
    """A document this renderer cannot read (from a stale execution cache or a newer package)."""


def source_xref(key: str, text: str, title: str = "") -> addnodes.pending_xref:
    """A link to the bibliography entry ``key``, reading ``text``; resolved by :func:`resolve_source`."""
    ref = addnodes.pending_xref("", refdomain="", reftype=SOURCE_REFTYPE, reftarget=key, refexplicit=True,
                                refwarn=True, reftitle=title)
    ref += nodes.Text(text)
    return ref


def paragraph_xref(number: int) -> addnodes.pending_xref:
    """'¶6', linked to the paragraph wherever the essay renders it."""
    ref = addnodes.pending_xref("", refdomain="std", reftype="ref", reftarget=f"essay-p{number}",
                                refexplicit=True, refwarn=True)
    ref += nodes.inline("", f"¶{number}")
    return ref


def pieces(items: Sequence[Any]) -> list[nodes.Node]:
    """A cell's pieces as nodes (see edition.markup): text stays text."""
    out: list[nodes.Node] = []
    for piece in items:
        if isinstance(piece, str):
            if piece:
                out.append(nodes.Text(piece))
            continue
        kind = piece.get("type") if isinstance(piece, dict) else None
        if kind == "source":
            out.append(source_xref(piece["key"], piece["text"], piece["title"]))
        elif kind == "srcnum":  # an entry of a sources list on the same page
            out.append(element("a", nodes.Text(str(int(piece["number"]))),
                               href=f"#{piece['list']}-{int(piece['number'])}"))
        elif kind == "para":
            out.append(paragraph_xref(int(piece["number"])))
        elif kind == "strong":
            out.append(nodes.strong(piece["text"], piece["text"], classes=list(piece["classes"])))
        elif kind == "details":
            box = element("details", element("summary", nodes.Text(piece["summary"])))
            for paragraph in piece["paragraphs"]:
                box += element("p", *pieces(paragraph))
            out.append(box)
        else:
            raise MarkupError(f"unknown piece {piece!r}; expected text or one of {', '.join(markup.PIECE_TYPES)}")
    return out


def table_nodes(doc: dict[str, Any], document: nodes.document | None) -> nodes.Element:
    headers = doc["headers"]
    head_row = element("tr")
    for header in headers:
        head_row += element("th", nodes.Text(header), scope="col") if header else element("td")
    body = element("tbody")
    for row in doc["rows"]:
        if len(row["cells"]) != len(headers):
            raise MarkupError(f"table {doc['caption']!r}: a row of {len(row['cells'])} cells under {len(headers)} headers")
        tr = element("tr", ids=[row["id"]] if row["id"] else [])
        if row["id"]:
            tr["names"] = [nodes.fully_normalize_name(row["id"])]
            if document is not None:
                document.note_explicit_target(tr)  # a label: the claims ledger links scorecard rows
        # no per-cell label or class: on a phone, tables.js names each cell after its column
        # header for the card layout (an empty cell is :empty to the style sheet)
        for number, cell in enumerate(row["cells"]):
            tag = "th" if doc["row_header"] and number == 0 else "td"
            attributes = {"scope": "row"} if tag == "th" else {}
            tr += element(tag, *pieces(cell), **attributes)
        body += tr
    attributes = {"aria-label": doc["caption"]} if doc["caption"] else {}
    return element("table", element("thead", head_row), body,
                   classes=["edition-table", "edition-cards", *doc["classes"]], **attributes)


def sources_nodes(doc: dict[str, Any]) -> nodes.Element:
    """A figure's Sources tab: numbered, each entry a target (``<id>-<n>``), when the document has
    an id; only a pointer to an earlier figure's list (``see``) when it shares that list."""
    intro = element("p", nodes.Text(doc["intro"]))
    if doc["see"]:
        intro += [nodes.Text(" "), element("a", nodes.Text(markup.SEE_TEXT), href=f"#{doc['see']}"), nodes.Text(".")]
    if doc["note"]:
        intro += nodes.Text(f" {doc['note']}")
    box = element("div", intro, classes=["edition-sources"])
    if not doc["items"]:
        return box
    items = element("ol" if doc["id"] else "ul", ids=[doc["id"]] if doc["id"] else [])
    for n, s in enumerate(doc["items"], start=1):
        title: nodes.Node = (element("a", nodes.Text(s["title"]), href=s["url"]) if s["url"]
                             else nodes.Text(s["title"]))
        items += element("li", nodes.Text(f"{s['outlet']}, "), title, nodes.Text(f", {s['date'] or 'undated'} ("),
                         source_xref(s["key"], "bibliography"), nodes.Text(")"),
                         ids=[f"{doc['id']}-{n}"] if doc["id"] else [])
    box += items
    return box


def document_nodes(doc: Any, document: nodes.document | None = None) -> nodes.Element:
    """The nodes for one markup document, in the box myst-nb gives an HTML output."""
    if not isinstance(doc, dict) or doc.get("version") != markup.VERSION:
        raise MarkupError(f"not an edition.markup document of version {markup.VERSION}: {str(doc)[:80]!r}")
    if doc.get("kind") == "table":
        inner = table_nodes(doc, document)
    elif doc.get("kind") == "sources":
        inner = sources_nodes(doc)
    else:
        raise MarkupError(f"unknown edition.markup kind {doc.get('kind')!r}; expected table or sources")
    box = element("div", inner, classes=["output", "text_html"])
    box["support_smartquotes"] = False  # data shown as written, as the notebook shows it
    return box


class MarkupMimeRenderer:
    """myst-nb mime renderer for edition.markup documents (entry point ``myst_nb.mime_renderers``)."""

    # Lower number wins: the document, not its notebook HTML, in every HTML build.
    mime_priority_overrides = [(builder, markup.MIME, 2) for builder in HTML_BUILDERS]

    @staticmethod
    def handle_mime(renderer: Any, data: Any, inline: bool) -> list[nodes.Element] | None:
        if data.mime_type != markup.MIME:
            return None
        content = json.loads(data.content) if isinstance(data.content, str) else data.content
        document = renderer.renderer.document
        try:
            return [document_nodes(content, document)]
        except (MarkupError, KeyError, TypeError) as err:
            raise MarkupError(f"{document['source']}: cell output {data.output_index}: {err}") from err


def resolve_source(app: Sphinx, env: BuildEnvironment, node: addnodes.pending_xref,
                   contnode: nodes.Element) -> nodes.Element | None:
    """Resolve a source link to its entry in the bibliography, wherever the builder wrote that: a
    plain link (no 'reference internal' class on each of a page's hundreds of source links)."""
    if node.get("reftype") != SOURCE_REFTYPE:
        return None
    key = node["reftarget"]
    domain = env.get_domain("cite")
    for citation in domain.citations:
        if citation.key == key and domain.bibliographies[citation.bibliography_key].list_ == "citation":
            page, fromdoc = citation.bibliography_key.docname, node.get("refdoc") or env.docname
            uri = "" if page == fromdoc else app.builder.get_relative_uri(fromdoc, page)
            attributes = {"title": node["reftitle"]} if node.get("reftitle") else {}
            return element("a", contnode, href=f"{uri}#{citation.citation_id}", **attributes)
    logger.warning("source %r is not in the bibliography", key, location=node, type="edition", subtype="source")
    return None


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("missing-reference", resolve_source)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
