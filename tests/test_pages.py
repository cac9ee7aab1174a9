"""The built pages as a reader and a link preview see them: the home page, every page's
description and share metadata, and notes that link to their markers and back."""

from __future__ import annotations

from pathlib import Path

import parsed
from edition import data
from edition.paths import toc_pages
from edition.sphinxext.essay_text import claim_verdicts
from test_html import soup_of


def all_html(built_html: Path) -> list[Path]:
    return sorted(p for p in built_html.rglob("*.html") if "_static" not in p.parts and "_sources" not in p.parts)


def test_every_page_has_a_description_and_share_metadata(built_html: Path) -> None:
    descriptions = {}
    for page in all_html(built_html):
        soup = parsed.page(page)
        where = page.relative_to(built_html)
        meta = {m.get("name") or m.get("property"): m.get("content") for m in soup.find_all("meta")}
        description = meta.get("description") or ""
        assert 50 <= len(description) <= 170, f"{where}: description {description!r}"
        assert "{" not in description and "`" not in description, f"{where}: markup in the description"
        for key in ("og:title", "og:description", "og:type", "og:url", "og:site_name"):
            assert meta.get(key), f"{where}: no {key}"
        assert meta["og:url"].endswith("/" + str(where)), f"{where}: og:url {meta['og:url']}"
        assert "Project name not set" not in meta["og:site_name"] + meta["og:title"]
        descriptions[str(where)] = description
    chapters = [d for w, d in descriptions.items() if w.startswith("chapters/")]
    assert len(set(chapters)) == len(chapters), "two chapters share a description"


def test_the_home_page_is_for_readers(root: Path, built_html: Path) -> None:
    soup = soup_of(built_html, "index")
    main = soup.select_one("article.bd-article")
    text = main.get_text(" ", strip=True)
    links = {a["href"].split("#")[0] for a in main.select("a[href]")}
    # the full contents, Epilogue and apparatus included
    for page in toc_pages(root)[1:]:
        assert f"{page}.html" in links, f"the home page does not link to {page}"
    assert "Epilogue" in text
    # a way to start, and ways in through the map and the scorecard
    start = main.select_one(".edition-start a")
    assert start is not None and start["href"] == f"{toc_pages(root)[1]}.html"
    assert "chapters/04-role-reversal.html" in links and "chapters/07-epilogue.html" in links
    thesis = main.select_one(".edition-thesis").get_text(" ", strip=True)
    assert 200 < len(thesis) < 800 and "Russia" in thesis and "Iran" in thesis
    # build settings belong to the README
    for setting in ("edition_essay_mode", "_config.yml", "make book", "excerpt mode"):
        assert setting not in text, f"the home page shows the build setting {setting!r}"


def test_markers_and_notes_link_both_ways_and_notes_show_verdicts(root: Path, built_html: Path) -> None:
    verdicts = claim_verdicts()
    claim_of = data.load_tables()["annotations"].set_index("annotation_id")["claim_id"]
    checked = 0
    for page in toc_pages(root):
        soup = soup_of(built_html, page)
        for note in soup.select(".essay-note"):
            key = note["id"].removeprefix("note-")
            marker = parsed.by_id(soup).get(f"ref-{key}")
            assert marker is not None and marker["href"] == f"#note-{key}", f"{page}: no marker for {key}"
            assert marker.get_text() == "" and marker["data-note"] == note.select_one(".essay-note-number").get_text()
            assert "Note " + marker["data-note"] in marker["aria-label"]
            back = note.select_one("a.essay-note-number")
            assert back["href"] == f"#ref-{key}", f"{page}: note {key} does not link back"
            claim = marker.find_parent(class_="essay-text").select_one(f".anno-for-{key}")
            assert claim is not None, f"{page}: {key} marks no words"
            label = note.select_one(".essay-note-verdict")
            verdict = verdicts.get(claim_of[key.upper()])
            if verdict:
                shown = label.get_text(" ", strip=True).removeprefix("verdict on the claim:").strip()
                assert shown == verdict.replace("-", " "), f"{page}: {key} shows {shown!r}, the claim is {verdict}"
            else:
                assert label is None, f"{page}: {key} shows a verdict its claim does not have"
            checked += 1
    assert checked > 100
