"""Reader tables and source lists as structure, not as HTML strings.

A chapter cell that shows a table (``edition.tables``) or a figure's sources returns a
:class:`Markup`: a small JSON document of the table's headers, rows and cells, where each cell
is a list of pieces (text, a source, a link to an essay paragraph, a verdict, a folded block).
It is displayed under two mime types:

* ``application/vnd.edition.markup+json``, the document itself, which the book turns into
  docutils nodes (``edition.sphinxext.markup_nodes``): links become Sphinx cross-references,
  so the book's builder decides every URL;
* ``text/html`` for a notebook reader (JupyterLab), written by the Jinja2 templates below with
  autoescaping on, so text and attribute values from data are escaped by construction.

The templates live in this module (not in files beside it) so that an edit to them counts as a
change to the package's code, which the execution cache is keyed on (``sphinxext.inputs``).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Sequence

import jinja2

MIME = "application/vnd.edition.markup+json"
VERSION = 2

# The notebook view's links. A chapter opened as a notebook sits beside the built pages' names
# only in a clone of the built site; the book itself never uses these (its links are resolved
# by Sphinx from the JSON document).
NOTEBOOK_BIBLIOGRAPHY = "bibliography.html"
# The link a figure's Sources tab gives when it shares an earlier figure's list (source_list's ``see``).
SEE_TEXT = "see that figure's Sources tab"


# ---- pieces of a cell -------------------------------------------------------------------------
# A piece is plain text (a str) or a dict with one of these shapes. Nothing in a piece is markup.

def source(key: str, text: str, title: str) -> dict[str, str]:
    """A link to a bibliography entry, shown as ``text`` (outlet and date), titled by the work."""
    return {"type": "source", "key": key, "text": text, "title": title}


def source_number(key: str, number: int, list_id: str) -> dict[str, Any]:
    """'12': a source by its number in a list on the same page (a figure's Sources tab, whose
    entries give outlet, title and date), linked to that entry (``<list_id>-<number>``)."""
    return {"type": "srcnum", "key": key, "number": int(number), "list": list_id}


def paragraph_link(number: int, page: str | None) -> dict[str, Any]:
    """'¶6', linked to the paragraph wherever the essay renders it (``page`` for the notebook view)."""
    return {"type": "para", "number": int(number), "page": page}


def strong(text: str, classes: Sequence[str] = ()) -> dict[str, Any]:
    return {"type": "strong", "text": text, "classes": list(classes)}


def details(summary: str, paragraphs: Sequence[Sequence[Any]]) -> dict[str, Any]:
    """A folded block: ``summary`` always shown, the paragraphs (each a list of pieces) on opening."""
    return {"type": "details", "summary": summary, "paragraphs": [list(p) for p in paragraphs]}


PIECE_TYPES = ("source", "srcnum", "para", "strong", "details")


def table(headers: Sequence[str], rows: Sequence[Sequence[Sequence[Any]]], caption: str | None = None,
          classes: Sequence[str] = (), row_header: bool = False,
          row_ids: Sequence[str] | None = None) -> dict[str, Any]:
    """A reader table: each row a list of cells, each cell a list of pieces. An empty header
    labels nothing (the row headers' column); ``row_header`` makes each row's first cell its header."""
    if row_ids is not None and len(row_ids) != len(rows):
        raise ValueError(f"table {caption!r}: {len(row_ids)} row ids for {len(rows)} rows")
    return {
        "kind": "table", "version": VERSION, "caption": caption, "classes": list(classes),
        "headers": list(headers), "row_header": bool(row_header),
        "rows": [{"id": row_ids[n] if row_ids else None, "cells": [list(cell) for cell in cells]}
                 for n, cells in enumerate(rows)],
    }


def source_list(intro: str, note: str, entries: Sequence[Any], list_id: str | None = None,
                see: str | None = None) -> dict[str, Any]:
    """A figure's Sources tab: ``entries`` are edition.sources.Source, already in order. With
    ``list_id`` the list is numbered and entry n is the target ``<list_id>-<n>`` (what a data
    table's :func:`source_number` links to). With ``see`` (another list's id on the same page) and
    no entries, the tab points to that list instead of repeating it."""
    return {
        "kind": "sources", "version": VERSION, "intro": intro, "note": note, "id": list_id, "see": see,
        "items": [{"key": s.key, "outlet": s.outlet, "title": s.title, "url": s.url, "date": s.date}
                  for s in entries],
    }


def plain(cell: Sequence[Any]) -> str:
    """A cell's text as a reader reads it (no markup)."""
    out = []
    for piece in cell:
        if isinstance(piece, str):
            out.append(piece)
        elif piece["type"] == "para":
            out.append(f"¶{piece['number']}")
        elif piece["type"] == "srcnum":
            out.append(str(piece["number"]))
        elif piece["type"] == "details":
            out.append(piece["summary"])
        else:
            out.append(piece["text"])
    return "".join(out)


# ---- the notebook view: Jinja2, autoescaped -------------------------------------------------

TEMPLATES = {
    "pieces": """\
{%- for piece in pieces -%}
{%- if piece is string -%}{{ piece }}
{%- elif piece.type == "source" -%}
<a href="{{ bibliography }}#cite-{{ piece.key }}" title="{{ piece.title }}">{{ piece.text }}</a>
{%- elif piece.type == "srcnum" -%}
<a href="#{{ piece.list }}-{{ piece.number }}">{{ piece.number }}</a>
{%- elif piece.type == "para" -%}
{%- if piece.page %}<a href="{{ piece.page }}.html#essay-p{{ piece.number }}">¶{{ piece.number }}</a>
{%- else %}¶{{ piece.number }}{% endif -%}
{%- elif piece.type == "strong" -%}
<strong{% if piece.classes %} class="{{ piece.classes | join(' ') }}"{% endif %}>{{ piece.text }}</strong>
{%- elif piece.type == "details" -%}
<details><summary>{{ piece.summary }}</summary>
{%- for paragraph in piece.paragraphs %}<p>{% with pieces = paragraph %}{% include "pieces" %}{% endwith %}</p>{% endfor -%}
</details>
{%- endif -%}
{%- endfor -%}""",
    "table": """\
<table class="{{ (['edition-table', 'edition-cards'] + doc.classes) | join(' ') }}"
{%- if doc.caption %} aria-label="{{ doc.caption }}"{% endif %}><thead><tr>
{%- for header in doc.headers -%}
{%- if header %}<th scope="col">{{ header }}</th>{% else %}<td></td>{% endif -%}
{%- endfor -%}
</tr></thead><tbody>
{%- for row in doc.rows -%}
<tr{% if row.id %} id="{{ row.id }}"{% endif %}>
{%- for cell in row.cells -%}
{%- set tag = "th" if (doc.row_header and loop.first) else "td" -%}
<{{ tag }}{% if tag == "th" %} scope="row"{% endif %}>{% with pieces = cell %}{% include "pieces" %}{% endwith %}</{{ tag }}>
{%- endfor -%}
</tr>
{%- endfor -%}
</tbody></table>""",
    "sources": """\
<div class="edition-sources"><p>{{ doc.intro }}{% if doc.see %} <a href="#{{ doc.see }}">{{ see_text }}</a>.{% endif %}
{%- if doc.note %} {{ doc.note }}{% endif %}</p>
{%- if doc["items"] -%}
{%- set tag = "ol" if doc.id else "ul" -%}
<{{ tag }}{% if doc.id %} id="{{ doc.id }}"{% endif %}>
{%- for s in doc["items"] -%}
<li{% if doc.id %} id="{{ doc.id }}-{{ loop.index }}"{% endif %}>{{ s.outlet }}, {% if s.url %}<a href="{{ s.url }}">{{ s.title }}</a>{% else %}{{ s.title }}{% endif %}, {{ s.date or "undated" }} (<a href="{{ bibliography }}#cite-{{ s.key }}">bibliography</a>)</li>
{%- endfor -%}
</{{ tag }}>
{%- endif -%}
</div>""",
    # edition.reader: a chapter's Markdown cells as a notebook reader sees them (one HTML block a line)
    "reader_citation": """\
{%- set text -%}
{%- if parts %}{{ parts | join(", ") }}, “{{ title }},”{% else %}“{{ title }},”{% endif %}{% if date %} {{ date }}{% endif -%}
{%- endset -%}
{%- if url %}<a href="{{ url }}">{{ text }}</a>{% else %}{{ text }}{% endif -%}""",
    "reader_essay": """\
<div class="edition-essay"><p><em>From the essay, {{ span }}</em></p>
{%- for para in paragraphs %}
<blockquote id="{{ para.anchor }}"><p><strong>¶{{ para.number }}</strong> {{ para.text }}
{%- if para.original %} <a href="{{ para.original }}">Read ¶{{ para.number }} in the original at Lawfare</a>{% endif -%}
</p></blockquote>
{%- if para.notes %}
<details><summary>Notes on ¶{{ para.number }} ({{ para.notes | length }})</summary><ul>
{%- for note in para.notes %}<li><strong>{{ para.number }}.{{ loop.index }} {{ note.kind }}</strong>: {{ note.html }}</li>{% endfor -%}
</ul></details>
{%- endif %}
{%- endfor %}
</div>""",
    "reader_ledger": """\
<table><thead><tr>{% for h in headers %}<th>{{ h }}</th>{% endfor %}</tr></thead><tbody>
{%- for row in rows %}<tr>{% for cell in row %}<td>{{ cell }}</td>{% endfor %}</tr>{% endfor -%}
</tbody></table>""",
    "notebook_panel": """\
<div class="edition-notebook-panel"><p>{{ summary }}</p>
{%- for part in parts -%}
<details><summary>{{ part.summary }}</summary>{{ part.html }}</details>
{%- endfor -%}
</div>""",
}


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The template layer: autoescaping always on, an undefined name an error."""
    env = jinja2.Environment(loader=jinja2.DictLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=False)
    env.globals.update(bibliography=NOTEBOOK_BIBLIOGRAPHY, see_text=SEE_TEXT)
    return env


def render(name: str, **context: Any) -> str:
    """Render one of :data:`TEMPLATES`; strings in ``context`` are escaped unless marked safe."""
    return environment().get_template(name).render(**context)


def html_of(doc: dict[str, Any]) -> str:
    """The notebook view's HTML of a table or source-list document."""
    return render(doc["kind"], doc=doc)


class Markup:
    """A displayable table or source list: the document for the book, HTML for a notebook."""

    def __init__(self, doc: dict[str, Any]):
        self.doc = doc

    @property
    def data(self) -> str:
        """The notebook view's HTML (as IPython.display.HTML names it)."""
        return html_of(self.doc)

    def _repr_html_(self) -> str:
        return self.data

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, Any]:
        label = self.doc.get("caption") or self.doc.get("intro") or self.doc["kind"]
        return {MIME: self.doc, "text/html": self.data, "text/plain": f"[{self.doc['kind']}] {label}"}
