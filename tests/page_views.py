"""One visit per page, width and theme, shared by the browser tests that look at the same view.

Several tests look at the same page at the same viewport and theme: the screenshots and their
layout shift (tests/test_browser.py), the layout shift while loading, axe-core's rules and the
essay's text (tests/test_reading.py) at 900 px high; sideways scrolling
(tests/test_reading.py) and the figures' overlaps on a phone (tests/test_figures_browser.py) at
800 px high. Each used to open every page for itself; now one visit per page and view measures
what each of them needs, in the order they did (900 px: text on load; figures drawn; 200 ms:
shift, theme; 700 ms: shift while loading; axe-core; the full-page screenshot
last, as it resizes the page. 800 px: figures drawn; page width; each figure's texts and
controls), and each test asserts on what its visits measured, page by page, as before. What is kept is this run's, in this process's memory
only (the browser tests run in one worker): nothing carries over from one run to the next.

A step that fails (a page that does not load, a figure never drawn, axe-core stopping) is kept as
that page's failure and fails every test that needs the step, naming the page, width and theme.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from edition.bench import CLS_OBSERVER, CLS_OF_PAGE
from edition.paths import ROOT, toc_pages

SCREENSHOTS = ROOT / "_build" / "screenshots"
AXE = ROOT / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"
HEIGHT = 900
PHONE_HEIGHT = 800  # the sideways-scrolling and figure-overlap views
# the views shared (width, theme, height), and the pages each visits beyond the table of contents'
# (the layout shift, axe and sideways tests look at search and the index too; screenshots are of
# the table of contents' pages)
EXTRA_PAGES = {(1440, False, HEIGHT): ["search", "genindex"], (390, False, HEIGHT): ["search", "genindex"],
               (1440, True, HEIGHT): ["search", "genindex"], (390, True, HEIGHT): [],
               (390, False, PHONE_HEIGHT): ["search", "genindex"], (320, False, PHONE_HEIGHT): ["search", "genindex"]}
AXE_WIDTH = 1440  # axe-core runs at the desktop width, in both themes
DETAIL_VIEW = (1440, False)  # the essay's text: the desktop, light

THEME_INIT = "localStorage.setItem('theme', 'dark'); localStorage.setItem('mode', 'dark');"
# every shift without recent input, summed (the reading tests' measure; CLS_OBSERVER keeps the entries
# for the session-window measure `make bench` reports)
CLS_SUM = """
window.__cls = 0;
new PerformanceObserver(list => {
  for (const e of list.getEntries()) { if (!e.hadRecentInput) { window.__cls += e.value; } }
}).observe({type: 'layout-shift', buffered: true});
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
# each figure's visible SVG text (ticks, legend, annotations, labels; hover layer excluded), its
# plot's box and the boxes of the HTML controls above or below it
FIGURE_BOXES = """() => [...document.querySelectorAll('.edition-plotly')].map(h => ({
    texts: [...h.querySelectorAll('svg.main-svg text')]
      .filter(t => !t.closest('.hoverlayer') && t.textContent.trim() && t.getBBox().width > 0
                   && getComputedStyle(t).visibility !== 'hidden' && getComputedStyle(t).opacity !== '0')
      .map(t => { const r = t.getBoundingClientRect();
                  return [t.textContent, {x: r.x, y: r.y, width: r.width, height: r.height}]; }),
    plot: h.querySelector('.js-plotly-plot').getBoundingClientRect().toJSON(),
    controls: [...h.querySelectorAll('.flow-controls, .flow-status-row, .era-buttons, .flow-key')]
      .map(e => e.getBoundingClientRect().toJSON())}))"""
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


def visit(browser, url: str, width: int = 1280, height: int = 900, dark: bool = False):
    """Open url; return (page, console errors, hosts requested other than the local server)."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    errors, foreign = watch(page, url)
    if dark:
        page.add_init_script(THEME_INIT)
    page.add_init_script(CLS_OBSERVER)
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
    shift: float | None = None           # CLS_OF_PAGE, figures drawn + 200 ms
    theme: str | None = None
    shift_total: float | None = None     # every shift summed, figures drawn + 700 ms
    axe: list[str] | None = None         # serious or critical violations
    screenshot: Path | None = None
    sideways: dict | None = None         # SIDEWAYS, figures drawn (800 px high)
    overflow: float | None = None        # scrollWidth - innerWidth, figures drawn (800 px high)
    figure_boxes: list | None = None     # FIGURE_BOXES, figures drawn (800 px high)
    height: int = HEIGHT
    errors: list[str] = field(default_factory=list)  # console errors until the last reading (before axe-core)
    failed: dict[str, str] = field(default_factory=dict)  # step -> what went wrong

    @property
    def where(self) -> str:
        high = "" if self.height == HEIGHT else f" by {self.height}"
        return f"{self.name} at {self.width}{high} px, {'dark' if self.dark else 'light'}"

    def need(self, *steps: str) -> None:
        """Fail the calling test if the page could not be opened or a step it needs failed."""
        import pytest

        for step in ("open", *steps):
            if step in self.failed:
                pytest.fail(f"{self.where}: {step} failed: {self.failed[step]}")


_VIEWS: dict[tuple[str, int, bool, int], dict[str, PageView]] = {}


def view(browser, base: str, root: Path, width: int, dark: bool, height: int = HEIGHT) -> dict[str, PageView]:
    """Every page of one view, each visited once in this run (the first test to ask visits them)."""
    key = (base, width, dark, height)
    if key not in _VIEWS:
        pages = toc_pages(root)
        shots = set(pages)
        visit_once = _visit_once if height == HEIGHT else _visit_phone
        _VIEWS[key] = {name: visit_once(browser, base, name, width, dark, screenshot=name in shots)
                       for name in pages + EXTRA_PAGES[(width, dark, height)]}
    return _VIEWS[key]


def _failure(exc: BaseException) -> str:
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()[-2000:]


def _visit_once(browser, base: str, name: str, width: int, dark: bool, screenshot: bool) -> PageView:
    found = PageView(name, width, dark)
    context = None
    try:
        try:
            page, errors = _open(browser, f"{base}/{name}.html", width, dark)
            context = page.context
            if (width, dark) == DETAIL_VIEW:
                found.essay_text = page.eval_on_selector_all(".essay-paragraph", ESSAY_TEXT)
            wait_for_figures(page)
            page.wait_for_timeout(200)
            found.shift = page.evaluate(CLS_OF_PAGE)
            found.theme = page.evaluate("document.documentElement.dataset.theme")
            found.errors = list(errors)
            page.wait_for_timeout(500)
            found.shift_total = round(page.evaluate("window.__cls"), 4)
        except Exception as exc:  # noqa: BLE001 - kept as the page's failure, raised by each test that needs it
            found.failed["open"] = _failure(exc)
            return found
        if width == AXE_WIDTH:
            try:
                if not AXE.is_file():
                    raise FileNotFoundError(f"{AXE} is missing: `make test` installs it (npm ci --prefix tests/js)")
                # run in the page by the driver, which the page's Content-Security-Policy does not govern
                page.evaluate("() => {" + AXE.read_text(encoding="utf-8") + "\n}")
                found.axe = page.evaluate(AXE_RUN)
            except Exception as exc:  # noqa: BLE001
                found.failed["axe"] = _failure(exc)
        if screenshot:
            try:
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                label = "desktop" if width >= 1024 else "phone"
                target = SCREENSHOTS / f"{name.replace('/', '__')}-{label}-{'dark' if dark else 'light'}.png"
                page.screenshot(path=str(target), full_page=True, timeout=120_000)  # long pages, loaded machine
                found.screenshot = target
            except Exception as exc:  # noqa: BLE001
                found.failed["screenshot"] = _failure(exc)
        return found
    finally:
        if context is not None:
            context.close()


def _visit_phone(browser, base: str, name: str, width: int, dark: bool, screenshot: bool) -> PageView:
    found = PageView(name, width, dark, height=PHONE_HEIGHT)
    context = None
    try:
        page, errors = _open(browser, f"{base}/{name}.html", width, dark, PHONE_HEIGHT)
        context = page.context
        wait_for_figures(page)
        found.sideways = page.evaluate(SIDEWAYS)
        found.overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        found.figure_boxes = page.evaluate(FIGURE_BOXES)
        found.errors = list(errors)
    except Exception as exc:  # noqa: BLE001 - kept as the page's failure, raised by each test that needs it
        found.failed["open"] = _failure(exc)
    finally:
        if context is not None:
            context.close()
    return found


def _open(browser, url: str, width: int, dark: bool, height: int = HEIGHT):
    context = browser.new_context(viewport={"width": width, "height": height})
    context.add_init_script(CLS_SUM)
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        if dark:
            page.add_init_script(THEME_INIT)
        page.add_init_script(CLS_OBSERVER)
        page.goto(url, wait_until="load")
    except BaseException:
        context.close()
        raise
    return page, errors
