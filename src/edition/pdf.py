"""The print edition: the built book assembled into one document and printed by headless Chromium.

`make pdf` runs this after `make book`. Every page of the table of contents is taken from the
built HTML (so the PDF shows exactly what the site shows), its article is set into one long
document with the print stylesheet, the figures are drawn by the site's own scripts, and
Debian's Chromium, driven by Playwright, prints it. A first printing finds the page on which
each chapter starts (from the PDF outline Chromium writes from the headings); the second prints
those numbers in the table of contents. Nothing is fetched from anywhere but a local server.

A book that has not changed since it was last printed is not printed again: beside the PDF lies a
digest of everything the printing reads (print_inputs), and `make pdf` (which `make test` runs)
only copies the PDF it already has into the site when that digest is unchanged.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import hashlib
import http.server
import io
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag

from edition.paths import ROOT, toc_pages

PDF_NAME = "persian-russian-connection.pdf"
PAPERS = {"a4": "A4", "letter": "Letter"}
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
FIGURE_TIMEOUT_S = 60


class PrintError(RuntimeError):
    """The book could not be printed; the message says what to do."""


def _site_url() -> str:
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    return config["html"]["baseurl"].rstrip("/") + "/"


def _css_string(text: str) -> str:
    """A CSS string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _page_title(soup: BeautifulSoup) -> str:
    heading = soup.select_one("article.bd-article h1")
    if heading is None:
        return ""
    for link in heading.select("a.headerlink"):
        link.decompose()
    return heading.get_text(" ", strip=True)


def _rewrite_links(article: Tag, page: str, in_book: dict[str, str], ids: set[str], site: str) -> None:
    """Root-relative assets; links into the book become in-document links or the live address."""
    folder = posixpath.dirname(page)
    for tag in article.find_all(src=True):
        src = tag["src"]
        if not urlsplit(src).scheme and not src.startswith(("/", "data:", "#")):
            tag["src"] = posixpath.normpath(posixpath.join(folder, src))
    for tag in article.find_all("a", href=True):
        href = tag["href"]
        parts = urlsplit(href)
        if parts.scheme or href.startswith("mailto:"):
            continue
        if href.startswith("#"):
            continue
        target = posixpath.normpath(posixpath.join(folder, parts.path)) if parts.path else page + ".html"
        name = target.removesuffix(".html")
        if parts.fragment and parts.fragment in ids:
            tag["href"] = "#" + parts.fragment
        elif name in in_book and not parts.fragment:
            tag["href"] = "#" + in_book[name]
        else:
            tag["href"] = site + target + (f"#{parts.fragment}" if parts.fragment else "")


def assemble(html_dir: Path, pages: list[str], site: str, toc_numbers: dict[str, int] | None = None) -> str:
    """One HTML document holding every page's article, a cover and a contents list."""
    soups = {}
    for page in pages:
        path = html_dir / f"{page}.html"
        if not path.is_file():
            raise PrintError(f"{path} is missing: run `make book` before `make pdf`")
        soups[page] = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    index = soups[pages[0]]
    doc = BeautifulSoup("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'></head><body></body></html>",
                        "html.parser")
    html = doc.html
    html["data-theme"] = "light"
    html["data-mode"] = "light"
    html["data-content_root"] = ""
    head, body = doc.head, doc.body
    title = doc.new_tag("title")
    title.string = "The Persian-Russian Connection — an annotated edition"
    head.append(title)
    for link in index.select("link[rel~=stylesheet]"):
        head.append(doc.new_tag("link", rel="stylesheet", href=link["href"].split("?")[0]))
    head.append(doc.new_tag("link", rel="stylesheet", href="_static/edition/print.css"))

    anchors = {page: "print-" + re.sub(r"[^a-z0-9]+", "-", page.lower()) for page in pages}
    titles = {page: _page_title(soup) for page, soup in soups.items()}
    ids = {tag["id"] for soup in soups.values() for tag in soup.select("article.bd-article [id]")}
    ids |= set(anchors.values())

    rules = ["@media print {", "@page cover { @bottom-center { content: none; } }"]
    for number, page in enumerate(pages):
        rules.append(f"@page chapter-{number} {{ @top-left {{ content: {_css_string(titles[page])}; "
                     "font: italic 8.5pt/1 system-ui, sans-serif; color: #555; } "
                     "@top-right { content: \"The Persian-Russian Connection — annotated\"; "
                     "font: 8.5pt/1 system-ui, sans-serif; color: #555; } }")
        rules.append(f"#{anchors[page]} {{ page: chapter-{number}; }}")
    rules.append("}")
    style = doc.new_tag("style")
    style.string = "\n".join(rules) + PRINT_DOCUMENT_CSS
    head.append(style)

    cover = doc.new_tag("section", attrs={"class": "print-cover"})
    cover.append(BeautifulSoup(
        "<h1>The Persian-Russian Connection</h1>"
        "<p class='print-subtitle'>An annotated edition of the essay by Daniel Byman and Kenneth M. Pollack "
        "(<i>Lawfare</i>, 26 October 2023)</p>"
        f"<p>Printed from the web edition, {site}, on {dt.date.today().isoformat()}. "
        "Figures are shown as they stand with the latest data; each caption gives the address of its "
        "interactive version. Margin notes follow the paragraph that calls them, numbered as on screen "
        "(note 6.3 is the third note on ¶6); ¶ numbers stand in the left margin.</p>"
        "<p>The essay is © its authors and Lawfare, reproduced for commentary. Annotations and data: "
        "CC BY 4.0; code: MIT.</p>", "html.parser"))
    body.append(cover)

    contents = doc.new_tag("nav", attrs={"class": "print-toc"})
    contents.append(BeautifulSoup("<h2>Contents</h2>", "html.parser"))
    listing = doc.new_tag("ol")
    for page in pages[1:]:
        item = doc.new_tag("li")
        link = doc.new_tag("a", href="#" + anchors[page])
        link.string = titles[page]
        item.append(link)
        number = doc.new_tag("span", attrs={"class": "print-toc-page"})
        number.string = str(toc_numbers[page]) if toc_numbers and page in toc_numbers else "00"
        item.append(number)
        listing.append(item)
    contents.append(listing)
    body.append(contents)

    scripts: list[str] = []
    for page in pages:
        soup = soups[page]
        article = soup.select_one("article.bd-article")
        if article is None:
            raise PrintError(f"{page}.html has no article element: the theme's layout changed")
        for src in (s.get("src", "") for s in soup.find_all("script", src=True)):
            path = posixpath.normpath(posixpath.join(posixpath.dirname(page), src.split("?")[0]))
            if ("plotly" in path or path.endswith("figures.js")) and path not in scripts:
                scripts.append(path)
        _rewrite_links(article, page, anchors, ids, site)
        for panel in article.select(".edition-figure-panel[id]"):
            address = doc.new_tag("p", attrs={"class": "edition-print-address"})
            address.string = f"Interactive version: {site}{page}.html#{panel['id']}"
            panel.append(address)
        for link in article.select("a.headerlink"):
            link.decompose()
        for details in article.find_all("details"):
            details["open"] = ""
        section = doc.new_tag("section", attrs={"class": "print-chapter", "id": anchors[page]})
        section.extend(list(article.children))
        body.append(section)
    for src in scripts:
        body.append(doc.new_tag("script", src=src))
    return str(doc)


PRINT_DOCUMENT_CSS = """
@media print {
  .print-cover { page: cover; padding-top: 60mm; }
  .print-cover h1 { font-size: 28pt; }
  .print-subtitle { font-size: 13pt; margin-bottom: 30mm; }
  .print-toc { break-before: page; page: cover; }
  .print-toc ol { list-style: none; padding: 0; }
  .print-toc li { display: flex; gap: 4mm; margin: 0 0 4pt; }
  .print-toc li a { flex: 1; text-decoration: none; }
  .print-toc li a::after { content: ""; }
  .print-toc-page { font-variant-numeric: tabular-nums; }
  .print-chapter { break-before: page; }
}
"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def _serve(folder: Path, document: dict[str, bytes]) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve the built site, plus the assembled document at /print-edition.html, on loopback."""

    class Handler(_Quiet):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            if self.path.split("?")[0] == "/print-edition.html":
                payload = document["html"]
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                return
            super().do_GET()

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def _print(browser, url: str, paper: str) -> bytes:
    page = browser.new_page(viewport={"width": 1000, "height": 1400})
    foreign: list[str] = []
    page.on("request", lambda r: foreign.append(r.url) if not r.url.startswith(url.rsplit("/", 1)[0]) and
            not r.url.startswith("data:") else None)
    page.emulate_media(media="print", color_scheme="light")
    page.goto(url, wait_until="load")
    expected = page.evaluate("document.querySelectorAll('.edition-plotly').length")
    deadline = time.monotonic() + FIGURE_TIMEOUT_S
    while page.evaluate("document.querySelectorAll('.edition-plotly[data-drawn=\"true\"]').length") < expected:
        if time.monotonic() > deadline:
            raise PrintError(f"figures not drawn within {FIGURE_TIMEOUT_S} s")
        page.wait_for_timeout(200)
    page.evaluate("document.fonts.ready")
    if foreign:
        raise PrintError(f"the print document requested other hosts: {foreign[:5]}")
    pdf = page.pdf(format=paper, print_background=True, outline=True, tagged=True, prefer_css_page_size=False)
    page.close()
    return pdf


def clean_title(title: str) -> str:
    """A bookmark's title as the heading reads: Chromium repeats a heading that opens a page."""
    title = re.sub(r"\s+", " ", title).strip()
    half = len(title) // 2
    if len(title) % 2 == 0 and title[:half] == title[half:]:
        title = title[:half]
    return title


def tidy_outline(pdf: bytes) -> bytes:
    """The same PDF with every bookmark titled once (see clean_title)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    outlines = writer._root_object.get("/Outlines")
    stack = [outlines.get_object()["/First"]] if outlines and "/First" in outlines.get_object() else []
    while stack:
        item = stack.pop().get_object()
        item[NameObject("/Title")] = TextStringObject(clean_title(str(item["/Title"])))
        for key in ("/First", "/Next"):
            if key in item:
                stack.append(item[key])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def chapter_pages(pdf: bytes, titles: dict[str, str]) -> dict[str, int]:
    """The 1-based page on which each chapter's heading stands, from the PDF outline."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    found: dict[str, int] = {}

    def walk(items) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
                continue
            title = clean_title(item.title)
            for page, wanted in titles.items():
                if page not in found and title == wanted:
                    found[page] = reader.get_destination_page_number(item) + 1

    walk(reader.outline)
    return found


def build_pdf(html_dir: Path, out: Path, paper: str = "A4") -> dict[str, object]:
    """Print the built book to `out`; return what a report needs."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).is_file():
        raise PrintError(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)")
    started = time.monotonic()
    pages = toc_pages()
    site = _site_url()
    document = {"html": assemble(html_dir, pages, site).encode("utf-8")}
    titles = {}
    for page in pages:
        soup = BeautifulSoup((html_dir / f"{page}.html").read_text(encoding="utf-8"), "html.parser")
        titles[page] = _page_title(soup)
    server, base = _serve(html_dir, document)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            first = _print(browser, base + "print-edition.html", paper)
            numbers = chapter_pages(first, {page: titles[page] for page in pages[1:]})
            missing = [titles[p] for p in pages[1:] if p not in numbers]
            if missing:
                raise PrintError(f"chapters without a bookmark in the printed PDF: {missing}")
            document["html"] = assemble(html_dir, pages, site, numbers).encode("utf-8")
            final = _print(browser, base + "print-edition.html", paper)
            browser.close()
    finally:
        server.shutdown()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_bytes(tidy_outline(final))
    tmp.replace(out)
    from pypdf import PdfReader

    return {"pdf": str(out), "bytes": out.stat().st_size, "pages": len(PdfReader(str(out)).pages),
            "paper": paper, "seconds": round(time.monotonic() - started, 1), "chapters": numbers}


def _chromium_version() -> str:
    try:
        return subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=60).stdout.strip()
    except OSError:
        return ""  # no browser: build_pdf says so


def site_files(html_dir: Path) -> list[tuple[str, Path]]:
    """(path within the site, file) of every file of a built site but the PDF published into it, in
    order: what the PDF's and the build's digests (edition.build.site_digest) are taken over."""
    if not html_dir.is_dir():
        return []
    return [(path.relative_to(html_dir).as_posix(), path) for path in sorted(html_dir.rglob("*"))
            if path.is_file() and path.relative_to(html_dir).as_posix() != PDF_NAME]


def print_inputs(html_dir: Path, paper: str) -> str:
    """One digest of what a printing reads: every file of the built site but the page sources
    offered for download (_sources/, which the printing never loads and whose notebooks get new
    cell ids whenever their pages are written again) and a PDF published there; the table of
    contents, the site's address, the paper, the date the cover gives, this module's code and
    the Chromium that prints."""
    import bs4

    digest = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        digest.update(f"{label}\0{len(data)}\0".encode("utf-8") + data)

    for name, path in site_files(html_dir):
        if not name.startswith("_sources/"):
            add(f"file {name}", path.read_bytes())
    for label, value in (("pages", "\n".join(toc_pages())), ("site", _site_url()), ("paper", paper),
                         ("date", dt.date.today().isoformat()), ("chromium", _chromium_version()),
                         ("beautifulsoup", bs4.__version__)):
        add(label, value.encode("utf-8"))
    add("code", Path(__file__).read_bytes())
    return digest.hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paper", default=os.environ.get("PAPER", "a4"), type=str.lower, choices=sorted(PAPERS))
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "pdf" / PDF_NAME)
    parser.add_argument("--publish", action="store_true",
                        help="also copy the PDF into the built site, where each page links to it")
    args = parser.parse_args(argv)
    stamp = args.out.with_name(args.out.name + ".inputs")  # print_inputs of the PDF at args.out
    inputs = print_inputs(args.html, PAPERS[args.paper])
    if args.out.is_file() and stamp.is_file() and stamp.read_text(encoding="utf-8").strip() == inputs:
        report: dict[str, object] = {"pdf": str(args.out), "bytes": args.out.stat().st_size,
                                     "kept": "nothing it is printed from has changed since it was printed"}
    else:
        stamp.unlink(missing_ok=True)
        try:
            report = build_pdf(args.html, args.out, PAPERS[args.paper])
        except PrintError as err:
            print(f"make pdf: {err}", file=sys.stderr)
            return 1
        stamp.write_text(inputs + "\n", encoding="utf-8")
    if args.publish:
        shutil.copyfile(args.out, args.html / PDF_NAME)
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
