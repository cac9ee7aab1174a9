"""The bibliography's entry style (edition.sphinxext.bibstyle): house-style dates, signs as typed."""

from __future__ import annotations

from pybtex.database import Entry

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
