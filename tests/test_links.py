"""Every internal link and anchor in the built book resolves, checked offline.

Two checks, each doing only what it must:
- LinkChecker (a maintained checker) opens every page and file the book links to, once each:
  pages, scripts, styles, images, downloads, and the url()s inside the style sheets. Its anchor
  plugin is off, because with it LinkChecker fetches and parses a page again for every distinct
  `page#anchor` link (the bibliography alone is the target of hundreds), which took minutes.
  Every page is a start page, so a page reached by no plain link is still read.
- The anchors: each page is parsed once for its ids (and <a name>), then every link with a
  fragment, on every page, is looked up, in parallel across the pages.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

LINKCHECKER = Path(sys.executable).parent / "linkchecker"
CONFIG = "[filtering]\ncheckextern=0\n[checking]\nthreads=2\n"
LINK_ATTRIBUTES = {"a": "href", "area": "href", "link": "href"}


def site_pages(site: Path) -> list[Path]:
    """The site's pages: every HTML file but the theme's Jinja fragments it copies into _static."""
    return sorted(p for p in site.rglob("*.html") if p.relative_to(site).parts[0] != "_static")


def missing_files(site: Path, workdir: Path) -> list[str]:
    """LinkChecker over every page of a site: each link that names no file (or a broken one)."""
    # LinkChecker drops root privileges to 'nobody', so it needs a world-readable copy.
    readable = workdir / "site"
    shutil.copytree(site, readable)
    for path in [workdir, *readable.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    readable.chmod(0o755)
    config = workdir / "linkcheckerrc"
    config.write_text(CONFIG, encoding="utf-8")
    config.chmod(0o644)
    starts = [str(p) for p in site_pages(readable)]
    result = subprocess.run(
        [str(LINKCHECKER), "-f", str(config), "--no-robots", "--no-status", "-o", "csv", *starts],
        capture_output=True, text=True, timeout=600, env=dict(os.environ, LC_ALL="C.UTF-8"),
    )
    lines = [line for line in result.stdout.splitlines() if line and not line.startswith("#")]
    assert lines and lines[0].startswith("urlname;"), result.stdout[-2000:] + result.stderr[-2000:]
    return [f"{row['parentname'].replace(str(readable), '')} -> {row['urlname']}: {row['result']}"
            for row in csv.DictReader(io.StringIO("\n".join(lines)), delimiter=";") if row["valid"] == "False"]


class _Page(HTMLParser):
    """One page's anchors (any id, <a name>) and its links that carry a fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: set[str] = set()
        self.links: list[tuple[int, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.anchors.add(values["id"])
        if tag == "a" and values.get("name"):
            self.anchors.add(values["name"])
        link = values.get(LINK_ATTRIBUTES.get(tag, ""))
        if link and "#" in link:
            self.links.append((self.getpos()[0], link))


def read_page(path: Path) -> tuple[Path, set[str], list[tuple[int, str]]]:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return path, page.anchors, page.links


def missing_anchors(site: Path) -> list[str]:
    """Every `page#anchor` and `#anchor` link in the site whose page has no such id or name."""
    paths = site_pages(site)
    with ProcessPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        pages = {path.resolve(): (anchors, links) for path, anchors, links in pool.map(read_page, paths, chunksize=2)}
    problems = []
    for path, (_, links) in pages.items():
        for line, link in links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.fragment:
                continue  # another host (not checked offline), or a bare "#" (the top of the page)
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if target not in pages:
                continue  # not a page, or missing: LinkChecker reports a missing file
            if unquote(parts.fragment) not in pages[target][0]:
                problems.append(f"{path.relative_to(site.resolve())}:{line} -> {link}: no such anchor")
    return problems


def broken_links(site: Path, workdir: Path) -> list[str]:
    return missing_files(site, workdir) + missing_anchors(site)


@pytest.fixture()
def workdir():
    # Not pytest's tmp_path: its root is private (0700) and LinkChecker runs as 'nobody'.
    with tempfile.TemporaryDirectory(prefix="edition-linkcheck-") as name:
        path = Path(name)
        path.chmod(0o755)
        yield path


def test_every_internal_link_and_anchor_in_the_book_resolves(built_html: Path, workdir: Path) -> None:
    assert broken_links(built_html, workdir) == []


def test_the_checker_catches_missing_pages_files_and_anchors(workdir: Path) -> None:
    site = workdir / "broken"
    (site / "sub").mkdir(parents=True)
    (site / "index.html").write_text(
        '<html><head><link rel="stylesheet" href="style.css"></head><body>'
        '<a href="b.html#nope">x</a> <a href="gone.html">y</a> <a href="b.html#here">z</a>'
        '<a href="#top">t</a> <a href="#">top</a> <img src="missing.png"></body></html>', encoding="utf-8")
    (site / "style.css").write_text("body { background: url(img/missing-bg.png); }", encoding="utf-8")
    (site / "b.html").write_text('<html><body><p id="here">b</p><a name="top2"></a>'
                                 '<a href="sub/c.html#deep">c</a></body></html>', encoding="utf-8")
    # reached by no plain link: still read, and its own broken anchor found
    (site / "sub" / "c.html").write_text('<html><body><h2 id="deep">c</h2><a href="../b.html#top2">ok</a>'
                                         '<a href="../b.html#gone%20away">bad</a></body></html>', encoding="utf-8")
    problems = broken_links(site, workdir / "run")
    assert len(problems) == 6, problems
    for fragment in ("gone.html", "missing.png", "missing-bg.png", "b.html#nope", "index.html:1 -> #top",
                     "sub/c.html:1 -> ../b.html#gone%20away"):
        assert any(fragment in p for p in problems), (fragment, problems)
