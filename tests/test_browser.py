"""Headless Chromium opens every page from a local server: figures drawn, no errors, no third parties."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import page_views
from page_views import visit, wait_for_figures  # noqa: F401 - the other browser tests import them from here
from test_html import toc_pages

pytestmark = pytest.mark.browser
# Cumulative layout shift from navigation start, summed as Chromium defines it (the same
# CLS_OF_PAGE `make bench` reports); the limit for every page, width and theme.
LAYOUT_SHIFT_LIMIT = 0.05


@pytest.mark.views
@pytest.mark.parametrize("width, dark", list(page_views.VIEWS), ids=page_views.VIEW_IDS)
def test_every_page_draws_its_figures_without_errors_or_third_party_requests(browser, served_book, root: Path,
                                                                             width: int, dark: bool) -> None:
    """Each page of each view: no console error, no request to another host; at the desktop width in
    the light theme, every figure drawn as SVG and every map with its basemap's land."""
    views = page_views.view(browser, served_book, root, width, dark)
    drew_any_map = False
    for name, found in views.items():
        found.need()
        assert not found.errors, f"{found.where}: console errors: {found.errors}"
        assert not found.foreign, f"{found.where}: requests to third parties: {found.foreign}"
        if found.drawing is None:
            continue
        figures = (root / "_build" / "html" / f"{name}.html").read_text(encoding="utf-8").count('class="edition-plotly"')
        assert len(found.drawing) == figures, f"{found.where}: {len(found.drawing)} of {figures} figures found"
        for i, figure in enumerate(found.drawing):
            assert figure["svgs"] > 0, f"{found.where}: figure {i + 1} has no SVG"
            for land in figure["maps"]:
                # the basemap is drawn: land and country outlines have path data
                assert land >= 0, f"{found.where}: map in figure {i + 1} has no land layer"
                assert land > 100, f"{found.where}: map in figure {i + 1} land is empty"
                drew_any_map = True
    if (width, dark) == page_views.DRAWING_VIEW:
        assert drew_any_map, "no page drew a map with its basemap"


@pytest.mark.views
@pytest.mark.parametrize("width, label", [(1440, "desktop"), (390, "phone")])
@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_screenshots_of_chapter_pages(browser, served_book, root: Path, width: int, label: str, dark: bool) -> None:
    """Each page's screenshot, with its layout shift (figures drawn + 200 ms or later) and theme: the
    first screen, or under `make screenshots` the whole page, taken once the shift and theme are read.

    One visit per page and view, shared with the reading tests (page_views.py).
    """
    views = page_views.view(browser, served_book, root, width, dark)
    for name in toc_pages(root):
        found = views[name]
        found.need()
        # layout shift from navigation to figures drawn, before the full-page screenshot resizes anything
        shift = found.shift
        assert shift <= LAYOUT_SHIFT_LIMIT, f"{name} at {width} px, {'dark' if dark else 'light'}: layout shift {shift:.3f}"
        theme = found.theme
        assert theme == ("dark" if dark else "light"), f"{name}: theme is {theme}"
        found.need("screenshot")
        target = found.screenshot
        assert target.name == f"{name.replace('/', '__')}-{label}-{'dark' if dark else 'light'}.png"
        assert target.stat().st_size > 10_000, f"{found.where}: screenshot {target} is {target.stat().st_size} bytes"


def test_clicking_a_timeline_event_opens_its_paragraph(browser, served_book) -> None:
    page, errors, _ = visit(browser, f"{served_book}/chapters/02-tehrans-calculus.html", width=1280, height=1000)
    wait_for_figures(page)
    href = page.evaluate(
        """() => {
            const gd = document.querySelector('#panel-alliance-timeline .js-plotly-plot');
            const trace = gd._fullData.find(t => t.meta && t.meta.clickLink !== undefined);
            const i = trace.customdata.findIndex(c => c[0]);
            gd.emit('plotly_click', {points: [{data: trace, customdata: trace.customdata[i]}]});
            return trace.customdata[i][0];
        }"""
    )
    # the link is an address on another page or, for this chapter's own paragraphs, a bare fragment
    page.wait_for_url(re.compile(re.escape(href) + "$"))
    assert page.locator(f"#{href.split('#')[1]}").is_visible()
    assert not errors
    page.close()


def test_searching_from_a_chapter_page_finds_the_chapter(browser, served_book) -> None:
    """The search dialog works without the search scripts on the page: the query goes to search.html."""
    page, errors, foreign = visit(browser, f"{served_book}/chapters/03-moscows-calculus.html", width=1280)
    page.keyboard.press("Control+k")
    field = page.locator("#pst-search-dialog input[name=q]")
    field.wait_for(state="visible")
    field.fill("Shahed")
    field.press("Enter")
    page.wait_for_url("**/search.html?q=Shahed*")
    results = page.locator("#search-results ul.search li a")
    results.first.wait_for(timeout=20_000)
    assert results.count() >= 2
    assert any("role-reversal" in (results.nth(i).get_attribute("href") or "") for i in range(results.count()))
    assert not errors and not foreign
    page.close()


def test_bibliography_entries_read_as_numbered_and_print_their_addresses(browser, served_book) -> None:
    """The compact markup of the bibliography (labels, links) reads and prints as before."""
    page, errors, _ = visit(browser, f"{served_book}/chapters/bibliography.html", width=1280)
    labels = page.locator(".citation > .label")
    assert labels.count() > 100
    assert [labels.nth(i).inner_text() for i in range(3)] == ["[1]", "[2]", "[3]"]
    link = page.locator(".citation a[href^='http']").first
    href = link.get_attribute("href")
    page.emulate_media(media="print")
    printed = page.evaluate("a => getComputedStyle(a, '::after').content", link.element_handle())
    assert href in printed, printed
    assert not errors
    page.close()
