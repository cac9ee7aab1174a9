"""The built HTML: every paragraph where it belongs, figures present, nothing from third parties."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from bs4 import BeautifulSoup

import parsed
from edition import essay
from edition.paths import toc_pages
from edition.sphinxext.plotly_output import FIGURE_CLASS, PLOTLY_JS, bundle_path, figure_html, script_safe_json

LOCAL_SCHEMES = {"", "file", "data", "blob", "mailto"}


def soup_of(built_html: Path, page: str) -> BeautifulSoup:
    return parsed.page(built_html / f"{page}.html")


def rendered_paragraphs(soup: BeautifulSoup) -> list[tuple[int, str, str]]:
    """(number, anchor id, text) of each essay paragraph on a page."""
    found = []
    for box in soup.select("div.essay-paragraph"):
        number = int(box.select_one(".essay-pnum-link").get_text().lstrip("¶"))
        # note markers draw their numbers with CSS, so the paragraph's text is the essay's alone
        found.append((number, box["id"], box.select_one(".essay-text").get_text()))
    return found


def test_every_paragraph_appears_once_in_reading_order_with_its_anchor(root: Path, built_html: Path) -> None:
    parsed = essay.load()
    sequence = []
    for page in toc_pages(root):
        for number, anchor, text in rendered_paragraphs(soup_of(built_html, page)):
            sequence.append(number)
            para = parsed.paragraph(number)
            assert anchor == para.anchor, page
            assert text == para.text, f"{page}: ¶{number} differs from the seed"
    assert sequence == list(range(1, len(parsed.paragraphs) + 1))


def test_each_section_chapter_shows_paragraphs_and_an_executed_cell(root: Path, built_html: Path) -> None:
    section_pages = {f"chapters/{stem}" for stem in essay.paragraph_pages(root / "chapters").values()}
    assert len(section_pages) == 6
    for page in toc_pages(root):
        if page not in section_pages:
            continue
        soup = soup_of(built_html, page)
        assert rendered_paragraphs(soup), f"{page} shows no essay paragraph"
        # an executed cell shows its output in place, or glues a figure into a panel
        assert soup.select("div.cell_output") or soup.select(".edition-figure-panel .edition-plotly"), (
            f"{page} has no executed cell output")
        assert soup.select("div.cell"), f"{page} has no code cell"


def test_paragraph_links_resolve_to_rendered_anchors(built_html: Path) -> None:
    soups = {html_file: parsed.page(html_file) for html_file in built_html.rglob("*.html")}
    for html_file, soup in soups.items():
        for link in soup.select("a[href*='#essay-p']"):
            target, _, anchor = link["href"].partition("#")
            page = (html_file.parent / target).resolve() if target else html_file
            assert parsed.by_id(soups[page]).get(anchor) is not None, f"{html_file}: {link['href']}"


def test_figure_click_links_are_resolved_by_the_build_to_rendered_anchors(built_html: Path) -> None:
    """The timeline's points carry paragraph labels from the notebook; the page carries addresses."""
    import json

    links = 0

    def has_id(page: Path, anchor: str) -> bool:
        return anchor in parsed.by_id(parsed.page(page))  # each target page parsed and indexed once

    for html_file in figure_pages(built_html):
        soup = parsed.page(html_file)
        for script in soup.select(f"script.{FIGURE_CLASS}-spec"):
            for trace in json.loads(script.string)["data"]:
                index = (trace.get("meta") or {}).get("clickLink") if isinstance(trace.get("meta"), dict) else None
                for row in trace.get("customdata") or [] if index is not None else []:
                    if not row[index]:
                        continue
                    links += 1
                    target, _, anchor = row[index].partition("#")
                    assert anchor.startswith("essay-p"), f"{html_file}: click link {row[index]!r} is not an address"
                    page = (html_file.parent / target).resolve() if target else html_file
                    assert has_id(page, anchor), row[index]
    assert links >= 50


def figure_pages(built_html: Path) -> list[Path]:
    return [p for p in built_html.rglob("*.html") if FIGURE_CLASS in p.read_text(encoding="utf-8")]


def test_figures_are_present_and_load_plotly_from_the_books_static_files(built_html: Path) -> None:
    pages = figure_pages(built_html)
    assert pages, "no page carries a Plotly figure"
    for page in pages:
        soup = parsed.page(page)
        figures = soup.select(f"div.{FIGURE_CLASS}")
        assert figures and all(f.select_one(f"script.{FIGURE_CLASS}-spec") for f in figures)
        for spec in soup.select(f"script.{FIGURE_CLASS}-spec"):  # keys sorted, as figure_html writes them
            assert script_safe_json(json.loads(spec.string)) == spec.string, f"{page}: a figure's spec is not in sorted order"
        # plotly.js is no <script> of the page: figures.js fetches it from _static when a figure nears view
        assert not soup.find("script", src=re.compile("plotly")), f"{page}: plotly.js parsed with the page"
        loaders = soup.find_all("script", src=re.compile(r"_static/edition/figures\.js"))
        assert len(loaders) == 1 and loaders[0].has_attr("defer"), f"{page}: figures.js not loaded once, deferred"
        static = urlparse(loaders[0]["src"]).path.rsplit("edition/figures.js", 1)[0]
        src = urlparse(loaders[0]["data-plotly"])
        assert src.scheme == "" and src.path == PLOTLY_JS
        assert (page.parent / static / src.path).resolve() == (built_html / "_static" / PLOTLY_JS).resolve()
        assert (page.parent / static / src.path).resolve().is_file()
        for inline in soup.find_all("script", src=False):
            body = inline.get_text()
            assert "plotly.js v" not in body and len(body) < 200_000, f"{page}: plotly.js embedded inline"
        assert not soup.find("script", src=re.compile("require|mathjax", re.I)), f"{page}: require.js/MathJax pulled in"


def test_a_figures_placeholder_is_the_same_whether_its_spec_was_just_run_or_read_from_the_cache() -> None:
    """A kernel writes a figure's keys in its own order and the execution cache keeps them sorted:
    the page must not change with where its outputs came from (nor a PDF be printed again for it)."""
    fresh = {"layout": {"title": {"text": "t"}, "geo": {"scope": "world"}}, "data": [{"y": [1], "type": "bar"}]}
    cached = {"data": [{"type": "bar", "y": [1]}], "layout": {"geo": {"scope": "world"}, "title": {"text": "t"}}}
    assert figure_html(fresh) == figure_html(cached)
    assert json.loads(script_safe_json(fresh)) == fresh


def test_the_served_plotly_js_is_the_vendored_bundle_and_nothing_else(built_html: Path) -> None:
    served = built_html / "_static" / PLOTLY_JS
    assert served.read_bytes() == bundle_path().read_bytes()
    # the full plotly.min.js of the Python package is not shipped beside it
    assert not [p for p in built_html.rglob("*.js") if "plotly" in p.name and p != served]


def test_pages_without_figures_do_not_load_plotly(built_html: Path) -> None:
    with_figures = set(figure_pages(built_html))
    for page in built_html.rglob("*.html"):
        if page not in with_figures:
            soup = parsed.page(page)
            assert not soup.find("script", src=re.compile("plotly")), page


def _external(url: str) -> bool:
    parsed = urlparse(url.strip())
    return parsed.scheme not in LOCAL_SCHEMES or url.strip().startswith("//")


def test_no_page_loads_anything_from_a_third_party_host(built_html: Path) -> None:
    offenders = []
    for page in built_html.rglob("*.html"):
        soup = parsed.page(page)
        for tag, attr in (("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src"),
                          ("source", "src"), ("video", "src"), ("audio", "src"), ("object", "data")):
            for element in soup.find_all(tag):
                value = element.get(attr)
                if tag == "link" and not set(element.get("rel", [])) & {"stylesheet", "preload", "icon", "modulepreload", "prefetch", "manifest"}:
                    continue
                if value and _external(value):
                    offenders.append(f"{page.relative_to(built_html)}: <{tag} {attr}={value}>")
        for style in soup.find_all("style"):
            offenders += [f"{page}: style url {u}" for u in re.findall(r"url\(['\"]?([^)'\"]+)", style.get_text()) if _external(u)]
    for css in built_html.rglob("*.css"):
        text = css.read_text(encoding="utf-8", errors="replace")
        offenders += [f"{css.relative_to(built_html)}: {u}" for u in re.findall(r"url\(['\"]?([^)'\"]+)", text) if _external(u)]
        offenders += [f"{css.relative_to(built_html)}: @import {u}" for u in re.findall(r"@import\s+['\"]([^'\"]+)", text) if _external(u)]
    assert not offenders, "\n".join(offenders)


def test_every_figure_panel_has_caption_tabs_data_sources_and_summary(built_html: Path) -> None:
    panels = []
    for page in built_html.rglob("*.html"):
        soup = parsed.page(page)
        for panel in soup.select("div.edition-figure-panel"):
            panels.append(panel["id"])
            labels = [label.get_text(strip=True) for label in panel.select(".sd-tab-label")]
            assert labels == ["Chart", "Data", "Sources"], (page, labels)
            caption = panel.select_one("figcaption")
            assert caption and re.match(r"Fig\. \d+", caption.get_text(strip=True)), panel["id"]
            contents = panel.select(".sd-tab-content")
            assert contents[0].select_one(".edition-plotly"), panel["id"]
            assert contents[1].select_one("table tbody tr"), panel["id"]
            # its sources, or (sharing an earlier figure's sources) a link to that figure's list
            assert contents[2].select("a[href*='bibliography.html#cite-']") or soup.find(
                id=contents[2].select_one(".edition-sources > p > a[href^='#src']")["href"][1:]), panel["id"]
            summary = panel.select_one(".edition-figure-summary").get_text(" ", strip=True)
            assert len(summary) > 80, panel["id"]
    assert {"panel-arms-flow-map", "panel-alliance-timeline", "panel-reversal-bars", "panel-drone-path"} <= set(panels)


def test_icons_load_once_as_fonts_and_search_scripts_load_only_on_the_search_page(built_html: Path) -> None:
    """No page loads the theme's fontawesome.js (its icon fonts draw the icons); no page blocks on search scripts."""
    assert not (built_html / "_static" / "scripts" / "fontawesome.js").exists()
    css = (built_html / "_static" / "styles" / "pydata-sphinx-theme.css").read_text(encoding="utf-8")
    fonts = re.findall(r"url\(([^)]*fa-[a-z]+-\d+\.woff2)\)", css)
    assert len(fonts) >= 2, "the theme's style sheet no longer names the icon fonts"
    for font in fonts:
        assert (built_html / "_static" / "styles" / font.strip("'\"")).resolve().is_file(), font
    for page in built_html.rglob("*.html"):
        if page.relative_to(built_html).parts[0] == "_static":
            continue  # the theme's template fragments, not pages
        text = page.read_text(encoding="utf-8")
        soup = BeautifulSoup(text, "html.parser")
        sources = [s["src"] for s in soup.find_all("script", src=True)]
        assert not [s for s in sources if "fontawesome" in s], page
        search = soup.find_all("script", src=re.compile(r"(searchtools|language_data|searchindex)\.js"))
        # search as you type is off: only the search page runs a search, other pages just send the query there
        assert "DOCUMENTATION_OPTIONS.search_as_you_type = false;" in text, page
        assert len(search) == (3 if page.name == "search.html" else 0), page
    # the icons the header shows are font glyphs the style sheet defines
    header = soup_of(built_html, "index").select("i[class*='fa-']")
    assert header, "no icon in the page header"
    for icon in header:
        name = next(c for c in icon["class"] if c.startswith("fa-") and c not in ("fa-brands", "fa-solid", "fa-regular"))
        assert f".{name}:before" in css or f".{name}::before" in css, name
