"""Incremental builds: an edit to the data reaches its pages and exports; an unchanged book reads nothing."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path

import pytest

from test_build import book_copy, build

UPDATED = re.compile(r"(\d+) added, (\d+) changed, (\d+) removed")


def environment_update(log: str) -> tuple[int, int, int]:
    """Sphinx's own count of documents added, changed and removed in this build."""
    match = UPDATED.search(re.sub(r"\x1b\[[0-9;]*m", "", log))
    assert match, f"no 'updating environment' line in the build log:\n{log[-3000:]}"
    return tuple(int(n) for n in match.groups())  # type: ignore[return-value]


EXECUTING = re.compile(r"([\w./-]+)\.md: Executing notebook")


def executed(log: str) -> set[str]:
    """The pages a build executed (myst-nb's own log line per execution), by file stem."""
    return {Path(path).stem for path in EXECUTING.findall(re.sub(r"\x1b\[[0-9;]*m", "", log))}


def edit_note(book: Path, annotation_id: str, suffix: str) -> None:
    """Append words to one note in the copy's annotations.csv, keeping the file's CSV form."""
    path = book / "data" / "annotations.csv"
    text = path.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    column = rows[0].index("note")
    (row,) = [r for r in rows if r[0] == annotation_id]
    row[column] = row[column].rstrip() + suffix
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def annotations_in(tree: object) -> list[dict]:
    """Every W3C Annotation in an exported collection, on whichever of its pages."""
    if isinstance(tree, dict):
        found = [tree] if tree.get("type") == "Annotation" else []
        return found + [a for value in tree.values() for a in annotations_in(value)]
    if isinstance(tree, list):
        return [a for value in tree for a in annotations_in(value)]
    return []


def index_entries(book: Path) -> dict:
    """The index entries (the glossary's terms) in a built book's search index, by page name."""
    from sphinx.search import js_index  # Sphinx's own reader of searchindex.js

    frozen = js_index.loads((book / "_build" / "html" / "searchindex.js").read_text(encoding="utf-8"))
    return {term: sorted((frozen["docnames"][n], target, main) for n, target, main in hits)
            for term, hits in frozen["indexentries"].items()}


def page_text(book: Path) -> str:
    return (book / "_build" / "html" / "chapters" / "04-role-reversal.html").read_text(encoding="utf-8")


@pytest.mark.build
def test_an_edited_note_reaches_its_page_and_the_export_without_a_clean_build(root: Path, tmp_path: Path) -> None:
    book = book_copy(root, tmp_path)
    # The first build is a fresh checkout's with a restored execution cache (as CI has): new file
    # times, no doctrees, the cache made by the main build from the same content.
    for path in book.rglob("*"):
        if path.is_file():
            path.touch()
    first = build(book)
    assert first.returncode == 0, first.stdout[-4000:] + first.stderr[-4000:]
    entries = index_entries(book)
    assert "alabuga" in entries, f"the glossary's terms are not in the first build's search index: {sorted(entries)[:5]}"
    assert "Executing notebook" not in first.stdout + first.stderr, (
        "a restored cache was discarded although no input's content changed (or the main build's cache "
        "is older than the code or data: `make book` first, as `make test` does)")

    marker = " Editor's check: incrementally rebuilt."
    edit_note(book, "A06-1", marker)
    second = build(book)
    assert second.returncode == 0, second.stdout[-4000:] + second.stderr[-4000:]
    assert "incrementally rebuilt." in page_text(book), "the edited note is not on its chapter's page"
    export = (book / "_build" / "html" / "downloads" / "annotations.jsonld").read_text(encoding="utf-8")
    assert "incrementally rebuilt." in export, "the edited note is not in the annotation export"
    added, changed, removed = environment_update(second.stdout)
    assert changed >= 1 and added == 0
    # Only the chapters whose cells read annotations.csv run again: the claims ledger tabulates
    # the notes by kind; the Moscow chapter's cells read only the events table.
    ran = executed(second.stdout + second.stderr)
    assert "claims-ledger" in ran, f"a chapter whose cells read the edited table was not re-executed: {ran}"
    assert "03-moscows-calculus" not in ran, f"an edit to annotations.csv re-executed a chapter that never reads it: {ran}"

    third = build(book)
    assert third.returncode == 0, third.stdout[-4000:] + third.stderr[-4000:]
    assert environment_update(third.stdout) == (0, 0, 0), "an unchanged book re-read pages"
    assert "Executing notebook" not in third.stdout + third.stderr, "an unchanged book re-executed a chapter"
    written = re.findall(r"writing output\.\.\. (?:\x1b\[[0-9;]*m)*\[\s*\d+%\] (?:\x1b\[[0-9;]*m)*(\S+?)(?:\x1b|\s|$)", third.stdout)
    assert written == ["index"], f"an unchanged book wrote pages again: {written}"  # the root page only
    assert "incrementally rebuilt." in page_text(book), "the carried-over page lost the edit"
    assert "edition: downloads kept" in third.stdout, "an unchanged book made its downloads again"
    # the glossary was written by neither build: its terms stay in the search (sphinx-doc/sphinx#12599)
    assert index_entries(book) == entries, "an incremental build dropped index entries from the search index"

    # An input of the downloads changed after that skip is still picked up: here only the notes
    # table's modification time, which dates every row of the export where git has no history.
    stamp = 1_700_000_000  # 2023-11-14T22:13:20Z
    os.utime(book / "data" / "annotations.csv", (stamp, stamp))
    touched = build(book)
    assert touched.returncode == 0, touched.stdout[-4000:] + touched.stderr[-4000:]
    assert "edition: downloads kept" not in touched.stdout, "a changed input of the downloads was not noticed"
    export = json.loads((book / "_build" / "html" / "downloads" / "annotations.jsonld").read_text(encoding="utf-8"))
    dates = {note.get("modified") for note in annotations_in(export)}
    assert dates == {"2023-11-14T22:13:20Z"}, f"the export's dates do not follow the table: {sorted(dates)[:3]}"


def test_index_entries_are_read_back_only_for_pages_not_written_again() -> None:
    from edition.sphinxext.search_index import entries_from_index

    frozen = {"docnames": ["chapters/glossary", "chapters/gone", "index"],
              "indexentries": {"alabuga": [[0, "term-Alabuga", True]], "fath-360": [[0, "term-Fath-360", False], [2, "x", False]],
                               "old": [[1, "term-Old", False]], "broken": [[7, "y", False]]}}
    kept = entries_from_index(frozen, keep={"chapters/glossary"})
    assert kept == {"chapters/glossary": [("alabuga", "term-Alabuga", "main"), ("fath-360", "term-Fath-360", "")]}
    assert entries_from_index(frozen, keep=set()) == {}
    assert entries_from_index({}, keep={"index"}) == {}


def test_a_cache_record_is_matched_to_its_chapter_wherever_the_book_was() -> None:
    from edition.sphinxext.inputs import document_of

    sources = {"index.md": "index", "chapters/index.md": "chapters/index", "chapters/04-role-reversal.md": "chapters/04"}
    assert document_of("/tmp/elsewhere/book/chapters/04-role-reversal.md", sources) == "chapters/04"
    assert document_of("/home/me/book/chapters/index.md", sources) == "chapters/index"  # the longest match
    assert document_of("/home/me/book/index.md", sources) == "index"
    assert document_of("/home/me/book/chapters/gone.md", sources) is None


def test_the_loaders_log_only_what_a_cell_reads(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A kernel's log names the tables looked up, with the descriptor that types them; nothing else."""
    from edition import data, reads

    log = tmp_path / "reads.log"
    monkeypatch.setenv(reads.READS_ENV, str(log))
    monkeypatch.setattr(reads, "in_build_process", False)
    tables = data.load_tables()
    assert "annotations" in tables and not log.exists(), "asking whether a table exists read it"
    assert len(tables["events"]) > 0
    assert reads.logged(log) == {(root / "data" / "datapackage.json").resolve(), (root / "data" / "events.csv").resolve()}
    data.load_bibliography()
    assert (root / "data" / "references.bib").resolve() in reads.logged(log)

    log.unlink()
    monkeypatch.setattr(reads, "in_build_process", True)  # the build's own directives: Sphinx dependencies instead
    data.load_tables()["places"]
    assert not log.exists()
