"""A build never leaves a mix of old and new pages: the site is swapped in whole, or not at all.

A tiny Sphinx project with the edition's output extensions stands in for the book, so the test
is quick; the book's own build uses the same code (edition.sphinxext.atomic_output).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import build_zygote

CONF = textwrap.dedent("""
    import os, time
    extensions = ["edition.sphinxext.atomic_output", "edition.sphinxext.csp"]
    html_theme = "basic"
    exclude_patterns = ["_build"]

    def _slow(app, pagename, templatename, context, doctree):
        if os.environ.get("SLOW_PAGE") == pagename:
            open(os.environ["SLOW_MARK"], "w").close()
            time.sleep(60)

    def _fail(app, pagename, templatename, context, doctree):
        if os.environ.get("FAIL_PAGE") == pagename:
            raise RuntimeError("failing on purpose")

    def setup(app):
        app.connect("html-page-context", _slow)
        app.connect("html-page-context", _fail)
""")


def make_project(folder: Path, pages: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "conf.py").write_text(CONF, encoding="utf-8")
    for old in folder.glob("*.rst"):
        old.unlink()
    toc = "\n".join(f"   {name}" for name in pages if name != "index")
    (folder / "index.rst").write_text(f"Index\n=====\n\n.. toctree::\n\n{toc}\n", encoding="utf-8")
    for name, text in pages.items():
        if name != "index":
            (folder / f"{name}.rst").write_text(f"{name.title()}\n{'=' * len(name)}\n\n{text}\n", encoding="utf-8")


def build(folder: Path, env: dict[str, str] | None = None, wait: bool = True):
    """`python -m sphinx` of the project: run to its end in a process forked from one that has
    imported Sphinx (tests/build_zygote.py), or, to be interrupted, started in a session of its own."""
    args = ["-b", "html", "-q", "-d", str(folder / "_build" / ".doctrees"), str(folder), str(folder / "_build" / "html")]
    full_env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src"), **(env or {})}
    if not wait:
        return subprocess.Popen([sys.executable, "-m", "sphinx", *args], env=full_env, start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return build_zygote.sphinx_build(args, full_env, timeout=120)


def site(folder: Path) -> Path:
    return folder / "_build" / "html"


def identity(path: Path) -> int:
    return path.stat().st_ino


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in (folder / "_build").glob(".site-*"))


def test_a_removed_page_disappears_and_each_build_is_swapped_in_whole(tmp_path: Path) -> None:
    project = tmp_path / "book"
    make_project(project, {"index": "", "ledger": "Old ledger text.", "chapter": "First version."})
    assert build(project).returncode == 0
    html = site(project)
    assert html.is_dir() and not html.is_symlink() and (html / "ledger.html").is_file()
    assert "edition-csp" in (html / "index.html").read_text(encoding="utf-8")
    first = identity(html)

    make_project(project, {"index": "", "chapter": "Second version."})
    result = build(project)
    assert result.returncode == 0, result.stderr
    assert identity(html) != first, "the site was written in place, not swapped in"
    assert not (html / "ledger.html").exists(), "a page removed from the sources is still served"
    assert "Second version." in (html / "chapter.html").read_text(encoding="utf-8")
    assert leftovers(project) == []


def test_only_out_of_date_pages_are_written_and_the_site_is_still_swapped_in_whole(tmp_path: Path) -> None:
    project = tmp_path / "book"
    make_project(project, {"index": "", "ledger": "Ledger text.", "chapter": "First version."})
    assert build(project).returncode == 0
    ledger, chapter = site(project) / "ledger.html", site(project) / "chapter.html"
    ledger_written = ledger.stat().st_mtime_ns
    time.sleep(0.05)
    (project / "chapter.rst").write_text("Chapter\n=======\n\nSecond version.\n", encoding="utf-8")
    before = identity(site(project))
    assert build(project).returncode == 0
    assert identity(site(project)) != before, "the site was written in place, not swapped in"
    assert "Second version." in chapter.read_text(encoding="utf-8")
    assert ledger.stat().st_mtime_ns == ledger_written, "an unchanged page was written again"
    chapter_written = chapter.stat().st_mtime_ns
    assert build(project).returncode == 0  # nothing changed: only the root page (index) is written
    assert (ledger.stat().st_mtime_ns, chapter.stat().st_mtime_ns) == (ledger_written, chapter_written)
    assert leftovers(project) == []


def test_a_failed_build_leaves_the_previous_site_untouched(tmp_path: Path) -> None:
    project = tmp_path / "book"
    make_project(project, {"index": "", "chapter": "First version."})
    assert build(project).returncode == 0
    before = identity(site(project))
    make_project(project, {"index": "", "chapter": "Broken version."})
    result = build(project, {"FAIL_PAGE": "chapter"})
    assert result.returncode != 0
    assert identity(site(project)) == before
    assert "First version." in (site(project) / "chapter.html").read_text(encoding="utf-8")
    assert leftovers(project) == [], "the failed build's folder was not removed"


def test_a_build_that_failed_on_a_warning_fails_again_until_the_page_is_fixed(tmp_path: Path) -> None:
    """A failed build's environment is not reused, so its warnings cannot vanish on the next run."""
    project = tmp_path / "book"
    make_project(project, {"index": "", "chapter": ".. no-such-directive::"})
    strict = {"SPHINXOPTS": ""}
    args = ["-b", "html", "-q", "-W", "--keep-going", "-d", str(project / "_build" / ".doctrees"), str(project),
            str(site(project))]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src"), **strict}
    first = build_zygote.sphinx_build(args, env)
    assert first.returncode != 0 and "no-such-directive" in first.stderr
    again = build_zygote.sphinx_build(args, env)
    assert again.returncode != 0, "an unchanged book passed the second time: the warning was forgotten"
    make_project(project, {"index": "", "chapter": "Fixed."})
    fixed = build_zygote.sphinx_build(args, env)
    assert fixed.returncode == 0, fixed.stderr


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["killed", "terminated"])
def test_an_interrupted_build_serves_the_old_site_and_the_next_build_cleans_up(tmp_path: Path, sig) -> None:
    project = tmp_path / "book"
    make_project(project, {"index": "", "ledger": "Old ledger.", "chapter": "First version."})
    assert build(project).returncode == 0
    before = identity(site(project))
    # the next build is killed while it writes its pages
    make_project(project, {"index": "", "chapter": "Second version."})
    mark = tmp_path / "writing"
    process = build(project, {"SLOW_PAGE": "chapter", "SLOW_MARK": str(mark)}, wait=False)
    deadline = time.monotonic() + 60
    while not mark.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert mark.exists(), "the build never reached the page"
    os.killpg(process.pid, sig)
    process.wait(timeout=30)
    # what is served is exactly the old site: the ledger still there, the chapter the old one
    assert identity(site(project)) == before
    assert len(leftovers(project)) == 1  # the killed build's half-written folder, not served
    assert (site(project) / "ledger.html").is_file()
    assert "First version." in (site(project) / "chapter.html").read_text(encoding="utf-8")
    # the next build removes the half-written folder and publishes a complete new site
    result = build(project)
    assert result.returncode == 0, result.stderr
    assert "Second version." in (site(project) / "chapter.html").read_text(encoding="utf-8")
    assert not (site(project) / "ledger.html").exists()
    assert leftovers(project) == []
