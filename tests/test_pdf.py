"""The print edition, read as its readers read it: through pdftotext, pdftoppm, pdffonts and its outline."""

from __future__ import annotations

import copy
import re
import subprocess
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

import parsed
from edition import data, essay
from edition.paths import ROOT, toc_pages
from edition.pdf import PDF_NAME
from edition.sphinxext.essay_text import note_label

PDF = ROOT / "_build" / "pdf" / PDF_NAME
MAX_BYTES = 15 * 1024 * 1024
FIGURE_BAND_POINTS = 300  # how far above its caption a figure is looked for (about 105 mm)
MIN_FIGURE_INK = 0.002
CHROMA = 8  # text prints grey (no chroma); even the pale land and sea of a map have some
A4_POINTS = (595.92, 842.88)  # as Chromium writes A4 (8.27 x 11.71 in)
# Note numbers ("6.3", "12.1,12.4") stand beside the words they mark; both sides drop them before comparing.
LABELS = re.compile(r"\d{1,2}\.\d{1,2}(?:,\s*\d{1,2}\.\d{1,2})*")


@pytest.fixture(scope="module")
def pdf() -> Path:
    if not PDF.is_file():
        pytest.fail(f"{PDF} is missing: `make test` runs `make pdf` after `make book`")
    return PDF


def pdftotext(path: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", *args, str(path), "-"], capture_output=True, text=True, check=True).stdout


def squeeze(text: str) -> str:
    """Text compared without note numbers, line breaks or spacing, and with ligatures unfolded."""
    text = unicodedata.normalize("NFKC", text)
    # pdftotext joins a word broken after a hyphen at a line's end, dropping the hyphen
    return re.sub(r"[\s\u00ad-]+", "", LABELS.sub("", text))


@pytest.fixture(scope="module")
def text(pdf: Path) -> str:
    return pdftotext(pdf)


def test_every_paragraph_of_the_essay_is_printed_exactly_once(text: str) -> None:
    flat = squeeze(text)
    for para in essay.load().paragraphs:
        count = flat.count(squeeze(para.text))
        assert count == 1, f"¶{para.number} is printed {count} times"


def test_every_note_is_printed_with_its_number(text: str) -> None:
    notes = data.load_tables()["annotations"]
    tokens = set(re.findall(r"\d{1,2}\.\d{1,2}", text))
    missing = []
    for paragraph, group in notes.groupby("paragraph"):
        for position, row in enumerate(group.itertuples(), start=1):
            label = note_label(int(paragraph), position)
            if label not in tokens:
                missing.append(f"{row.annotation_id} ({label})")
            prose = re.sub(r"\{[\w:-]+\}`[^`]*`", " ", str(row.note))  # roles print as labels, not keys
            words = re.findall(r"[A-Za-z]{5,}", prose)[:3]
            assert all(w in text for w in words), f"{row.annotation_id}: its text is not in the PDF"
    assert not missing, f"notes without their number in the PDF: {missing}"


def figure_captions(root: Path) -> list[str]:
    captions = []
    for page in toc_pages(root):
        soup = parsed.page(root / "_build" / "html" / f"{page}.html")
        for caption in soup.select(".edition-figure-panel figcaption, .edition-figure-panel .caption"):
            caption = copy.copy(caption)  # the shared page is left as parsed
            for link in caption.select("a.headerlink"):
                link.decompose()
            captions.append(caption.get_text(" ", strip=True))
    return list(dict.fromkeys(captions))


def page_rgb(pdf: Path, number: int, dpi: int) -> tuple[int, int, bytes]:
    """One page rendered by pdftoppm: width, height, RGB pixels."""
    raw = subprocess.run(["pdftoppm", "-f", str(number), "-l", str(number), "-r", str(dpi), str(pdf)],
                         capture_output=True, check=True).stdout
    header = re.match(rb"P6\s+(\d+)\s+(\d+)\s+(\d+)\s", raw)
    assert header, "pdftoppm did not write a PPM image"
    width, height = int(header.group(1)), int(header.group(2))
    return width, height, raw[header.end():header.end() + 3 * width * height]


def figure_ink(pdf: Path, number: int, caption_top: float, dpi: int = 40) -> float:
    """Share of coloured pixels in the band above a caption, where the figure it captions is drawn.

    Text prints in black and grey; a drawn chart, map or timeline is coloured. A figure that
    failed to draw leaves this band white or grey.
    """
    width, height, pixels = page_rgb(pdf, number, dpi)
    scale = dpi / 72
    bottom = int(caption_top * scale)
    top = max(0, bottom - int(FIGURE_BAND_POINTS * scale))
    coloured = 0
    for y in range(top, bottom):
        row = pixels[3 * y * width: 3 * (y + 1) * width]
        for x in range(width):
            r, g, b = row[3 * x], row[3 * x + 1], row[3 * x + 2]
            if max(r, g, b) - min(r, g, b) > CHROMA:
                coloured += 1
    return coloured / max(1, (bottom - top) * width)


def caption_top(pdf: Path, number: int, figure: str) -> float:
    """The y (points from the top) of the word "Fig." that opens a figure's caption on a page."""
    layout = pdftotext(pdf, "-f", str(number), "-l", str(number), "-bbox")
    words = re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)</word>', layout)
    for (y, word), (_, following) in zip(words, words[1:]):
        if word == "Fig." and following == figure:
            return float(y)
    raise AssertionError(f"page {number}: no caption 'Fig. {figure}'")


def test_every_figure_is_printed_with_its_caption_and_drawn(pdf: Path, text: str) -> None:
    captions = figure_captions(ROOT)
    assert captions, "no figure captions found in the built pages"
    pages = PdfReader(str(pdf)).pages
    # pdftotext ends each page with a form feed: the whole text split there is each page's text, as
    # a run of pdftotext per page gives it (the same for all 96 pages), at a fifth of the cost
    by_page = [squeeze(page) for page in text.split("\f")[:len(pages)]]
    assert len(by_page) == len(pages)
    for caption in captions:
        wanted = squeeze(caption)
        hits = [n for n, page in enumerate(by_page, start=1) if wanted in page]
        assert hits, f"figure caption not in the PDF: {caption!r}"
        figure = caption.split()[1]
        ink = figure_ink(pdf, hits[0], caption_top(pdf, hits[0], figure))
        assert ink > MIN_FIGURE_INK, f"page {hits[0]}: figure {figure} looks blank ({ink:.4f} coloured)"
        assert "Interactivevers" in by_page[hits[0] - 1] or "Interactivevers" in by_page[hits[0]], \
            f"page {hits[0]}: no address of the interactive version of figure {figure}"
    # The measure tells a drawing from text: pages of text and tables have (next to) no colour.
    for name, marker in (("bibliography", "consulted"), ("data dictionary", "Foreignkey")):
        page = max(n for n, text in enumerate(by_page, start=1) if marker in text)
        text_only = figure_ink(pdf, page, 800.0)
        assert text_only < MIN_FIGURE_INK / 2, f"{name}, page {page}: {text_only:.4f} coloured; the check is meaningless"


def test_size_pages_and_paper_are_within_bounds(pdf: Path) -> None:
    reader = PdfReader(str(pdf))
    assert pdf.stat().st_size <= MAX_BYTES, f"{pdf.stat().st_size} bytes"
    assert 30 <= len(reader.pages) <= 400, f"{len(reader.pages)} pages"
    box = reader.pages[0].mediabox
    assert (round(float(box.width), 2), round(float(box.height), 2)) == A4_POINTS


def test_every_font_is_embedded(pdf: Path) -> None:
    listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = listing.splitlines()[2:]
    assert rows, "pdffonts lists no fonts"
    not_embedded = [row for row in rows if row.split()[-5] != "yes"]
    assert not not_embedded, "fonts not embedded:\n" + "\n".join(not_embedded)


def test_the_bookmarks_list_every_chapter(pdf: Path) -> None:
    reader = PdfReader(str(pdf))
    titles: list[str] = []

    def walk(items) -> None:
        for item in items:
            walk(item) if isinstance(item, list) else titles.append(re.sub(r"\s+", " ", item.title).strip())

    walk(reader.outline)
    for page in toc_pages(ROOT)[1:]:
        soup = parsed.page(ROOT / "_build" / "html" / f"{page}.html")
        heading = copy.copy(soup.select_one("article.bd-article h1"))  # the shared page is left as parsed
        for link in heading.select("a.headerlink"):
            link.decompose()
        assert heading.get_text(" ", strip=True) in titles, f"no bookmark for {page}"


def test_the_contents_page_gives_each_chapter_its_printed_page(pdf: Path) -> None:
    reader = PdfReader(str(pdf))
    contents = pdftotext(pdf, "-f", "2", "-l", "3")
    assert "Contents" in contents
    listed = re.findall(r"^(.+?)\s+(\d+)$", contents, flags=re.MULTILINE)
    assert len(listed) >= 8, f"the contents page lists {len(listed)} chapters with pages"
    for title, page in listed[:3]:
        printed = pdftotext(pdf, "-f", page, "-l", page)
        assert squeeze(title)[:20] in squeeze(printed), f"contents: {title!r} is not on page {page}"
    assert len(reader.pages) >= max(int(p) for _, p in listed)


def test_pages_carry_running_heads_and_their_numbers(pdf: Path) -> None:
    reader = PdfReader(str(pdf))
    for number in range(3, len(reader.pages) + 1, 7):
        layout = pdftotext(pdf, "-f", str(number), "-l", str(number), "-bbox")
        words = [(float(y), word) for y, word in
                 re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)</word>', layout)]
        bottom = max(words)
        assert bottom[1] == str(number), f"page {number}: the lowest word is {bottom[1]!r}, not the page number"
        top = min(y for y, _ in words)
        head = " ".join(word for y, word in words if y - top < 2)
        assert "The Persian-Russian Connection — annotated" in head, f"page {number}: running head is {head!r}"


def test_every_page_of_the_site_links_to_the_pdf(built_html: Path) -> None:
    for page in toc_pages(ROOT):
        soup = parsed.page(built_html / f"{page}.html")
        link = soup.select_one("p.edition-pdf-link a[href]")
        assert link is not None, f"{page}: no link to the PDF"
        target = (built_html / page).parent / link["href"]
        assert target.resolve() == (built_html / PDF_NAME).resolve() and target.is_file(), f"{page}: {link['href']}"


def test_a_book_unchanged_since_its_printing_is_not_printed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture) -> None:
    """`make pdf` prints again whenever a file of the site or the paper changes, and only then; the
    PDF it keeps is still published into the site."""
    from edition import pdf as printing

    site = tmp_path / "html"
    (site / "_static").mkdir(parents=True)
    (site / "index.html").write_text("<p>book</p>", encoding="utf-8")
    (site / "_static" / "print.css").write_text("p { color: #000 }", encoding="utf-8")
    out = tmp_path / "pdf" / PDF_NAME
    printed: list[str] = []

    def fake_build(html_dir: Path, target: Path, paper: str) -> dict[str, object]:
        printed.append(paper)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(f"%PDF printing {len(printed)}".encode())
        return {"pdf": str(target)}

    monkeypatch.setattr(printing, "build_pdf", fake_build)

    def make_pdf(*options: str) -> bytes:
        assert printing.main(["--html", str(site), "--out", str(out), "--publish", *options]) == 0
        assert (site / PDF_NAME).read_bytes() == out.read_bytes(), "the site does not carry the PDF just made or kept"
        return out.read_bytes()

    assert make_pdf() == b"%PDF printing 1" and printed == ["A4"]
    assert make_pdf() == b"%PDF printing 1" and printed == ["A4"], "an unchanged book was printed again"
    assert '"kept"' in capsys.readouterr().out
    (site / "_static" / "print.css").write_text("p { color: #111 }", encoding="utf-8")
    assert make_pdf() == b"%PDF printing 2", "a changed stylesheet did not reach the PDF"
    assert make_pdf("--paper", "letter") == b"%PDF printing 3" and printed[-1] == "Letter"
    (site / "_sources").mkdir()
    (site / "_sources" / "index.ipynb").write_text('{"cells": [{"id": "a1"}]}', encoding="utf-8")
    assert make_pdf("--paper", "letter") == b"%PDF printing 3", "a page source, which is never printed, was printed"
    (site / "_static" / "print.css").unlink()
    assert make_pdf("--paper", "letter") == b"%PDF printing 4", "a file taken away did not reach the PDF"

    def broken_build(html_dir: Path, target: Path, paper: str) -> dict[str, object]:
        target.write_bytes(b"%PDF half")  # written, then found wanting
        raise printing.PrintError("chapters without a bookmark")

    monkeypatch.setattr(printing, "build_pdf", broken_build)
    (site / "index.html").write_text("<p>book, edited</p>", encoding="utf-8")
    assert printing.main(["--html", str(site), "--out", str(out)]) == 1
    monkeypatch.setattr(printing, "build_pdf", fake_build)
    (site / "index.html").write_text("<p>book</p>", encoding="utf-8")  # back to what was last printed
    assert make_pdf("--paper", "letter") == b"%PDF printing 5", "a failed printing's PDF was kept as current"
