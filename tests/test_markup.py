"""Tables and source lists are structure: hostile values come out as text, in the notebook's HTML
(autoescaping templates) and in the book (docutils nodes written by Sphinx's HTML writer).

The validator already refuses markup in data (test_bad_input); these tests feed the renderers
directly, so they hold even for a value the validator would let through.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from edition import markup, sources, tables, vocab

HOSTILE = '"><script>alert(1)</script><img src=x onerror=alert(2)>&amp;\''


def _no_markup_from_data(html: str) -> BeautifulSoup:
    soup = BeautifulSoup(html, "html.parser")
    assert not soup.find("script") and not soup.find("img"), html[:300]
    assert not any(name.startswith("on") for tag in soup.find_all(True) for name in tag.attrs)
    return soup


def _hostile_source() -> dict[str, sources.Source]:
    return {"k1": sources.Source(key="k1", outlet=HOSTILE, title=HOSTILE, date=HOSTILE,
                                 url='https://example.org/?q="><script>x</script>')}


def test_a_hostile_table_value_is_text_in_the_notebook_view() -> None:
    frame = pd.DataFrame({HOSTILE: [HOSTILE]}, index=pd.Index([HOSTILE], name=HOSTILE))
    soup = _no_markup_from_data(tables.to_html(frame, caption=HOSTILE).data)
    table = soup.select_one("table.edition-table")
    assert table["aria-label"] == HOSTILE
    assert [th.get_text() for th in table.select("thead th")] == [HOSTILE, HOSTILE]
    assert table.select_one("tbody th").get_text() == HOSTILE and table.select_one("tbody td").get_text() == HOSTILE
    # no per-cell attributes: the card layout's labels come from the header row (tables.js)
    assert not any(cell.attrs.keys() - {"scope"} for cell in table.select("tbody td, tbody th"))


def test_a_hostile_source_is_text_in_the_notebook_view() -> None:
    known = _hostile_source()
    doc = markup.Markup(markup.source_list("Intro.", HOSTILE, [known["k1"]]))
    soup = _no_markup_from_data(doc.data)
    item = soup.select_one(".edition-sources li")
    assert item.get_text().startswith(HOSTILE) and item.select("a")[0]["href"] == known["k1"].url
    assert soup.select_one(".edition-sources p").get_text() == f"Intro. {HOSTILE}"
    cell = _no_markup_from_data(tables.sources_html("k1", known))
    assert cell.a["title"] == HOSTILE and cell.a.get_text() == known["k1"].short


def test_a_hostile_scorecard_row_is_text_in_the_notebook_view(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources, "all_sources", _hostile_source)
    row = {"forecast_id": "F99", "paragraph": 6, "exact": HOSTILE, "kind": "forecast", "verdict": "partly",
           "criterion": HOSTILE, "outcome": HOSTILE, "reasoning": HOSTILE, "sources": "k1",
           "as_of": pd.Timestamp("2024-01-02")}
    soup = _no_markup_from_data(tables.scorecard_table(pd.DataFrame([row]), {6: "04-role-reversal"}).data)
    assert soup.select_one("tbody tr")["id"] == "forecast-F99"
    cells = soup.select("tbody td")
    assert cells[0].a["href"] == "04-role-reversal.html#essay-p6"
    assert soup.select_one("strong.verdict.verdict-partly").get_text() == vocab.label("scorecard", "verdict", "partly")
    assert cells[1].get_text() == f"“{HOSTILE}”"
    assert [p.get_text() for p in soup.select("details p")][0] == f"What would count: {HOSTILE}"


def test_the_notebook_panel_escapes_its_summary_and_name() -> None:
    from edition import panels

    html = panels.notebook_panel_html(HOSTILE, HOSTILE, "<table></table>", "<div></div>")
    soup = _no_markup_from_data(html)
    assert soup.p.get_text() == HOSTILE and soup.summary.get_text() == f"Data behind the figure {HOSTILE}"
    assert soup.select_one("details table") is not None  # the already-rendered parts are kept


def test_the_displayed_bundle_carries_the_document_for_the_book() -> None:
    frame = pd.DataFrame({"a": ["x"]})
    bundle = tables.to_html(frame, caption="C")._repr_mimebundle_()
    assert set(bundle) == {markup.MIME, "text/html", "text/plain"}
    json.dumps(bundle[markup.MIME])  # what nbformat stores must be JSON
    assert bundle[markup.MIME]["rows"] == [{"id": None, "cells": [["x"]]}]


# ---- the book: a small Sphinx project that renders a hostile document through the real nodes ---

CONF = """
import json
from pathlib import Path
from sphinx.util.docutils import SphinxDirective
from edition.sphinxext import htmlnodes, markup_nodes

extensions = ["sphinxcontrib.bibtex"]
bibtex_bibfiles = ["refs.bib"]
bibtex_cite_id = "cite-{key}"
bibtex_default_style = "plain"

class Doc(SphinxDirective):
    required_arguments = 1
    def run(self):
        doc = json.loads(Path(self.env.srcdir, self.arguments[0]).read_text(encoding="utf-8"))
        return [markup_nodes.document_nodes(doc, self.state.document)]

def setup(app):
    htmlnodes.setup(app)
    markup_nodes.setup(app)
    app.add_directive("doc", Doc)
"""

INDEX = """
Test
====

.. _essay-p6:

Paragraph six.

.. doc:: table.json

.. doc:: sources.json

.. doc:: see.json

.. toctree::

   refs/bib
"""


def test_a_hostile_document_is_text_in_the_built_page(tmp_path: Path) -> None:
    from sphinx.application import Sphinx

    src = tmp_path / "src"
    (src / "refs").mkdir(parents=True)
    (src / "conf.py").write_text(CONF, encoding="utf-8")
    (src / "index.rst").write_text(textwrap.dedent(INDEX), encoding="utf-8")
    (src / "refs" / "bib.rst").write_text("Bibliography\n============\n\n.. bibliography::\n   :all:\n",
                                          encoding="utf-8")
    (src / "refs.bib").write_text("@misc{k1, title = {T}, howpublished = {P}, year = {2020}}\n", encoding="utf-8")
    cell = [HOSTILE, markup.source("k1", HOSTILE, HOSTILE), markup.paragraph_link(6, None),
            markup.source_number("k1", 1, "src-fig"),
            markup.strong(HOSTILE, ["verdict"]), markup.details(HOSTILE, [[markup.strong(HOSTILE), HOSTILE]])]
    table = markup.table([HOSTILE, ""], [[cell, [""]]], caption=HOSTILE, row_ids=["forecast-F01"])
    (src / "table.json").write_text(json.dumps(table), encoding="utf-8")
    known = _hostile_source()
    (src / "sources.json").write_text(json.dumps(markup.source_list("Intro.", HOSTILE, [known["k1"]], "src-fig")),
                                      encoding="utf-8")
    (src / "see.json").write_text(json.dumps(markup.source_list(HOSTILE, "", [], see="src-fig")), encoding="utf-8")
    out = tmp_path / "out"
    app = Sphinx(str(src), str(src), str(out), str(tmp_path / "doctrees"), "html", status=None,
                 warningiserror=True, freshenv=True)
    app.build()
    page = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
    soup = _no_markup_from_data(str(page.select_one("div.body")))  # the page's own scripts aside
    box = soup.select_one("div.output.text_html table.edition-table.edition-cards")
    assert box["aria-label"] == HOSTILE and box.select_one("thead th").get_text() == HOSTILE
    row = box.select_one("tbody tr")
    assert row["id"] == "forecast-F01"
    first = row.select_one("td")
    assert first.get_text().startswith(HOSTILE + HOSTILE) and not first.has_attr("data-label")
    source, para, number = first.select("a")[:3]
    assert source["href"] == "refs/bib.html#cite-k1" and source["title"] == HOSTILE  # resolved by Sphinx
    assert para["href"] == "#essay-p6" and para.get_text() == "¶6"
    assert number["href"] == "#src-fig-1" and number.get_text() == "1" and not number.has_attr("title")
    assert first.select_one("strong.verdict").get_text() == HOSTILE
    assert first.select_one("details summary").get_text() == HOSTILE
    assert first.select_one("details p").get_text() == HOSTILE * 2
    assert not row.select("td")[1].contents and not row.select("td")[1].attrs  # empty: :empty to the style sheet
    sources_box, see_box = soup.select("div.edition-sources")
    assert sources_box.p.get_text() == f"Intro. {HOSTILE}"
    assert sources_box.select_one("ol")["id"] == "src-fig" and sources_box.select_one("li")["id"] == "src-fig-1"
    links = sources_box.select("li a")
    assert links[0]["href"] == known["k1"].url and links[-1]["href"] == "refs/bib.html#cite-k1"
    assert not see_box.select("li") and see_box.p.get_text().startswith(HOSTILE)
    assert see_box.select_one("p a")["href"] == "#src-fig"


def test_the_notebook_reader_writes_a_hostile_citation_as_text(monkeypatch: pytest.MonkeyPatch) -> None:
    from pybtex.database import parse_string

    from edition import reader

    bib = parse_string('@misc{k1, title = {"><script>alert(1)</script>}, howpublished = {<img src=x onerror=y>},'
                       ' url = {https://example.org/?q="><script>}, year = {2020}}', "bibtex")
    monkeypatch.setattr(reader, "_bibliography", lambda: bib)
    soup = _no_markup_from_data(reader.citation("k1"))
    assert soup.a["href"] == 'https://example.org/?q="><script>'
    assert soup.a.get_text() == '<img src=x onerror=y>, “"><script>alert(1)</script>,” 2020'
