"""Reader tables: human headers, no '<NA>', readable dates, sources by outlet and linked, on every page."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from bs4 import BeautifulSoup

from edition import sources, tables
from edition.paths import toc_pages

SNAKE = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)+$")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def test_dates_are_written_out_at_their_precision() -> None:
    day = pd.Timestamp("2022-09-13")
    assert tables.format_date(day, "day") == "September 13, 2022"
    assert tables.format_date(day, "month") == "September 2022"
    assert tables.format_date(day, "year") == "2022"
    assert tables.format_date(pd.NaT, "day") == "" and tables.format_date(None, None) == ""
    assert tables.date_span(pd.Timestamp("1804-01-01"), "year", pd.Timestamp("1813-10-24"), "day") == "1804 – October 24, 1813"


def test_headers_are_spelled_out_for_readers() -> None:
    assert tables.human_header("as_of") == "Evidence to"
    assert tables.human_header("claim_type") == "Type of claim"
    assert tables.human_header("partly-supported") == "Partly supported"
    assert tables.human_header("some_new_column") == "Some new column"
    assert tables.human_header("Russia → Iran") == "Russia → Iran"


def test_to_html_leaves_no_na_shows_dates_and_links_sources() -> None:
    key = next(iter(sources.all_sources()))
    frame = pd.DataFrame({"count_of_rows": pd.array([1, None], dtype="Int64"),
                          "when": [pd.Timestamp("2023-10-26"), pd.NaT], "Sources": [key, None]},
                         index=pd.Index(["a", "b"], name="event_id"))
    html = tables.to_html(frame, caption="Test").data
    soup = BeautifulSoup(html, "html.parser")
    assert [th.get_text() for th in soup.select("thead th")] == ["Event", "Count of rows", "When", "Sources"]
    assert "NA" not in soup.get_text() and "NaT" not in soup.get_text() and "nan" not in soup.get_text()
    assert "October 26, 2023" in soup.get_text()
    link = soup.select_one("td a")
    assert link["href"] == f"bibliography.html#cite-{key}" and key not in link.get_text()
    assert link.get_text() == sources.all_sources()[key].short
    # every body cell names its column, for the card layout on a phone
    assert all(cell.get("data-label") for cell in soup.select("tbody td, tbody th"))


def test_sources_are_named_by_outlet_and_date() -> None:
    entry = sources.sources_from(_bib("""@misc{k1, title = {A Title}, howpublished = {Reuters},
        year = {2022}, month = {sep}, day = {13}, url = {https://example.org/a}}"""))["k1"]
    assert entry.short == "Reuters, September 13, 2022"
    undated = sources.sources_from(_bib("@misc{k2, title = {T}, howpublished = {AP}, url = {https://x.org}}"))["k2"]
    assert undated.short == "AP, undated"


def _bib(text: str):
    from pybtex.database import parse_string

    return parse_string(text, "bibtex")


def test_no_page_shows_na_snake_case_headers_or_iso_dates_in_reader_tables(root: Path, built_html: Path) -> None:
    checked = 0
    for name in toc_pages(root):
        soup = BeautifulSoup((built_html / f"{name}.html").read_text(encoding="utf-8"), "html.parser")
        for table in soup.select("table.edition-table, table.edition-claims-ledger, table.edition-data-table"):
            checked += 1
            text = table.get_text(" ")
            assert "<NA>" not in text and "NaT" not in text and not re.search(r"\bnan\b", text), f"{name}: missing value shown"
            for th in table.select("thead th"):
                header = th.get_text(" ").strip()
                assert header and not SNAKE.match(header) and header != "id", f"{name}: header {header!r}"
            assert not ISO_DATE.search(text), f"{name}: ISO date {ISO_DATE.search(text).group()} in a reader table"
    assert checked >= 10


def test_figure_sources_tabs_list_outlet_title_and_date_linked(root: Path, built_html: Path) -> None:
    known = sources.all_sources()
    panels = 0
    for name in toc_pages(root):
        soup = BeautifulSoup((built_html / f"{name}.html").read_text(encoding="utf-8"), "html.parser")
        for box in soup.select(".edition-figure-panel .edition-sources"):
            panels += 1
            items = box.select("li")
            assert items
            for item in items:
                links = item.select("a")
                assert links[0]["href"].startswith("http") and links[-1]["href"].startswith("bibliography.html#cite-")
                entry = known[links[-1]["href"].split("#cite-")[1]]
                assert item.get_text().startswith(entry.outlet) and entry.title in item.get_text()
    assert panels >= 5


def test_data_tabs_link_each_source_key(root: Path, built_html: Path) -> None:
    soup = BeautifulSoup((built_html / "chapters/04-role-reversal.html").read_text(encoding="utf-8"), "html.parser")
    cells = soup.select("#panel-arms-flow-map table.edition-table td[data-label=Sources]")
    assert cells and all(cell.select("a[href^='bibliography.html#cite-']") for cell in cells if cell.get_text().strip())
    bibliography = BeautifulSoup((built_html / "chapters/bibliography.html").read_text(encoding="utf-8"), "html.parser")
    anchors = {a["href"].split("#")[1] for cell in cells for a in cell.select("a")}
    assert all(bibliography.find(id=anchor) for anchor in anchors)
