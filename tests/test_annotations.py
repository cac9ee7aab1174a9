"""The annotation layer: anchors against the seed, coverage, rendering, exports."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

import parsed
from edition import data, essay, exports, verdicts
from test_data import TODAY, edit_csv, problems
from test_html import rendered_paragraphs, soup_of, toc_pages


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return data.load_tables(today=TODAY)


def test_every_anchor_occurs_exactly_once_with_its_prefix_and_suffix(tables) -> None:
    parsed = essay.load()
    for name in ("annotations", "claims"):
        for row in tables[name].itertuples():
            text = parsed.paragraph(row.paragraph).text
            assert text.count(row.exact) == 1, (name, row.exact)
            at = text.index(row.exact)
            assert text[:at].endswith(row.prefix if isinstance(row.prefix, str) else "")
            assert text[at + len(row.exact):].startswith(row.suffix if isinstance(row.suffix, str) else "")


def test_coverage_every_paragraph_annotated_all_kinds_used(tables) -> None:
    notes, claims = tables["annotations"], tables["claims"]
    assert len(notes) >= 70
    assert set(notes["paragraph"]) == set(range(1, 15))
    assert set(notes["kind"]) == {"source", "context", "caveat", "update"}
    assert set(claims["paragraph"]) == set(range(1, 15))
    assert set(claims["claim_type"]) == {"fact", "judgment", "premise", "forecast", "conditional", "prescription"}
    # every claim is explained by at least one note
    assert set(claims["claim_id"]) <= set(notes["claim_id"].dropna())


def test_updates_are_dated_after_the_essay(tables) -> None:
    updates = tables["annotations"][tables["annotations"]["kind"] == "update"]
    assert len(updates) >= 10
    assert (updates["event_date"] > pd.Timestamp(data.ESSAY_DATE)).all()


def test_the_editors_catches_are_annotated(tables) -> None:
    notes = tables["annotations"]
    text = " ".join(notes["note"])
    assert "Su-35" in " ".join(notes[notes["paragraph"] == 12]["note"])  # ¶12 names the Su-34
    assert re.search(r"1722", " ".join(notes[notes["paragraph"] == 2]["note"]))  # "almost two centuries"
    assert "2016" in " ".join(notes[notes["paragraph"] == 5]["note"])  # S-300 delivered after all
    assert "Assad" in " ".join(notes[notes["paragraph"] == 4]["note"])  # whose request in 2015
    assert "snapback" in text.lower()


@pytest.fixture()
def data_copy(tmp_path: Path, root: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(root / "data", target)
    return target


def test_an_anchor_that_occurs_twice_is_rejected_naming_paragraph_and_phrase(data_copy: Path, root: Path) -> None:
    edit_csv(data_copy, "annotations", lambda f: f.__setitem__(
        "exact", f["exact"].where(f["annotation_id"] != "A06-1", "Russia")))
    edit_csv(data_copy, "annotations", lambda f: f.__setitem__(
        "prefix", f["prefix"].where(f["annotation_id"] != "A06-1", "")))
    message = problems(data_copy, data.text_sources(root))
    assert re.search(r"annotations\.csv, row \d+, field 'exact', value 'Russia': occurs \d+ times in ¶6", message)


def test_an_anchor_not_in_the_essay_is_rejected(data_copy: Path, root: Path) -> None:
    edit_csv(data_copy, "claims", lambda f: f.__setitem__(
        "exact", f["exact"].where(f["claim_id"] != "C02a", "an alliance forged in 1990")))
    message = problems(data_copy, data.text_sources(root))
    assert "field 'exact', value 'an alliance forged in 1990': occurs 0 times in ¶2" in message


def test_a_wrong_prefix_and_an_undated_update_are_rejected(data_copy: Path, root: Path) -> None:
    def change(f: pd.DataFrame) -> None:
        first = f.index[f["kind"] == "update"][0]
        f.loc[first, "event_date"] = ""
        f.loc[f.index[0], "prefix"] = "not the real prefix"
    edit_csv(data_copy, "annotations", change)
    message = problems(data_copy, data.text_sources(root))
    assert "field 'prefix', value 'not the real prefix': is not the text before the anchor" in message
    assert "an update needs the date of a development after the essay" in message


def test_each_paragraph_shows_its_notes_beside_it_numbered_and_linked(root: Path, built_html: Path, tables) -> None:
    notes = tables["annotations"]
    seen = 0
    for page in toc_pages(root):
        soup = soup_of(built_html, page)
        for number, anchor, _ in rendered_paragraphs(soup):
            box = parsed.by_id(soup).get(anchor)
            expected = notes[notes["paragraph"] == number]
            rendered = box.select(".essay-notes .essay-note")
            assert [n["id"] for n in rendered] == [f"note-{a.lower()}" for a in expected["annotation_id"]]
            for i, note in enumerate(rendered, start=1):
                assert note.select_one(".essay-note-number").get_text() == f"{number}.{i}"
                assert box.select_one(f".essay-text a[href='#{note['id']}']"), note["id"]
                kind = expected.iloc[i - 1]["kind"]
                assert kind.capitalize() in note.select_one(".essay-note-kind").get_text()
            cites = box.select(".essay-notes a[href*='bibliography.html#cite-']")
            assert len(expected) == 0 or cites
            seen += len(rendered)
    assert seen == len(notes)


def test_exports_are_valid_and_match_the_seed(root: Path, built_html: Path, tables) -> None:
    parsed = essay.load()
    collection = exports.web_annotations(tables["annotations"], parsed)
    assert collection["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert collection["type"] == "AnnotationCollection" and collection["total"] == len(tables["annotations"])
    whole = "\n".join(p.text for p in parsed.paragraphs)
    for item in collection["first"]["items"]:
        assert item["type"] == "Annotation" and item["target"]["source"] == parsed.provenance.canonical_url
        sel = item["target"]["selector"]
        assert sel["type"] == "TextQuoteSelector"
        assert whole.count(sel.get("prefix", "") + sel["exact"] + sel.get("suffix", "")) == 1
    reviews = exports.claim_reviews(verdicts.claim_verdicts(tables), parsed)
    assert len(reviews) == len(tables["claims"])
    for review in reviews:
        assert review["@type"] == "ClaimReview" and review["claimReviewed"]
        assert 1 <= review["reviewRating"]["ratingValue"] <= 5
        assert [a["name"] for a in review["itemReviewed"]["author"]] == ["Daniel Byman", "Kenneth M. Pollack"]
        assert review["itemReviewed"]["text"] in whole
    # the built site offers the same files for download, at stable addresses
    downloaded = built_html / exports.DOWNLOADS
    assert json.loads((downloaded / exports.ANNOTATIONS_FILE).read_text(encoding="utf-8")) == collection
    assert json.loads((downloaded / exports.CLAIMS_FILE).read_text(encoding="utf-8")) == reviews


def test_claims_ledger_lists_every_claim_with_its_verdict(built_html: Path, tables) -> None:
    soup = soup_of(built_html, "chapters/claims-ledger")
    rows = soup.select("table.edition-claims-ledger tbody tr")
    assert len(rows) == len(tables["claims"])
    shown = {row.select_one(".claim-status").get_text().split(" (")[0] for row in rows}
    assert shown <= {verdicts.words(v) for v in verdicts.ratings()}
    for page in ["chapters/04-role-reversal", "chapters/06-what-comes-next"]:
        assert soup_of(built_html, page).select("table.edition-claims-ledger tbody tr")


def test_glossary_terms_are_linked_from_the_text(built_html: Path) -> None:
    glossary = soup_of(built_html, "chapters/glossary")
    terms = {dt["id"] for dt in glossary.select("dl.glossary dt[id]")}
    assert len(terms) >= 12
    linked = set()
    for page in built_html.joinpath("chapters").glob("0*.html"):
        soup = parsed.page(page)
        linked |= {a["href"].split("#")[1] for a in soup.select("a[href*='glossary.html#']")}
    assert len(linked & terms) >= 8
