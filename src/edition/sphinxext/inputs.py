"""What each page is built from, so an incremental build redoes exactly the pages an edit touches.

Two kinds of input are not Sphinx sources and would otherwise go unnoticed:

* the data tables and the seed, read by the edition's directives and roles while a page is read;
* the data and the package code, read by a chapter's executed cells, whose outputs myst-nb keeps
  in its execution cache keyed only on the cells' own code.

Directives register the first with :func:`note_data_dependencies`. Chapters with code cells
register both when their source is read, and their cache records are dropped when the content
of those inputs has changed since the record was made (content, not modification times, so a
cache restored on a fresh checkout stays valid).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from edition.paths import DATA_DIR, SEEDS_DIR

logger = logging.getLogger(__name__)

DIGESTS_FILE = "edition-inputs.json"
CODE_CELL = "```{code-cell}"


def data_files() -> list[Path]:
    """The data package, the bibliography and the seed: what directives read."""
    return sorted(p for folder in (DATA_DIR, SEEDS_DIR) for p in folder.iterdir() if p.is_file())


def code_files() -> list[Path]:
    """The package's Python modules, which executed cells import."""
    return sorted((Path(__file__).resolve().parents[1]).rglob("*.py"))


def note_data_dependencies(env: BuildEnvironment) -> None:
    """Record that the page being read shows the data (call from a directive or role).

    Outside the reading of a document (consistency checks, writing) there is nothing to record.
    """
    if "docname" not in env.temp_data:
        return
    for path in data_files():
        env.note_dependency(str(path))


def execution_inputs_digest() -> str:
    """A hash of the contents of everything an executed cell reads besides its own code."""
    digest = hashlib.sha256()
    for path in [*data_files(), *code_files()]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _cache_dir(app: Sphinx) -> Path:
    return Path(app.srcdir, app.config.nb_execution_cache_path or "_build/.jupyter_cache")


def _load_digests(app: Sphinx) -> dict[str, str]:
    path = _cache_dir(app) / DIGESTS_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _save_digests(app: Sphinx, digests: dict[str, str]) -> None:
    folder = _cache_dir(app)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / DIGESTS_FILE).write_text(json.dumps(digests, indent=1, sort_keys=True), encoding="utf-8")


def on_source_read(app: Sphinx, docname: str, source: list[str]) -> None:
    """A chapter with code cells depends on the data and the package; every notebook's inputs are noted."""
    text = source[0]
    if CODE_CELL in text:
        note_data_dependencies(app.env)
        for path in code_files():
            app.env.note_dependency(str(path))
    elif "\nkernelspec:" not in text:
        return  # not a notebook: myst-nb keeps no execution record for it
    if app.config.nb_execution_mode == "cache":
        digests = _load_digests(app)
        digests[docname] = execution_inputs_digest()
        _save_digests(app, digests)


def on_get_outdated(app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str],
                    removed: set[str]) -> list[str]:
    """Drop the execution records of chapters whose inputs changed, or whose inputs are unknown.

    A record with no digest beside it (a cache made before digests were kept, or by another
    build) cannot be trusted: it is dropped and the chapter executed again.
    """
    if app.config.nb_execution_mode != "cache":
        return []
    cache_dir = _cache_dir(app)
    if not cache_dir.is_dir():
        return []
    from jupyter_cache import get_cache

    digests = _load_digests(app)
    current = execution_inputs_digest()
    cache = get_cache(cache_dir)
    docs = {Path(env.doc2path(doc)).resolve(): doc for doc in env.found_docs}
    stale: set[str] = set()
    for record in cache.list_cache_records():
        doc = docs.get(Path(record.uri).resolve())
        if doc is None or digests.get(doc) != current:
            cache.remove_cache(record.pk)
            if doc is not None:
                stale.add(doc)
    if stale:
        logger.info("edition: data or package changed; re-executing %s", ", ".join(sorted(stale)))
    return sorted(stale)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("source-read", on_source_read)
    app.connect("env-get-outdated", on_get_outdated)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

