"""What each page is built from, so an incremental build redoes exactly the pages an edit touches.

Two kinds of input are not Sphinx sources and would otherwise go unnoticed:

* the data tables and the seed, read by the edition's directives and roles while a page is read;
* the data and the package code, read by a chapter's executed cells, whose outputs myst-nb keeps
  in its execution cache keyed only on the cells' own code.

Directives register the first with :func:`note_data_dependencies`. For the second, each
notebook's kernel is told where to log the input files the package's loaders open for it
(``edition.reads``: the tables it looks up, the bibliography, the seed); the chapter's execution
record is then kept beside the content hashes of those files and of the package code, and dropped
when any of them has changed (content, not modification times, so a cache restored on a fresh
checkout stays valid). An edit to one table thus re-executes only the chapters that read it.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from edition import reads
from edition.paths import DATA_DIR, SEEDS_DIR

logger = logging.getLogger(__name__)

RECORDS_DIR = "edition-inputs"  # per notebook: the inputs its last execution read, with their hashes
READS_DIR = "edition-reads"  # logs the kernels write while a notebook executes
CODE_CELL = "```{code-cell}"
NOTEBOOK = "edition_notebook"  # env.temp_data: when the reading of this notebook began


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


def code_digest() -> str:
    """A hash of the package code every executed cell imports."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parents[1]
    for path in code_files():
        digest.update(str(path.relative_to(package)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def file_digest(path: Path) -> str | None:
    """A hash of one input file's content (None if it is gone)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _cache_dir(app: Sphinx) -> Path:
    return Path(app.srcdir, app.config.nb_execution_cache_path or "_build/.jupyter_cache")


def _file_name(docname: str) -> str:
    return docname.replace("/", "~")


def _record_path(app: Sphinx, docname: str) -> Path:
    return _cache_dir(app) / RECORDS_DIR / f"{_file_name(docname)}.json"


def _log_path(app: Sphinx, docname: str) -> Path:
    return _cache_dir(app) / READS_DIR / f"{_file_name(docname)}.log"


def _as_key(app: Sphinx, path: Path) -> str:
    """An input's name in a record: relative to the book, so a cache restored elsewhere still matches."""
    try:
        return path.resolve().relative_to(Path(app.srcdir).resolve()).as_posix()
    except ValueError:
        return str(path.resolve())


def load_record(app: Sphinx, docname: str) -> dict[str, Any] | None:
    """What the notebook's execution read: {"code": hash, "files": {name: hash}} (None if unknown)."""
    try:
        record = json.loads(_record_path(app, docname).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or not isinstance(record.get("files"), dict):
        return None
    return record


def _save_record(app: Sphinx, docname: str, files: set[Path]) -> None:
    record = {"code": code_digest(), "files": {_as_key(app, p): file_digest(p) for p in sorted(files)}}
    path = _record_path(app, docname)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=1, sort_keys=True), encoding="utf-8")


def on_source_read(app: Sphinx, docname: str, source: list[str]) -> None:
    """A chapter with code cells depends on the data and the package; a notebook's kernel logs its reads."""
    text = source[0]
    if CODE_CELL in text:
        note_data_dependencies(app.env)
        for path in code_files():
            app.env.note_dependency(str(path))
    elif "\nkernelspec:" not in text:
        return  # not a notebook: myst-nb keeps no execution record for it
    if app.config.nb_execution_mode != "cache":
        return
    app.env.temp_data[NOTEBOOK] = time.time()
    log = _log_path(app, docname)
    log.parent.mkdir(parents=True, exist_ok=True)
    log.unlink(missing_ok=True)
    os.environ[reads.READS_ENV] = str(log)  # the kernel myst-nb starts for this page inherits it


def on_doctree_read(app: Sphinx, doctree: Any) -> None:
    """After a notebook is read: keep what its execution read, if it was executed."""
    started = app.env.temp_data.pop(NOTEBOOK, None)
    if started is None:
        return
    docname = app.env.docname
    log = _log_path(app, docname)
    if os.environ.get(reads.READS_ENV) == str(log):
        del os.environ[reads.READS_ENV]
    from myst_nb.sphinx_ import NbMetadataCollector

    # myst-nb dates its execution data: now if it executed the notebook, the record's date if cached
    try:
        executed = (NbMetadataCollector.get_exec_data(app.env, docname) or {}).get("mtime", 0) >= started
    except (AttributeError, KeyError):  # myst-nb kept no execution data for the page
        executed = False
    if executed:  # what its kernel logged is what it read (nothing, if no log)
        _save_record(app, docname, reads.logged(log) if log.is_file() else set())
    log.unlink(missing_ok=True)
    # cached outputs keep their record, which on_get_outdated found current (a cached execution
    # without one was dropped there, so the next build executes it again)


def record_is_current(app: Sphinx, record: dict[str, Any] | None, code: str,
                      seen: dict[str, str | None] | None = None) -> bool:
    """Whether the code and every input the record lists are as they were when it was made."""
    if record is None or record.get("code") != code:
        return False
    seen = {} if seen is None else seen
    for name, digest in record["files"].items():
        if name not in seen:
            seen[name] = file_digest(Path(app.srcdir, name))
        if seen[name] is None or seen[name] != digest:
            return False
    return True


def document_of(uri: str, sources: dict[str, str]) -> str | None:
    """The document a cache record was made from, wherever the book then was: the one whose source,
    by its path within the book, ends the record's path (the longest that does)."""
    parts = Path(uri).parts
    for start in range(len(parts)):
        doc = sources.get("/".join(parts[start:]))
        if doc is not None:
            return doc
    return None


def on_get_outdated(app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str],
                    removed: set[str]) -> list[str]:
    """Drop the execution records of chapters whose inputs changed, or whose inputs are unknown.

    A record belongs to the chapter at the same path within the book, wherever the book was when it
    was made (a cache restored into another checkout, or copied with the book, stays valid).

    A record with nothing beside it saying what its execution read (a cache made before these
    records were kept, or by another build) cannot be trusted: it is dropped and the chapter
    executed again.
    """
    if app.config.nb_execution_mode != "cache":
        return []
    cache_dir = _cache_dir(app)
    if not cache_dir.is_dir():
        return []
    from jupyter_cache import get_cache

    code = code_digest()
    seen: dict[str, str | None] = {}
    cache = get_cache(cache_dir)
    sources = {Path(env.doc2path(doc)).resolve().relative_to(Path(app.srcdir).resolve()).as_posix(): doc
               for doc in env.found_docs}
    stale: set[str] = set()
    for cached in cache.list_cache_records():
        doc = document_of(cached.uri, sources)
        if doc is None or not record_is_current(app, load_record(app, doc), code, seen):
            cache.remove_cache(cached.pk)
            if doc is not None:
                stale.add(doc)
    if stale:
        logger.info("edition: inputs changed; re-executing %s", ", ".join(sorted(stale)))
    return sorted(stale)


def setup(app: Sphinx) -> dict[str, Any]:
    reads.in_build_process = True
    app.connect("source-read", on_source_read)
    app.connect("doctree-read", on_doctree_read)
    app.connect("env-get-outdated", on_get_outdated)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

