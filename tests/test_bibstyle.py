"""The bibliography's entry style (edition.sphinxext.bibstyle): house-style dates, signs as typed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from pybtex.database import Entry

import build_zygote
from edition.sphinxext.bibstyle import EditionStyle


def render(**fields: str) -> str:
    entry = Entry("misc", fields={"title": "A {Kilo} sails", "howpublished": "The Monitor", "year": "1992",
                                  "url": "https://www.example.org/a", "urldate": "2026-11-27", **fields})
    entry.key = "x-1992"
    return EditionStyle().format_entry("1", entry).text.render_as("text")


def test_a_full_date_is_written_month_day_year() -> None:
    assert "The Monitor, September 25, 1992." in render(month="sep", day="25")
    assert "The Monitor, September 1992." in render(month="sep")
    assert "The Monitor, 1992." in render()


def test_an_escaped_dollar_sign_shows_as_the_sign() -> None:
    text = render(note="About \\$250 million each; Tom \\& Jerry.")
    assert "About $250 million each; Tom & Jerry." in text and "\\" not in text


# --- formatted entries kept between builds, and the style as a dependency -------------------------

def test_a_kept_entry_is_reused_only_for_the_same_entry_and_style() -> None:
    """The style hands back what the last build formatted while entry and style are the same."""
    from types import SimpleNamespace

    from edition.sphinxext import bibstyle

    entry = Entry("misc", fields={"title": "Drones north", "howpublished": "The Monitor", "year": "2022",
                                  "url": "https://example.org/d", "urldate": "2026-11-27"})
    entry.key = "d-2022"
    env = SimpleNamespace()
    bibstyle.lend_formatted_entries(None, env)  # a first build: nothing kept
    first = EditionStyle().format_entry("1", entry)
    bibstyle.keep_formatted_entries(None, env)
    assert env.edition_formatted_bibliography["entries"], "the build kept nothing"

    bibstyle.lend_formatted_entries(None, env)  # the next build, nothing changed: the same object back
    assert EditionStyle().format_entry("1", entry) is first
    edited = Entry("misc", fields={**entry.fields, "title": "Drones go north"})
    edited.key = entry.key
    again = EditionStyle().format_entry("1", edited)
    assert again is not first and "Drones go north" in again.text.render_as("text")
    bibstyle.keep_formatted_entries(None, env)

    env.edition_formatted_bibliography["style"] = "another style"  # the style changed: all formatted anew
    bibstyle.lend_formatted_entries(None, env)
    assert EditionStyle().format_entry("1", edited) is not again
    bibstyle.keep_formatted_entries(None, env)
    assert EditionStyle.formatted is None, "outside a build the style formats without keeping anything"


def test_a_kept_entry_numbered_anew_keeps_its_text_and_takes_the_new_label() -> None:
    """pybtex makes an entry's text from the entry alone and puts the label beside it: what lets a
    kept entry serve a build that numbers the sources in another order (excerpt mode does)."""
    from types import SimpleNamespace

    from edition.sphinxext import bibstyle

    entry = Entry("misc", fields={"title": "Drones north", "howpublished": "The Monitor", "year": "2022",
                                  "url": "https://example.org/d", "urldate": "2026-11-27", "quality": "original"})
    entry.key = "d-2022"
    one, seven = EditionStyle().format_entry("1", entry), EditionStyle().format_entry("7", entry)  # nothing kept
    assert one.text.render_as("html") == seven.text.render_as("html") and (one.label, seven.label) == ("1", "7")

    env = SimpleNamespace()
    bibstyle.lend_formatted_entries(None, env)
    first = EditionStyle().format_entry("1", entry)
    bibstyle.keep_formatted_entries(None, env)
    bibstyle.lend_formatted_entries(None, env)
    moved = EditionStyle().format_entry("7", entry)
    assert EditionStyle().format_entry("7", entry) is moved
    bibstyle.keep_formatted_entries(None, env)
    assert (moved.key, moved.label, moved.text) == ("d-2022", "7", first.text)


def test_entries_kept_on_disk_serve_a_build_without_a_saved_environment(tmp_path: Path, monkeypatch) -> None:
    """After `make clean`, or in a copy of the book, the entries come from the disk, under the same keys."""
    from types import SimpleNamespace

    from edition.sphinxext import bibstyle

    app = SimpleNamespace(srcdir=str(tmp_path))
    entry = Entry("misc", fields={"title": "Drones north", "howpublished": "The Monitor", "year": "2022"})
    entry.key = "d-2022"
    formatted = []
    real = EditionStyle._format_entry
    monkeypatch.setattr(EditionStyle, "_format_entry",
                        lambda self, label, e, bib_data=None: formatted.append(e.fields["title"]) or real(self, label, e, bib_data))

    def one_build(*entries: Entry) -> list[str]:
        env = SimpleNamespace()  # no saved environment
        bibstyle.lend_formatted_entries(app, env)
        texts = [EditionStyle().format_entry("1", e).text.render_as("text") for e in entries]
        bibstyle.keep_formatted_entries(app, env)
        return texts

    first = one_build(entry)
    assert formatted == ["Drones north"] and len(list((tmp_path / bibstyle.DISK_CACHE).glob("*.pickle"))) == 1
    assert one_build(entry) == first and formatted == ["Drones north"], "a kept entry was formatted again"
    edited = Entry("misc", fields={**entry.fields, "title": "Drones go north"})
    edited.key = entry.key
    assert "Drones go north" in one_build(edited)[0] and formatted == ["Drones north", "Drones go north"]
    monkeypatch.setattr(bibstyle, "style_digest", lambda: "another style")  # the style changed: formatted anew
    assert one_build(edited) == one_build(edited) and formatted[2:] == ["Drones go north"]
    assert [p.stem for p in (tmp_path / bibstyle.DISK_CACHE).glob("*.pickle")] == ["another style"]


TINY_CONF = """
extensions = ["sphinxcontrib.bibtex", "edition.sphinxext.bibstyle"]
bibtex_bibfiles = ["refs.bib"]
bibtex_default_style = "edition"
html_theme = "basic"
exclude_patterns = ["_build"]
"""
TINY_BIB = """@misc{kilo-1992,
  title = {A {Kilo} sails},
  howpublished = {The Monitor},
  year = {1992}, month = sep, day = {25},
  url = {https://www.example.org/a}, urldate = {2026-11-27},
  quality = {original}
}
"""


def _tiny_build(project: Path, package: Path, root: Path) -> str:
    """`python -m sphinx`, strict, with the package copy first on the path (tests/build_zygote.py)."""
    env = {**os.environ, "PYTHONPATH": str(package), "EDITION_ROOT": str(root)}
    result = build_zygote.sphinx_build(["-b", "html", "-W", str(project), str(project / "_build" / "html")], env,
                                       timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return (project / "_build" / "html" / "index.html").read_text(encoding="utf-8")


def test_an_edited_style_or_entry_reaches_the_page_in_a_plain_rebuild(root: Path, tmp_path: Path) -> None:
    """A copy of the package, so that its style module can be edited: a plain rebuild shows the edit."""
    package = tmp_path / "pkg"
    shutil.copytree(root / "src" / "edition", package / "edition",
                    ignore=shutil.ignore_patterns("__pycache__", "static"))
    project = tmp_path / "book"
    project.mkdir()
    (project / "conf.py").write_text(TINY_CONF, encoding="utf-8")
    (project / "refs.bib").write_text(TINY_BIB, encoding="utf-8")
    (project / "index.rst").write_text("Index\n=====\n\nSee :cite:p:`kilo-1992`.\n\n.. bibliography::\n",
                                       encoding="utf-8")
    page = _tiny_build(project, package, root)
    assert "The Monitor, September 25, 1992." in page and ", consulted 2026-11-27" in page

    style = package / "edition" / "sphinxext" / "bibstyle.py"
    style.write_text(style.read_text(encoding="utf-8").replace('", consulted "', '", seen "'), encoding="utf-8")
    page = _tiny_build(project, package, root)
    assert ", seen 2026-11-27" in page, "an edited style module did not reach the page that lists the sources"

    bib = project / "refs.bib"
    bib.write_text(bib.read_text(encoding="utf-8").replace("A {Kilo} sails", "A {Kilo} sails north"), encoding="utf-8")
    page = _tiny_build(project, package, root)
    assert "A Kilo sails north" in page, "an edited entry kept its old formatting"
