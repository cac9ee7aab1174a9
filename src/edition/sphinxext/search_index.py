"""The search index keeps the glossary's terms through an incremental build.

Sphinx 7.4 rebuilds searchindex.js from the last one plus the pages it writes again, but it reads
back everything except the index entries (here, the glossary's terms, which the search lists as
definitions first): after any build that did not write the glossary, they were gone from the
search until a clean build (sphinx-doc/sphinx#12599, open). This module reads them back from the
last index for every page not written again, in the form Sphinx's own indexer keeps them; a page
written again is indexed afresh by Sphinx, and a page that no longer exists is left out.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def entries_from_index(frozen: dict[str, Any], keep: set[str]) -> dict[str, list[tuple[str, str, str]]]:
    """The index entries of the documents in `keep`, from a frozen index (searchindex.js's
    data), as IndexBuilder keeps them: document -> sorted (entry, target id, "main" or "")."""
    names = frozen.get("docnames", [])
    found: dict[str, set[tuple[str, str, str]]] = {}
    for entry, hits in frozen.get("indexentries", {}).items():
        for number, target, main in hits:
            if 0 <= number < len(names) and names[number] in keep:
                found.setdefault(names[number], set()).add((entry, target, "main" if main else ""))
    return {docname: sorted(entries) for docname, entries in found.items()}


def _restore_after_load(app: Sphinx) -> None:
    builder = app.builder
    if not hasattr(builder, "load_indexer"):
        return  # not an HTML builder
    from sphinx.errors import ExtensionError
    from sphinx.search import js_index

    load_indexer = builder.load_indexer

    def load_with_entries(docnames) -> None:
        docnames = set(docnames)
        load_indexer(docnames)
        indexer = builder.indexer
        if not isinstance(getattr(indexer, "_index_entries", None), dict):
            raise ExtensionError("edition: Sphinx's search indexer no longer keeps _index_entries "
                                 "(see edition.sphinxext.search_index)")
        index = Path(builder.outdir) / builder.searchindex_filename
        try:
            frozen = js_index.loads(index.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return  # no usable index: Sphinx indexes every page afresh, or says the index is incomplete
        keep = set(builder.env.all_docs) - docnames
        for docname, entries in entries_from_index(frozen, keep).items():
            indexer._index_entries.setdefault(docname, entries)

    builder.load_indexer = load_with_entries


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", _restore_after_load)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
