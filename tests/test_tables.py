"""Reader tables: human headers, no '<NA>', readable dates, sources by outlet and linked, on every page."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

import parsed
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
    # no cell carries its column's name (tables.js gives it from the header row, for the phone's cards)
    assert not any(cell.has_attr("data-label") for cell in soup.select("tbody td, tbody th"))


def test_a_table_beside_a_numbered_list_names_its_sources_by_number() -> None:
    known = sources.all_sources()
    keys = list(known)[:3]
    frame = pd.DataFrame({"Sources": [f"{keys[2]};{keys[0]}", None]}, index=pd.Index(["a", "b"], name="id"))
    numbers = tables.SourceNumbers("src-x", keys)
    soup = BeautifulSoup(tables.to_html(frame, numbers=numbers).data, "html.parser")
    links = soup.select("tbody td a")
    assert [(a["href"], a.get_text()) for a in links] == [("#src-x-3", "3"), ("#src-x-1", "1")]
    assert soup.select("tbody td")[0].get_text() == "3, 1" and not soup.select("[title]")
    with pytest.raises(KeyError, match="not in the list 'src-x'"):
        tables.to_html(pd.DataFrame({"Sources": [list(known)[5]]}), numbers=numbers)
    listed = BeautifulSoup(tables.sources_list(keys, list_id="src-x").data, "html.parser")
    assert listed.select_one("ol")["id"] == "src-x"
    order = [s.key for s in tables.source_entries(keys)]
    assert [li["id"] for li in listed.select("ol > li")] == [f"src-x-{n}" for n in range(1, 4)]
    assert [li.select("a")[-1]["href"].split("#cite-")[1] for li in listed.select("li")] == order
    pointer = BeautifulSoup(tables.sources_list(keys, see="src-x").data, "html.parser")
    assert not pointer.select("li") and pointer.select_one("p a")["href"] == "#src-x"
    assert "same 3 sources" in pointer.get_text()


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
        soup = parsed.page(built_html / f"{name}.html")
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
    """Each figure's Sources tab lists its sources once, numbered, or points to an earlier figure's
    list of the very same sources on the page; no page lists a source in two figures' tabs."""
    known = sources.all_sources()
    panels = pointers = 0
    for name in toc_pages(root):
        soup = parsed.page(built_html / f"{name}.html")
        listed: list[str] = []
        for box in soup.select(".edition-figure-panel .edition-sources"):
            panels += 1
            items = box.select("li")
            if not items:  # a pointer to a list above it on the page
                pointers += 1
                target = parsed.by_id(soup).get(box.select_one("p > a")["href"][1:])
                assert target and target.name == "ol" and target.sourceline < box.sourceline, name
                assert f"same {len(target.select('li'))} source" in box.get_text(), name
                continue
            ol = box.select_one("ol")
            assert [li["id"] for li in items] == [f"{ol['id']}-{n}" for n in range(1, len(items) + 1)]
            for item in items:
                links = item.select("a")
                assert links[-1]["href"].startswith("bibliography.html#cite-")
                entry = known[links[-1]["href"].split("#cite-")[1]]
                assert links[0]["href"] == entry.url or not entry.url
                assert item.get_text().startswith(entry.outlet) and entry.title in item.get_text()
                assert (entry.date or "undated") in item.get_text()
                listed.append(entry.key)
        assert len(listed) == len(set(listed)), f"{name}: a source listed twice"
    assert panels >= 5 and pointers >= 1


def test_data_tabs_point_each_row_to_its_sources_by_number(root: Path, built_html: Path) -> None:
    """The map's data table names each transfer's sources by number, each number a link to the
    entry in the figure's Sources tab (outlet, title, date, bibliography entry): the very sources
    the row cites in data/transfers.csv, in its order, and no tooltip repeating them per row."""
    from edition import data

    cited = {r.transfer_id: sources.split_keys(r.sources) for r in data.load_tables()["transfers"].itertuples()}
    soup = parsed.page(built_html / "chapters/04-role-reversal.html")
    table = soup.select_one("#panel-arms-flow-map table.edition-table")
    headers = [th.get_text() for th in table.select("thead th, thead td")]
    column = headers.index("Sources")
    assert not table.select("[title], [data-label]")
    rows = table.select("tbody tr")
    assert len(rows) == len(cited)
    for row in rows:
        links = row.find_all(["th", "td"], recursive=False)[column].select("a")
        entries = [parsed.by_id(soup).get(a["href"][1:]) for a in links]
        assert all(e is not None and e.name == "li" and e.find_parent(class_="edition-sources") for e in entries)
        assert [a.get_text() for a in links] == [e["id"].rsplit("-", 1)[1] for e in entries]
        keys = [e.select("a")[-1]["href"].split("#cite-")[1] for e in entries]
        assert keys == cited[row.th.get_text()], row.th.get_text()
    bibliography = parsed.page(built_html / "chapters/bibliography.html")
    anchors = {a["href"].split("#")[1] for a in soup.select("#panel-arms-flow-map .edition-sources li a[href^='bibliography']")}
    assert anchors and all(parsed.by_id(bibliography).get(anchor) for anchor in anchors)
