"""Strict builds: excerpt mode builds cleanly; a broken book fails with a clear message."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

import build_zygote
from edition import essay
from edition.sphinxext.bibstyle import DISK_CACHE as bibliography_cache
from edition.sphinxext.icon_fonts import CACHE as icon_fonts_cache
from test_html import rendered_paragraphs, toc_pages

# `jupyter-book build`, strict as `make book` runs it, each in a process of its own forked from one
# that has imported the libraries (tests/build_zygote.py), with the IRI grammars that jsonschema
# compiles at import deferred as edition.build defers them (tests/test_startup.py shows that the
# deferral judges IRIs exactly as before)
JB = ["build", "--builder", "html", "--warningiserror", "--nitpick", "--keep-going"]
COPY_IGNORE = shutil.ignore_patterns(".venv", "_build", ".git", "__pycache__", ".pytest_cache", "*.egg-info",
                                     "node_modules")


def build(book: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, EDITION_ROOT=str(book))
    return build_zygote.jupyter_book([*JB, str(book)], env, timeout=1200)


def book_copy(root: Path, tmp_path: Path, **config: object) -> Path:
    """A copy of the repository with sphinx config overrides and a copy of the main build's
    execution cache (a build of the copy may drop or add records: never in the main cache), and of
    what the build keeps under keys of what it was made from: the cut icon fonts (the theme's font
    and the characters cut to) and the formatted bibliography entries (the entry and the style), so
    that a copy cuts or formats only what it would make differently."""
    main_cache = root / "_build" / ".jupyter_cache"
    if not main_cache.is_dir():
        pytest.fail(f"no execution cache at {main_cache}: run `make book` (or `make test`) first")
    book = tmp_path / "book"
    shutil.copytree(root, book, ignore=COPY_IGNORE)
    for kept in (icon_fonts_cache, bibliography_cache):
        if (root / kept).is_dir():
            shutil.copytree(root / kept, book / kept)
    cache = tmp_path / "jupyter_cache"
    shutil.copytree(main_cache, cache)
    cfg_path = book / "_config.yml"
    cfg = yaml.safe_load(cfg_path.read_text(encoding="utf-8"))
    cfg["sphinx"]["config"].update(config)
    cfg["execute"]["cache"] = str(cache)
    cfg_path.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return book


@pytest.mark.build
def test_excerpt_mode_builds_strictly_and_shows_no_full_text(root: Path, tmp_path: Path) -> None:
    book = book_copy(root, tmp_path, edition_essay_mode="excerpt")
    result = build(book)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    parsed = essay.load()
    html_dir = book / "_build" / "html"
    sequence = []
    for page in toc_pages(book):
        soup = BeautifulSoup((html_dir / f"{page}.html").read_text(encoding="utf-8"), "html.parser")
        for number, anchor, text in rendered_paragraphs(soup):
            para = parsed.paragraph(number)
            sequence.append(number)
            assert anchor == para.anchor
            assert text.startswith(para.opening().removesuffix(" …"))
            assert para.text not in soup.get_text(), f"{page}: full text of ¶{number} shown in excerpt mode"
            link = soup.find(id=anchor).select_one("a.essay-original-link")
            assert link["href"] == parsed.provenance.canonical_url
    assert sequence == list(range(1, 15))


def tiny_book(tmp_path: Path, root: Path, body: str) -> Path:
    """A one-page book using the edition's extension and the real seed."""
    book = tmp_path / "tiny"
    book.mkdir()
    shutil.copytree(root / "seeds", book / "seeds")
    shutil.copytree(root / "data", book / "data")
    shutil.copytree(root / "chapters", book / "chapters")  # cited keys are counted from the prose
    (book / "index.md").write_text("# Tiny\n\n" + body, encoding="utf-8")
    (book / "_toc.yml").write_text("format: jb-book\nroot: index\n", encoding="utf-8")
    (book / "_config.yml").write_text(
        "title: tiny\nonly_build_toc_files: true\nexecute:\n  execute_notebooks: 'off'\n"
        "exclude_patterns: [seeds, data, chapters]\n"
        "bibtex_bibfiles: [data/references.bib]\n"
        "sphinx:\n  extra_extensions: [edition.sphinxext]\n", encoding="utf-8")
    return book


# One tiny book with three faults in its coverage of the essay, each of which its strict build must
# report as a warning or an error (either fails a strict build by itself): one build rather than
# three, about 4 s of CPU each. One test, so that the three checks share the build wherever the
# test runs (make test hands each build test to either worker).
FAULTY_ESSAY = "```{essay} 1-12\n```\n\n```{essay} 3\n```\n\nSee {para}`15`.\n"
FAULTS = {
    "a paragraph rendered twice": "essay ¶3 is rendered twice",
    "paragraphs never rendered": "essay paragraphs never rendered: ¶13, ¶14",
    "a link to a paragraph that does not exist": "'15' is not one paragraph number 1–14",
}


def reported(log: str, message: str) -> bool:
    """Whether the build log has the message on a line of a warning or an error."""
    return any(message in line and re.search(r"\b(?:WARNING|ERROR): ", line) for line in log.splitlines())


@pytest.mark.build
def test_each_fault_in_the_essays_coverage_fails_the_build(root: Path, tmp_path: Path) -> None:
    result = build(tiny_book(tmp_path, root, FAULTY_ESSAY))
    log = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout + result.stderr)
    assert result.returncode != 0
    unreported = [fault for fault, message in FAULTS.items() if not reported(log, message)]
    assert not unreported, f"the strict build did not report {unreported}:\n{log[-4000:]}"


@pytest.mark.build
def test_an_altered_seed_stops_the_build(root: Path, tmp_path: Path) -> None:
    book = tiny_book(tmp_path, root, "```{essay} 1-14\n```\n")
    seed = next((book / "seeds").glob("*.txt"))
    seed.write_text(seed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    result = build(book)
    assert result.returncode != 0
    assert "seed hash mismatch" in result.stderr + result.stdout
