"""Data appendix glue: a data dictionary generated from datapackage.json, and whole tables."""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from edition.lazy import lazy_module
from edition.paths import DATA_DIR
from edition.sphinxext import doctable
from edition.sphinxext.markup_nodes import source_xref

data = lazy_module("edition.data")  # loaded when a page is read (edition.lazy)


def constraint_text(field: dict) -> str:
    """The field's constraints in words: required, unique, enum, range, pattern."""
    cons = field.get("constraints", {})
    parts = []
    if cons.get("required"):
        parts.append("required")
    if cons.get("unique"):
        parts.append("unique")
    if "enum" in cons:
        parts.append("one of: " + ", ".join(cons["enum"]))
    if "minimum" in cons and "maximum" in cons:
        parts.append(f"from {cons['minimum']} to {cons['maximum']}")
    elif "minimum" in cons:
        parts.append(f"at least {cons['minimum']}")
    elif "maximum" in cons:
        parts.append(f"at most {cons['maximum']}")
    if "pattern" in cons and cons["pattern"] != data.NO_MARKUP_PATTERN:
        parts.append(f"pattern {cons['pattern']}")
    if cons.get("pattern") == data.NO_MARKUP_PATTERN:
        parts.append("no markup (< or >)")
    return "; ".join(parts)


class DataDictionaryDirective(SphinxDirective):
    """``{data-dictionary} transfers``: one table's fields, as its Table Schema declares them."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        descriptor = data.read_descriptor(DATA_DIR)
        self.env.note_dependency(str(DATA_DIR / data.PACKAGE_FILE))
        resources = {r["name"]: r for r in descriptor["resources"]}
        name = self.arguments[0]
        if name not in resources:
            raise self.error(f"data dictionary: no table {name!r} in datapackage.json; have {sorted(resources)}")
        resource = resources[name]
        schema = resource["schema"]
        table = doctable.table(
            "edition-data-dictionary", ["Field", "Type", "Constraints", "Meaning"], (18, 10, 30, 42),
            (doctable.row([f["name"], f["type"], constraint_text(f), f.get("description", "")]) for f in schema["fields"]),
        )
        keys = [nodes.paragraph(text=f"Primary key: {', '.join(schema.get('primaryKey', []))}.")]
        for fk in schema.get("foreignKeys", []):
            ref = fk["reference"]
            keys.append(nodes.paragraph(
                text=f"Foreign key: {', '.join(fk['fields'])} → {ref['resource']}.{', '.join(ref['fields'])}."))
        title = nodes.paragraph()
        title += nodes.strong(text=f"{resource.get('title', name)} ({resource['path']})")
        return [title, nodes.paragraph(text=resource.get("description", "")), table, *keys]


def source_links(cell: object) -> nodes.inline:
    """A sources cell as links to the bibliography entries, each named by outlet and date."""
    from edition import sources

    known = sources.all_sources()
    out = nodes.inline()
    for i, key in enumerate(sources.split_keys(cell)):
        if i:
            out += nodes.Text("; ")
        out += source_xref(key, known[key].short)
    return out


class DataTableDirective(SphinxDirective):
    """``{data-table} transfers``: a whole table, each row with a stable anchor (#row-t040) notes link to."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        import pandas as pd

        from edition import tables as views

        name = self.arguments[0]
        loaded = data.load_tables()
        self.env.note_dependency(str(DATA_DIR / f"{name}.csv"))
        if name == "transfers":
            frame = views.transfers_view(loaded["transfers"], loaded["places"])
        elif name == "events":
            frame = views.events_view(loaded["events"])
        else:
            raise self.error(f"data-table: no view for table {name!r}; have transfers, events")
        rows = []
        for row_id, values in frame.iterrows():
            row = doctable.row([str(row_id), *[source_links(v) if column == "Sources" else ("" if pd.isna(v) else str(v))
                                               for column, v in values.items()]])
            anchor = f"row-{str(row_id).lower()}"
            target = nodes.target("", "", ids=[anchor], names=[anchor])
            self.state.document.note_explicit_target(target)
            row[0][0].insert(0, target)
            rows.append(row)
        headers = [frame.index.name or "Id", *frame.columns]
        return [doctable.table("edition-data-table", headers, [10] * len(headers), rows)]


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("data-dictionary", DataDictionaryDirective)
    app.add_directive("data-table", DataTableDirective)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
