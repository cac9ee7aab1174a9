"""The figures and reader tables as a reader meets them in Chromium: the map's controls by keyboard
and their one shared state, no scroll capture, one arc per route and period, labels apart, nothing
overlapping or overflowing on a phone, readable contrast in both themes, the ledger's filters."""

from __future__ import annotations

import json

import pytest

from edition import data, figures
from edition.paths import toc_pages
import page_views
import parsed
from test_browser import visit, wait_for_figures

pytestmark = pytest.mark.browser
MAP_PAGE = "chapters/04-role-reversal"
MAP = "#panel-arms-flow-map .edition-plotly"
FIGURE_PAGES = ["chapters/01-shifting-middle-east", "chapters/02-tehrans-calculus", MAP_PAGE,
                "chapters/06-what-comes-next", "chapters/07-epilogue"]
TABLE_PAGES = ["chapters/claims-ledger", "chapters/data-and-sources"]


@pytest.fixture(scope="module")
def rows():
    tables = data.load_tables()
    return figures.flow_rows(tables["transfers"], tables["places"])


def drawn_arcs(page) -> dict[str, float]:
    """The arcs the map draws now: their name and line width."""
    return page.evaluate(
        """sel => {
            const gd = document.querySelector(sel + ' .js-plotly-plot');
            return Object.fromEntries(gd._fullData.filter(t => t.visible === true && t.meta && t.meta.arc !== undefined)
                                      .map(t => [t.name, t.line.width]));
        }""",
        MAP,
    )


def expected_arcs(rows, year: int | None, known_only: bool, kind: str = "") -> dict[str, float]:
    """What the map should draw for a state, computed here from the transfers table."""
    chosen = rows
    if year is not None:
        chosen = chosen[(chosen["start_year"] <= year) & (chosen["end_year"] >= year)]
    if known_only:
        chosen = chosen[~chosen["public_after_essay"].fillna(False).astype(bool)]
    if kind:
        chosen = chosen[chosen["category"] == kind]
    names = figures.actor_names(data.load_tables()["places"])
    out = {}
    for (s, r, period), group in chosen.groupby(["supplier", "recipient", "period"]):
        out[f"{names[s]} to {names[r]}, {figures.PERIODS[period]}"] = figures.arc_width(len(group))
    return out


def open_map(browser, served_book, width: int = 1280, dark: bool = False):
    page, errors, foreign = visit(browser, f"{served_book}/{MAP_PAGE}.html", width=width, height=900, dark=dark)
    wait_for_figures(page)
    page.locator(MAP).scroll_into_view_if_needed()
    return page, errors, foreign


def test_map_controls_work_by_keyboard_and_share_one_state(browser, served_book, rows) -> None:
    page, errors, foreign = open_map(browser, served_book)
    holder = page.locator(MAP)
    latest, known = holder.locator("input[value=latest]"), holder.locator("input[value=known]")
    year = holder.locator("input[type=range]")
    assert drawn_arcs(page) == expected_arcs(rows, None, False)
    # Tab walks the controls in order, and nothing inside the plot takes focus (no toolbar)
    latest.focus()
    order = []
    for _ in range(5):
        page.keyboard.press("Tab")
        order.append(page.evaluate("document.activeElement.closest('.edition-plotly') ? "
                                   "(document.activeElement.type || document.activeElement.tagName) : 'outside'"))
    assert order[:3] == ["range", "button", "select-one"], order
    assert holder.locator(".modebar").count() == 0

    def press_known() -> None:
        latest.focus() if latest.is_checked() else known.focus()
        page.keyboard.press("ArrowRight")

    def press_latest() -> None:
        known.focus()
        page.keyboard.press("ArrowLeft")

    # the sequence that once left the slider at 2022 with everything drawn
    press_known()
    assert known.is_checked() and drawn_arcs(page) == expected_arcs(rows, None, True)
    press_latest()
    assert latest.is_checked() and drawn_arcs(page) == expected_arcs(rows, None, False)
    year.focus()
    page.keyboard.press("Home")
    first = int(year.get_attribute("min")) + 1
    for _ in range(2022 - first + 1):
        page.keyboard.press("ArrowRight")
    assert year.get_attribute("aria-valuetext") == "2022"
    assert drawn_arcs(page) == expected_arcs(rows, 2022, False)
    press_known()
    assert drawn_arcs(page) == expected_arcs(rows, 2022, True)
    press_latest()
    assert year.get_attribute("aria-valuetext") == "2022" and holder.locator("output").text_content() == "2022"
    assert latest.is_checked()
    assert drawn_arcs(page) == expected_arcs(rows, 2022, False) != expected_arcs(rows, None, False)
    assert "under way in 2022" in holder.locator(".flow-status").text_content()
    # the kind filter joins the same state
    holder.locator("select").focus()
    holder.locator("select").select_option("uav")
    assert drawn_arcs(page) == expected_arcs(rows, 2022, False, "uav")
    # play steps through the years from the first; pressing it again pauses
    holder.locator(".flow-play").focus()
    page.keyboard.press("Enter")
    page.wait_for_timeout(1200)
    playing_year = year.get_attribute("aria-valuetext")
    page.keyboard.press("Enter")
    assert holder.locator(".flow-play").get_attribute("aria-pressed") == "false"
    assert playing_year.isdigit() and int(playing_year) > first
    # End and Home: the last year, then all years again
    year.focus()
    page.keyboard.press("Home")
    assert year.get_attribute("aria-valuetext") == "All years"
    assert drawn_arcs(page) == expected_arcs(rows, None, False, "uav")
    assert not errors and not foreign
    page.close()


def test_map_lists_the_transfers_of_an_arc_in_sentences(browser, served_book) -> None:
    page, errors, _ = open_map(browser, served_book)
    holder = page.locator(MAP)
    holder.locator("button", has_text="List these transfers").click()
    detail = holder.locator(".flow-detail")
    assert detail.is_visible()
    items = detail.locator("li")
    assert items.count() == len(page.evaluate(
        "sel => document.querySelector(sel + ' .js-plotly-plot').layout.meta.transfers", MAP))
    text = items.first.text_content()
    assert "Sources:" in text and "Evidence:" in text
    # clicking an arc lists just that arc's transfers
    page.evaluate(
        """sel => {
            const gd = document.querySelector(sel + ' .js-plotly-plot');
            const trace = gd._fullData.find(t => t.meta && t.meta.arc === 0);
            gd.emit('plotly_click', {points: [{data: trace}]});
        }""",
        MAP,
    )
    assert detail.locator("h4").count() == 1
    assert not errors
    page.close()


def test_map_wheel_scrolls_the_page_and_a_drag_does_not_pan(browser, served_book) -> None:
    page, errors, _ = open_map(browser, served_book)
    page.evaluate("window.scrollBy(0, -200)")
    box = page.locator(MAP + " .geo .bg rect, " + MAP + " .nsewdrag").first.bounding_box()
    view = "sel => { const g = document.querySelector(sel + ' .js-plotly-plot')._fullLayout.geo; " \
           "return [g._subplot.projection.scale(), ...g._subplot.projection.rotate(), window.scrollY]; }"
    before = page.evaluate(view, MAP)
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, 300)
    page.wait_for_timeout(400)
    after = page.evaluate(view, MAP)
    assert after[:-1] == before[:-1], "the wheel zoomed the map"
    assert after[-1] > before[-1], "the wheel did not scroll the page"
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 3)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 4, box["y"] + box["height"] / 2, steps=5)
    page.mouse.up()
    assert page.evaluate(view, MAP)[:-1] == before[:-1], "a drag panned the map"
    assert not errors
    page.close()


@pytest.mark.views
def test_map_draws_one_arc_per_route_and_period(browser, served_book, root, rows) -> None:
    """From the shared visit to the map page at 1440 px (page_views.PROBES)."""
    found = page_views.view(browser, served_book, root, 1440, False)[MAP_PAGE]
    found.need("map_arcs")
    names = found.probes["map_arcs"]["names"]
    assert len(names) == len(set(names)) == rows.groupby(["supplier", "recipient", "period"]).ngroups
    # one drawn line per arc: the arcs are not split into one line per transfer
    assert found.probes["map_arcs"]["lines"] == len(names)


def boxes_overlap(a: dict, b: dict, slack: float = 1.0) -> bool:
    return not (a["x"] + a["width"] - slack <= b["x"] or b["x"] + b["width"] - slack <= a["x"]
                or a["y"] + a["height"] - slack <= b["y"] or b["y"] + b["height"] - slack <= a["y"])


@pytest.mark.views
@pytest.mark.parametrize("width", [1440, 390, 320])
def test_map_labels_do_not_overlap(browser, served_book, root, width: int) -> None:
    """The map's place labels, from the shared visit to the map page at this width (page_views.py)."""
    found = page_views.view(browser, served_book, root, width, False)[MAP_PAGE]
    found.need()
    (figure,) = [f for f in found.figure_boxes if f["panel"] == MAP.split()[0].lstrip("#")]
    boxes = dict(figure["labels"])
    assert {"Hezbollah", "Syria", "Iraqi militias", "Hamas", "Russia", "Iran"} <= set(boxes)
    clash = [(a, b) for a in boxes for b in boxes if a < b and boxes_overlap(boxes[a], boxes[b])]
    assert not clash, f"labels overlap at {width} px: {clash}"
    frame = figure["plot"]
    for name, box in boxes.items():
        assert frame["x"] <= box["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"], f"{name} cut off"


@pytest.mark.views
@pytest.mark.parametrize("width", [390, 320])
def test_figure_pages_have_no_overlaps_or_sideways_scroll_on_a_phone(browser, served_book, root, width: int) -> None:
    """Figures drawn: one visit per page, shared with the sideways-scrolling test (page_views.py)."""
    views = page_views.view(browser, served_book, root, width, False)
    for name in FIGURE_PAGES + TABLE_PAGES:
        found = views[name]
        found.need()
        overflow = found.overflow
        assert overflow <= 0, f"{name}: the page scrolls sideways by {overflow} px at {width} px"
        for i, figure in enumerate(found.figure_boxes):
            texts = figure["texts"]
            clash = [(a[0], b[0]) for j, a in enumerate(texts) for b in texts[j + 1:] if boxes_overlap(a[1], b[1], 2)]
            assert not clash, f"{name}, figure {i + 1}: texts overlap at {width} px: {clash[:5]}"
            # HTML controls above or below the plot do not cover it
            plot = figure["plot"]
            for box in figure["controls"]:
                assert not boxes_overlap(box, plot, 2), f"{name}: controls overlap figure {i + 1}"
        assert not found.errors, f"{name}: {found.errors}"


def luminance(rgb: tuple[int, int, int]) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.views
@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_figure_text_and_controls_have_readable_contrast(browser, served_book, root, dark: bool) -> None:
    """Each figure's texts and controls against what lies behind them, at 1440 px (page_views.py)."""
    views = page_views.view(browser, served_book, root, 1440, dark)
    for name in FIGURE_PAGES:
        found = views[name]
        found.need()
        assert found.colours, f"{found.where}: no figure text found"
        poor = [(text, round(contrast(tuple(fg), tuple(bg)), 2)) for text, fg, bg in found.colours
                if fg and bg and contrast(tuple(fg), tuple(bg)) < 4.5]
        assert not poor, f"{found.where}: text below 4.5:1: {poor[:6]}"


@pytest.mark.views
def test_dark_map_draws_lakes_as_water_and_markers_light(browser, served_book, root) -> None:
    """From the shared visit to the map page at 1440 px in the dark theme (page_views.PROBES)."""
    found = page_views.view(browser, served_book, root, 1440, True)[MAP_PAGE]
    found.need("map_colours")
    geo = found.probes["map_colours"]
    land, lake, ocean, marker = geo["land"], geo["lake"], geo["ocean"], geo["marker"]
    assert geo["lakes"] and lake == ocean and land != lake
    assert contrast(tuple(int(marker[i:i + 2], 16) for i in (1, 3, 5)),
                    tuple(int(land[i:i + 2], 16) for i in (1, 3, 5))) >= 3


def test_timeline_opens_on_the_busy_period_and_earlier_eras_are_one_click_away(browser, served_book) -> None:
    page, errors, _ = visit(browser, f"{served_book}/chapters/02-tehrans-calculus.html", width=1280, height=900)
    wait_for_figures(page)
    holder = page.locator("#panel-alliance-timeline .edition-plotly")
    start_year = lambda: int(str(page.evaluate(  # noqa: E731
        "h => h.querySelector('.js-plotly-plot')._fullLayout.xaxis.range[0]", holder.element_handle()))[:4])
    pressed = holder.locator(".era-buttons button[aria-pressed=true]")
    assert pressed.count() == 1 and pressed.text_content().startswith("Since 1989")
    assert start_year() >= 1985
    earlier = holder.locator(".era-buttons button", has_text="Wars and empires")
    earlier.focus()
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    assert start_year() < 1730 and earlier.get_attribute("aria-pressed") == "true"
    assert not errors
    page.close()


@pytest.mark.views
def test_scorecard_chart_rows_show_the_forecasts_words(browser, served_book, root) -> None:
    """From the shared visit to the epilogue at 1440 px (page_views.PROBES)."""
    found = page_views.view(browser, served_book, root, 1440, False)["chapters/07-epilogue"]
    found.need("scorecard_ticks")
    texts = found.probes["scorecard_ticks"]
    scorecard = data.load_tables()["scorecard"]
    assert len(texts) == len(scorecard)
    assert all("“" in t and "¶" in t for t in texts) and not any(t.startswith("F0") or t.startswith("F1") for t in texts)
    assert any(t.startswith("¶11 “This alliance is likely to") for t in texts)


def test_claims_ledger_filters_by_verdict_and_paragraph(browser, served_book) -> None:
    page, errors, _ = visit(browser, f"{served_book}/chapters/claims-ledger.html", width=1280, height=900)
    claims = data.load_tables()["claims"]
    table = page.locator("table.edition-claims-ledger").last
    rows = table.locator("tbody tr")
    cells = page.evaluate(
        """t => { const heads = [...t.querySelectorAll('thead th')].map(h => h.textContent.trim());
                  const v = heads.indexOf('Verdict') >= 0 ? heads.indexOf('Verdict') : heads.indexOf('Status');
                  const p = heads.indexOf('Paragraph');
                  const verdict = c => { const s = c.querySelector('.claim-status');
                      const k = s && [...s.classList].find(x => x.startsWith('claim-') && x !== 'claim-status');
                      return k ? k.slice(6).replace(/-/g, ' ') : c.textContent.trim(); };
                  return [...t.querySelectorAll('tbody tr')].map(r => [verdict(r.children[v]),
                                                                      r.children[p].textContent.trim()]); }""",
        table.element_handle(),
    )
    visible = lambda: [i for i in range(rows.count()) if rows.nth(i).is_visible()]  # noqa: E731
    assert len(visible()) == len(claims) == len(cells)
    verdict = page.locator(".ledger-filter select").nth(0)
    paragraph = page.locator(".ledger-filter select").nth(1)
    chosen = cells[0][0]
    verdict.select_option(chosen)
    assert visible() == [i for i, (v, _) in enumerate(cells) if v == chosen] and 0 < len(visible()) < len(cells)
    paragraph.select_option("¶11")
    assert visible() == [i for i, (v, p) in enumerate(cells) if v == chosen and p == "¶11"]
    verdict.select_option("")
    assert visible() == [i for i, (_, p) in enumerate(cells) if p == "¶11"] and len(visible()) == int(
        (claims["paragraph"] == 11).sum())
    assert "Showing" in page.locator(".ledger-filter-status").text_content()
    assert not errors
    page.close()


@pytest.mark.views
def test_tables_become_cards_on_a_phone(browser, served_book, root) -> None:
    """From the shared visit to the epilogue at 390 px (page_views.PROBES)."""
    found = page_views.view(browser, served_book, root, 390, False)["chapters/07-epilogue"]
    found.need("scorecard_cell")
    cell = found.probes["scorecard_cell"]
    assert cell["display"] == "block"
    assert "The essay's words" in cell["before"]
    assert cell["box"]["x"] >= 0 and cell["box"]["x"] + cell["box"]["width"] <= 390


def test_a_data_tab_card_names_its_cells_and_a_source_number_opens_its_entry(browser, served_book) -> None:
    """On a phone the map's Data tab rows are cards whose cells are named from the header row (the
    page carries no label per cell); a source's number opens the Sources tab at its entry; with
    scripts off the same table is an ordinary table."""
    page, errors, _ = visit(browser, f"{served_book}/{MAP_PAGE}.html", width=390, height=800)
    panel = page.locator("#panel-arms-flow-map")
    panel.locator("label.sd-tab-label", has_text="Data").click()
    row = panel.locator("table.edition-table tbody tr").first
    cells = row.locator("td")
    sources_cell = cells.nth(cells.count() - 1)
    assert page.evaluate("c => getComputedStyle(c).display", sources_cell.element_handle()) == "block"
    assert page.evaluate("c => getComputedStyle(c, '::before').content", sources_cell.element_handle()) == '"Sources: "'
    number = sources_cell.locator("a").first
    target = number.get_attribute("href")[1:]
    entry = page.locator(f"[id='{target}']")
    assert not entry.is_visible()
    number.click()
    entry.wait_for(state="visible")
    box = entry.bounding_box()
    assert 0 <= box["y"] < 800 and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert entry.evaluate("e => e.matches(':target')")
    assert page.url.endswith(f"#{target}") and not errors
    page.close()
    context = browser.new_context(viewport={"width": 390, "height": 800}, java_script_enabled=False)
    plain = context.new_page()
    plain.goto(f"{served_book}/{MAP_PAGE}.html")
    assert plain.evaluate("""() => getComputedStyle(document.querySelector(
        '#panel-arms-flow-map table.edition-table tbody tr')).display""") == "table-row"
    context.close()


DATA_PAGE = "chapters/data-and-sources"
ROW_ON_SCREEN = """id => { const r = document.getElementById(id).closest('tr').getBoundingClientRect();
    return {top: Math.round(r.top), height: Math.round(r.height),
            end: Math.ceil(scrollY + innerHeight) >= document.documentElement.scrollHeight}; }"""


def test_a_link_to_a_row_of_the_data_appendix_lands_on_it_however_far_down(browser, served_book, root,
                                                                          built_html) -> None:
    """The appendix's tables are laid out only as the reader nears them (edition.css): a link to one
    of their rows must still bring the row to the top of the screen and keep it there, on a desktop
    and on a phone. Tried in each table: the row furthest down of those the book links to, the first
    table's opened from another page, the next one's then followed within the page."""
    pages = [built_html / f"{name}.html" for name in toc_pages(root) if name != DATA_PAGE]
    linked = {a["href"].split("#", 1)[1] for path in pages for a in parsed.page(path).select("a[href*='data-and-sources.html#']")}
    appendix = parsed.page(built_html / f"{DATA_PAGE}.html")
    furthest = []
    for table in appendix.select("table.edition-data-table"):
        rows = [tag["id"] for tag in table.find_all(id=True) if tag["id"] in linked]  # in page order
        if rows:
            furthest.append(rows[-1])
    assert len(furthest) >= 2, f"links from the book reach rows of {len(furthest)} of the appendix's tables"
    for width in (1440, 390):
        page, errors, _ = visit(browser, f"{served_book}/{DATA_PAGE}.html#{furthest[0]}", width=width, height=900)
        for i, row in enumerate(furthest):
            if i:
                page.evaluate("id => { location.hash = '#' + id; }", row)
            where = f"#{row} at {width} px ({'from another page' if i == 0 else 'within the page'})"
            first = page.evaluate(ROW_ON_SCREEN, row)
            page.wait_for_timeout(300)
            later = page.evaluate(ROW_ON_SCREEN, row)
            assert first == later, f"{where}: the row moved once it was reached: {first} then {later}"
            assert first["height"] > 0 and 0 <= first["top"] < 900, f"{where}: not on screen: {first}"  # a card may be taller
            assert first["top"] < 150 or first["end"], f"{where}: {first['top']} px down the screen, short of the page's end"
            assert page.evaluate("id => document.getElementById(id).matches(':target')", row), f"{where}: not the target"
        assert not errors, errors
        page.close()


DRAW_AT_TOP_LEFT = """([spec, template]) => {
    const root = document.documentElement.dataset.content_root || './';
    spec = JSON.parse(spec);
    let div = document.getElementById('cmp');
    if (div) { Plotly.purge(div); } else {
        div = document.createElement('div');
        div.id = 'cmp';
        div.style.cssText = 'position:fixed;left:0;top:0;z-index:9999;width:720px;height:520px;background:#fff';
        document.body.appendChild(div);
    }
    const layout = Object.assign({}, spec.layout, {width: 720, height: 520});
    if (template) { layout.template = template; }
    const config = Object.assign({}, spec.config, {responsive: false, staticPlot: true,
                                                   topojsonURL: root + '_static/edition/topojson/'});
    return Plotly.newPlot(div, spec.data, layout, config).then(() => true);
}"""


@pytest.fixture(scope="module")
def drawing_board(browser, served_book):
    """One chapter page of the book, with its styles and fonts and plotly.js fetched as a reader's page
    fetches it, where each figure of every page is drawn afresh at the top left (DRAW_AT_TOP_LEFT):
    the figures are compared with each other, so one page serves them all. Returns (page, its console
    errors so far)."""
    page, errors, _ = visit(browser, f"{served_book}/{MAP_PAGE}.html", width=1280, height=900)
    # plotly.js comes with the first figure a reader scrolls to; the page's own figures need not be drawn
    page.locator(".edition-plotly").first.scroll_into_view_if_needed()
    page.wait_for_function("() => window.Plotly !== undefined", timeout=20_000)
    yield page, errors
    page.close()


@pytest.mark.parametrize("name", FIGURE_PAGES)
def test_each_figure_draws_the_same_with_its_trimmed_template_as_with_plotlys_whole_one(drawing_board, built_html,
                                                                                          name: str) -> None:
    """The page ships each figure with plotly's default template cut to what the figure uses
    (edition.figures.trimmed_template). Drawn in the same place with the whole template instead,
    each figure gives the very same pixels (and, as a check that the comparison can see a
    difference, most draw differently with no template at all)."""
    import plotly.io as pio

    whole = pio.templates["plotly"].to_plotly_json()
    page, errors = drawing_board
    seen_errors = len(errors)
    specs = [script.string for script in parsed.page(built_html / f"{name}.html").select("script.edition-plotly-spec")]
    assert specs, f"{name}: no figure"
    for i, spec in enumerate(specs):
        shipped = json.loads(spec)["layout"]["template"]
        assert set(shipped["data"]) < set(whole["data"]) and set(shipped["layout"]) <= set(whole["layout"])
        shots = {}
        for label, template in (("shipped", None), ("whole", whole), ("none", {"data": {}, "layout": {}})):
            page.evaluate(DRAW_AT_TOP_LEFT, [spec, template])
            page.wait_for_timeout(150)
            shots[label] = page.locator("#cmp").screenshot()
        assert shots["shipped"] == shots["whole"], f"{name}: figure {i + 1} draws differently with the trimmed template"
        if name != "chapters/04-role-reversal" or i:  # the map sets every color itself
            assert shots["none"] != shots["whole"], f"{name}: figure {i + 1}: the comparison saw no template at all"
    assert errors[seen_errors:] == []
