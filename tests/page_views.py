"""One visit per page, width and theme, shared by the browser tests that look at the same view.

Most browser tests look at every page as it loads, at one width and theme, and only read what it
shows: the layout shift and theme (tests/test_browser.py), the essay's text, the shift while loading
and axe-core's rules (tests/test_reading.py), sideways scrolling, each figure's texts and controls
on a phone, the map's place labels at each width, the figures' contrast and what a test reads of one
page only, beside the measures (PROBES: the map's arcs and dark colours, the scorecard's labels and
its cards on a phone) (tests/test_figures_browser.py), the Content-Security-Policy
(tests/test_csp.py), the figures drawn with their basemap, no console error and no request to
another host. Each page is opened once per view, all at 900 px high, and the visit measures what the
view's tests need, in this order: text on load; figures drawn; axe-core and a screenshot; then, no
sooner than 200 ms after the figures were drawn: shift, theme, figures' drawing, contrast, page
width, figure boxes and the page's probes; no sooner than +700 ms (the views that measure it): every
shift summed; the policy's violations last. Each test asserts on what the visits measured, page by
page. What is kept is this run's, in this process's memory only (the views' tests run in one worker,
conftest.py): nothing carries over from one run to the next.

A screenshot is of the window (the reader's first screen) unless EDITION_FULL_SCREENSHOTS is set,
as `make screenshots` sets it: a full-page screenshot of a long page resizes the window to the whole
page and draws it again, which costs more than all the rest of a visit and tests nothing more.

A step that fails (a page that does not load, a figure never drawn, axe-core stopping) is kept as
that page's failure and fails every test that needs the step, naming the page, width and theme.
"""

from __future__ import annotations

import os
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from edition.bench import CLS_OBSERVER, CLS_OF_PAGE
from edition.paths import ROOT, toc_pages

SCREENSHOTS = ROOT / "_build" / "screenshots"
AXE = ROOT / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"
HEIGHT = 900
FULL_SCREENSHOTS = "EDITION_FULL_SCREENSHOTS"  # set: full-page screenshots (make screenshots)
SETTLE_S = 0.7  # the shifts are summed no sooner than this after the figures are drawn ("settled")
# The views (width, dark), the pages each visits beyond the table of contents', and what each
# measures beyond what every visit reads (figures drawn, shift, theme, errors, foreign requests,
# policy violations, dialogs, a screenshot of each table-of-contents page):
#   text      the essay's paragraphs as rendered, on load
#   settled   every shift summed, figures drawn + 700 ms or later (after axe and the screenshot)
#   axe       axe-core's serious and critical violations
#   drawing   each figure's SVG and the map's land layer
#   contrast  each figure's texts and controls with their colours
#   phone     sideways scrolling and the page's width
#   boxes     each figure's text, map label and control boxes
VIEWS = {
    (1440, False): (["search", "genindex"], {"text", "settled", "axe", "drawing", "contrast", "boxes"}),
    (1440, True): (["search", "genindex"], {"axe", "contrast"}),
    (390, False): (["search", "genindex"], {"settled", "phone", "boxes"}),
    (390, True): ([], set()),
    (320, False): (["search", "genindex"], {"phone", "boxes"}),
}
DRAWING_VIEW = (1440, False)
# What a view reads of one page only, beside its measures, at the same moment (figures drawn + 200 ms
# or later): name -> a function of no arguments run in the page. Tests that only read one page as it
# loads read these rather than opening the page again.
MAP_FIGURE = "#panel-arms-flow-map .edition-plotly .js-plotly-plot"
PROBES = {
    (1440, False): {
        "chapters/04-role-reversal": {
            # each arc's name (one trace per arc), and the lines the map draws for them
            "map_arcs": f"""() => {{ const gd = document.querySelector('{MAP_FIGURE}');
                return {{names: gd._fullData.filter(t => t.meta && t.meta.arc !== undefined).map(t => t.name),
                         lines: gd.querySelectorAll('.scattergeo path.js-line').length}}; }}""",
        },
        "chapters/07-epilogue": {
            "scorecard_ticks": "() => [...document.querySelectorAll('#panel-scorecard .ytick text')].map(t => t.textContent)",
        },
    },
    (1440, True): {
        "chapters/04-role-reversal": {
            # the basemap's land, lake and ocean colours, whether lakes are drawn, the places' marker colour
            "map_colours": f"""() => {{ const gd = document.querySelector('{MAP_FIGURE}'), g = gd._fullLayout.geo;
                return {{land: g.landcolor, lake: g.lakecolor, ocean: g.oceancolor, lakes: g.showlakes,
                         marker: gd._fullData.find(t => t.meta && t.meta.actors).marker.color}}; }}""",
        },
    },
    (390, False): {
        "chapters/07-epilogue": {
            # the scorecard table's first row, second cell: shown as a card's line on a phone
            "scorecard_cell": """() => { const c = document.querySelector('table.edition-scorecard tbody tr')
                                             .querySelectorAll('td')[1];
                return {display: getComputedStyle(c).display, before: getComputedStyle(c, '::before').content,
                        box: c.getBoundingClientRect().toJSON()}; }""",
        },
    },
}
VIEW_IDS = [f"{width}-{'dark' if dark else 'light'}" for width, dark in VIEWS]  # test ids, one per view

THEME_INIT = "localStorage.setItem('theme', 'dark'); localStorage.setItem('mode', 'dark');"
# every shift without recent input, summed (the reading tests' measure; CLS_OBSERVER keeps the entries
# for the session-window measure `make bench` reports)
CLS_SUM = """
window.__cls = 0;
new PerformanceObserver(list => {
  for (const e of list.getEntries()) { if (!e.hadRecentInput) { window.__cls += e.value; } }
}).observe({type: 'layout-shift', buffered: true});
"""
# the Content-Security-Policy's violations, as the page reports them
POLICY_WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e =>
  window.__violations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sample || '')));
"""
ESSAY_TEXT = ("els => els.map(e => [e.id, e.querySelector('.essay-text').textContent,"
              " e.querySelector('.essay-text').innerText])")
SIDEWAYS = """() => {
    const w = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll('.bd-article *')].filter(e => {
        const r = e.getBoundingClientRect();
        if (r.width === 0 || r.right <= w + 1) return false;
        for (let p = e.parentElement; p; p = p.parentElement) {
            const o = getComputedStyle(p).overflowX;
            if (o === 'auto' || o === 'scroll' || o === 'hidden') return false;
        }
        return true;
    }).slice(0, 3).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));
    return {scroll: document.documentElement.scrollWidth, width: w, wide};
}"""
# each figure's visible SVG text (ticks, legend, annotations, labels; hover layer excluded), its map's
# place labels (every one, hidden or not), its plot's box and the boxes of the HTML controls above or
# below it
FIGURE_BOXES = """() => [...document.querySelectorAll('.edition-plotly')].map(h => ({
    panel: (h.closest('[id^="panel-"]') || {}).id || null,
    labels: [...h.querySelectorAll('.scattergeo text')]
      .map(t => { const r = t.getBoundingClientRect();
                  return [t.textContent, {x: r.x, y: r.y, width: r.width, height: r.height}]; }),
    texts: [...h.querySelectorAll('svg.main-svg text')]
      .filter(t => !t.closest('.hoverlayer') && t.textContent.trim() && t.getBBox().width > 0
                   && getComputedStyle(t).visibility !== 'hidden' && getComputedStyle(t).opacity !== '0')
      .map(t => { const r = t.getBoundingClientRect();
                  return [t.textContent, {x: r.x, y: r.y, width: r.width, height: r.height}]; }),
    plot: h.querySelector('.js-plotly-plot').getBoundingClientRect().toJSON(),
    controls: [...h.querySelectorAll('.flow-controls, .flow-status-row, .era-buttons, .flow-key')]
      .map(e => e.getBoundingClientRect().toJSON())}))"""
# each figure: how many SVG roots it drew, and for each map the length of its land layer's path
FIGURE_DRAWING = """() => [...document.querySelectorAll('.edition-plotly')].map(h => ({
    svgs: h.querySelectorAll('svg.main-svg').length,
    maps: [...h.querySelectorAll('.geo')].map(g => {
        const land = g.querySelectorAll('.layer.land path');
        return land.length ? (land[0].getAttribute('d') || '').length : -1; })}))"""
# each figure's text and controls: [text, its colour, the colour behind it] (rgb triples)
PARSE_COLOR = """c => { const m = c.match(/rgba?\\(([\\d.]+),\\s*([\\d.]+),\\s*([\\d.]+)/); return m ? [+m[1], +m[2], +m[3]] : null; }"""
FIGURE_COLOURS = f"""() => {{
    const parse = {PARSE_COLOR};
    const page = parse(getComputedStyle(document.body).backgroundColor);
    const out = [];
    document.querySelectorAll('.edition-plotly').forEach(h => {{
        const gd = h.querySelector('.js-plotly-plot');
        const land = gd._fullLayout.geo ? parse(gd._fullLayout.geo.landcolor) : null;
        h.querySelectorAll('svg.main-svg text').forEach(t => {{
            if (t.closest('.hoverlayer') || !t.textContent.trim()) return;
            const fill = parse(getComputedStyle(t).fill);
            out.push([t.textContent.slice(0, 30), fill, t.closest('.geo') && land ? land : page]);
        }});
        h.querySelectorAll('.flow-choice, .flow-button, .flow-status, .flow-key li, select, output, label')
          .forEach(e => {{
            const bg = parse(getComputedStyle(e).backgroundColor);
            const alpha = (getComputedStyle(e).backgroundColor.match(/rgba\\(.*,\\s*([\\d.]+)\\)$/) || [0, 1])[1];
            out.push([e.textContent.trim().slice(0, 30), parse(getComputedStyle(e).color),
                      bg && +alpha > 0.5 ? bg : page]);
        }});
    }});
    return out;
}}"""
AXE_RUN = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
     .filter(v => v.impact === 'serious' || v.impact === 'critical')
     .map(v => `${v.id} (${v.impact}, ${v.nodes.length}): ` + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))"""


def watch(page, url: str, inline: tuple[str, ...] = ("data:",)) -> tuple[list[str], list[str]]:
    """Collect a page's console errors and uncaught exceptions, and every request to a host other
    than url's (addresses starting with one of `inline` are not requests to a host)."""
    errors: list[str] = []
    foreign: list[str] = []
    local = urlparse(url).netloc
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", lambda req: foreign.append(req.url)
            if urlparse(req.url).netloc not in (local, "") and not req.url.startswith(inline) else None)
    return errors, foreign


def first_visit_page(context, origin: str, dark: bool = False):
    """A new page in context whose every load is a first visit: Chromium's HTTP cache (and with it
    the compiled-script cache) switched off through the DevTools protocol; the theme and the layout
    shift observer set up in each document. Returns (page, DevTools session, console errors,
    requests to hosts other than origin's); clear_storage(session, origin) before each load."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    errors, foreign = watch(page, origin)
    if dark:
        page.add_init_script(THEME_INIT)
    page.add_init_script(CLS_OBSERVER)
    return page, cdp, errors, foreign


def clear_storage(cdp, origin: str) -> None:
    """Clear the origin's cookies and stored data, as a reader's first visit finds them."""
    cdp.send("Storage.clearDataForOrigin", {"origin": origin, "storageTypes": "all"})


_VISITS: dict[str, object] = {}  # the browser context visit() opens its pages in


def visit(browser, url: str, width: int = 1280, height: int = 900, dark: bool = False):
    """Open url as a first visit in a page of its own; return (page, console errors, requests to
    hosts other than the local server). Close it with page.close().

    The pages share one browser context (a context per page starts a renderer process of its own,
    costing more CPU than the visit); each is still a first visit (first_visit_page).
    """
    context = _VISITS.get("context")
    if context is None or not context.browser.is_connected():  # none yet, or its browser was stopped
        context = _VISITS["context"] = browser.new_context()
    origin = "{0.scheme}://{0.netloc}".format(urlparse(url))
    page, cdp, errors, foreign = first_visit_page(context, origin, dark)
    page.set_viewport_size({"width": width, "height": height})
    clear_storage(cdp, origin)
    page.goto(url, wait_until="load")
    return page, errors, foreign


def wait_for_figures(page) -> int:
    """Scroll to each figure in turn, as a reader would, and wait until it is drawn; back to the top.

    A figure is drawn when it nears the viewport (figures.js), so one never scrolled to stays a
    reserved box: each must be drawn once the reader gets there.
    """
    holders = page.locator(".edition-plotly")
    count = holders.count()
    for i in range(count):
        holders.nth(i).scroll_into_view_if_needed()
        page.wait_for_function("h => h.dataset.drawn === 'true'", arg=holders.nth(i).element_handle(), timeout=20_000)
    if count:
        page.evaluate("window.scrollTo(0, 0)")
    return count


@dataclass
class PageView:
    """What one visit to one page at one width and theme measured."""

    name: str
    width: int
    dark: bool
    essay_text: list | None = None       # [id, textContent, innerText] of each essay paragraph, on load
    shift: float | None = None           # CLS_OF_PAGE, figures drawn + 200 ms or later (the five below too)
    theme: str | None = None
    drawing: list | None = None          # FIGURE_DRAWING, the same moment
    colours: list | None = None          # FIGURE_COLOURS, the same moment
    sideways: dict | None = None         # SIDEWAYS, the same moment
    overflow: float | None = None        # scrollWidth - innerWidth, the same moment
    figure_boxes: list | None = None     # FIGURE_BOXES, the same moment (for map labels as well)
    probes: dict = field(default_factory=dict)  # PROBES of this view and page, the same moment
    shift_total: float | None = None     # every shift summed, figures drawn + 700 ms or later
    axe: list[str] | None = None         # serious or critical violations
    violations: list[str] | None = None  # the policy's, after everything above
    screenshot: Path | None = None
    errors: list[str] = field(default_factory=list)   # console errors until the policy was read
    foreign: list[str] = field(default_factory=list)  # requests to another host, until then
    dialogs: list[str] = field(default_factory=list)  # alert, confirm or prompt opened, until then
    failed: dict[str, str] = field(default_factory=dict)  # step -> what went wrong

    @property
    def where(self) -> str:
        return f"{self.name} at {self.width} px, {'dark' if self.dark else 'light'}"

    def need(self, *steps: str) -> None:
        """Fail the calling test if the page could not be opened or a step it needs failed."""
        import pytest

        for step in ("open", *steps):
            if step in self.failed:
                pytest.fail(f"{self.where}: {step} failed: {self.failed[step]}")


_VIEWS: dict[tuple[str, int, bool], dict[str, PageView]] = {}


def view(browser, base: str, root: Path, width: int, dark: bool) -> dict[str, PageView]:
    """Every page of one view, each visited once in this run (the first test to ask visits them)."""
    key = (base, width, dark)
    if key not in _VIEWS:
        extra, measures = VIEWS[(width, dark)]
        pages = toc_pages(root)
        shots = set(pages)
        tab = None
        found: dict[str, PageView] = {}
        try:
            for name in pages + extra:
                if tab is None:
                    tab = Tab(browser, base, width, dark)
                found[name] = _visit_once(tab, base, name, width, dark, measures, screenshot=name in shots)
                if "open" in found[name].failed:
                    tab.close()  # a visit that broke off may leave the tab mid-way: the next page gets a new one
                    tab = None
        finally:
            if tab is not None:
                tab.close()
        _VIEWS[key] = found
    return _VIEWS[key]


class Tab:
    """One browser tab for a view's visits, each a first visit (first_visit_page): nothing cached,
    the origin's storage cleared before each page is opened, and the page's watchers (console
    errors, requests to other hosts, dialogs, the policy's violations, layout shifts) started
    afresh with each document. One tab rather than a new browser context per page: a context
    starts a renderer process of its own, which cost twice the CPU of the whole visit."""

    def __init__(self, browser, base: str, width: int, dark: bool) -> None:
        self.origin = base
        self.context = browser.new_context(viewport={"width": width, "height": HEIGHT})
        try:
            self.context.add_init_script(CLS_SUM)
            self.context.add_init_script(POLICY_WATCH)
            self.page, self.cdp, self.errors, self.foreign = first_visit_page(self.context, base, dark)
            self.dialogs: list[str] = []
            self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        except BaseException:
            self.context.close()
            raise

    def open(self, url: str):
        """Open url as a first visit; return (page, errors, foreign requests, dialogs) for it alone."""
        if self.page.url.startswith(self.origin):
            self.page.evaluate("() => sessionStorage.clear()")  # this tab's, which the call below keeps
        clear_storage(self.cdp, self.origin)
        for seen in (self.errors, self.foreign, self.dialogs):
            seen.clear()
        self.page.goto(url, wait_until="load")
        return self.page, self.errors, self.foreign, self.dialogs

    def close(self) -> None:
        self.context.close()


def _failure(exc: BaseException) -> str:
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()[-2000:]


def _visit_once(tab: Tab, base: str, name: str, width: int, dark: bool, measures: set[str],
                screenshot: bool) -> PageView:
    found = PageView(name, width, dark)
    full_page = bool(os.environ.get(FULL_SCREENSHOTS))
    try:
        page, errors, foreign, dialogs = tab.open(f"{base}/{name}.html")
        if "text" in measures:
            found.essay_text = page.eval_on_selector_all(".essay-paragraph", ESSAY_TEXT)
        wait_for_figures(page)
        drawn = time.monotonic()
    except Exception as exc:  # noqa: BLE001 - kept as the page's failure, raised by each test that needs it
        found.failed["open"] = _failure(exc)
        return found
    # axe-core and the window's screenshot take the time the page is left after its figures are
    # drawn: what is read at +200 ms is read once both are done and 200 ms have passed, whichever is
    # later, and the shifts are summed once 700 ms have passed, or later (a later read of a shift can
    # only be larger). Neither moves the page: axe-core leaves its scroll, focus and elements as they
    # were, and a window's screenshot does not resize it. A full-page screenshot does, so it is taken
    # last, once everything is read.
    if "axe" in measures:
        _run_axe(page, found)
    if screenshot and not full_page:
        _screenshot(page, found, name, width, dark)
    try:
        _wait_until(page, drawn + 0.2)
        found.shift = page.evaluate(CLS_OF_PAGE)
        found.theme = page.evaluate("document.documentElement.dataset.theme")
        if "drawing" in measures:
            found.drawing = page.evaluate(FIGURE_DRAWING)
        if "contrast" in measures:
            found.colours = page.evaluate(FIGURE_COLOURS)
        if "phone" in measures:
            found.sideways = page.evaluate(SIDEWAYS)
            found.overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if "boxes" in measures:
            found.figure_boxes = page.evaluate(FIGURE_BOXES)
        for probe, script in PROBES.get((width, dark), {}).get(name, {}).items():
            try:
                found.probes[probe] = page.evaluate(script)
            except Exception as exc:  # noqa: BLE001 - fails only the test that reads it (need(probe))
                found.failed[probe] = _failure(exc)
        if "settled" in measures:
            _wait_until(page, drawn + SETTLE_S)
            found.shift_total = round(page.evaluate("window.__cls"), 4)
    except Exception as exc:  # noqa: BLE001
        found.failed["open"] = _failure(exc)
        return found
    try:
        found.violations = page.evaluate("window.__violations")
    except Exception as exc:  # noqa: BLE001
        found.failed["policy"] = _failure(exc)
    found.errors, found.foreign, found.dialogs = list(errors), list(foreign), list(dialogs)
    if screenshot and full_page:
        _screenshot(page, found, name, width, dark)
    return found


def _wait_until(page, moment: float) -> None:
    """Let the page run until time.monotonic() reaches moment (at once if it has)."""
    left = moment - time.monotonic()
    if left > 0:
        page.wait_for_timeout(left * 1000)


def _run_axe(page, found: PageView) -> None:
    try:
        if not AXE.is_file():
            raise FileNotFoundError(f"{AXE} is missing: `make test` installs it (npm ci --prefix tests/js)")
        # run in the page by the driver, which the page's Content-Security-Policy does not govern
        page.evaluate("() => {" + AXE.read_text(encoding="utf-8") + "\n}")
        found.axe = page.evaluate(AXE_RUN)
    except Exception as exc:  # noqa: BLE001
        found.failed["axe"] = _failure(exc)


def _screenshot(page, found: PageView, name: str, width: int, dark: bool) -> None:
    try:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        # the 390-px phone is "phone"; a narrower one names its width, or its shots would replace those
        label = "desktop" if width >= 1024 else "phone" if width == 390 else f"phone-{width}"
        target = SCREENSHOTS / f"{name.replace('/', '__')}-{label}-{'dark' if dark else 'light'}.png"
        # a full page resizes the window to the page: long pages, on a loaded machine, take a while
        page.screenshot(path=str(target), full_page=bool(os.environ.get(FULL_SCREENSHOTS)), timeout=120_000)
        found.screenshot = target
        if os.environ.get(FULL_SCREENSHOTS):
            page.set_viewport_size({"width": width, "height": HEIGHT})  # as it was, for the next page
    except Exception as exc:  # noqa: BLE001
        found.failed["screenshot"] = _failure(exc)
