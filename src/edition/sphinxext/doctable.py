"""Docutils tables for the book's generated tables (data dictionary, data tables, claims ledger)."""

from __future__ import annotations

from typing import Iterable, Sequence

from docutils import nodes

Cell = str | nodes.Node


def row(cells: Sequence[Cell]) -> nodes.row:
    """A table row; text cells become paragraphs (escaped by docutils), nodes are wrapped as they are."""
    out = nodes.row()
    for cell in cells:
        entry = nodes.entry()
        para = nodes.paragraph(cell, cell) if isinstance(cell, str) else nodes.paragraph("", "", cell)
        entry += para
        out += entry
    return out


def table(css_class: str, headers: Sequence[str], widths: Sequence[int], rows: Iterable[nodes.row]) -> nodes.table:
    """A table with a header row and the given body rows."""
    out = nodes.table(classes=[css_class])
    group = nodes.tgroup(cols=len(headers))
    out += group
    for width in widths:
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    head += row(list(headers))
    group += head
    body = nodes.tbody()
    for body_row in rows:
        body += body_row
    group += body
    return out
