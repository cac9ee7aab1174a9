"""The chapters as notebooks, in a real JupyterLab started as `make lab` starts it, driven by Chromium.

One JupyterLab page serves every chapter with figures, as a reader works: the first chapter opened by
its path in the address (as a link to a chapter opens it), each other one by double-click in the file
browser. For each: it opened as a notebook, Run All, and the Plotly figures drawn are counted against
the built page's count; the map's land layer must have path data (the basemap drew offline); no error
output, no console error, no request to another host; then saved, and the file is byte for byte as it
was. Screenshots go to _build/screenshots/lab/.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from edition.paths import ROOT
from page_views import watch

pytestmark = pytest.mark.browser
FIGURE_CHAPTERS = ["01-shifting-middle-east", "02-tehrans-calculus", "04-role-reversal", "06-what-comes-next",
                   "07-epilogue"]
SHOTS = ROOT / "_build" / "screenshots" / "lab"
TIMES = ROOT / "_build" / "lab-run-all.json"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """`make lab` on a free port with a random token; JupyterLab's own state kept out of $HOME."""
    state = tmp_path_factory.mktemp("lab-state")
    port, token = free_port(), secrets.token_hex(16)
    env = dict(os.environ, LAB_PORT=str(port), JUPYTER_TOKEN=token, LAB_OPTS="--no-browser" + (" --allow-root" if os.geteuid() == 0 else ""),
               JUPYTERLAB_SETTINGS_DIR=str(state / "settings"), JUPYTERLAB_WORKSPACES_DIR=str(state / "ws"),
               JUPYTER_RUNTIME_DIR=str(state / "runtime"))
    env.pop("EDITION_ROOT", None)
    log = open(state / "lab.log", "wb")
    proc = subprocess.Popen(["make", "lab"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while True:
        try:
            with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2) as reply:
                if reply.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            os.killpg(proc.pid, signal.SIGTERM) if proc.poll() is None else None
            pytest.fail(f"`make lab` did not start: {(state / 'lab.log').read_text(errors='replace')[-3000:]}")
        time.sleep(0.5)
    yield url, token, state / "lab.log"
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
    log.close()


class LabPage:
    """The one JupyterLab page the tests share (loading JupyterLab's scripts costs more CPU than a
    chapter's Run All): its console errors and requests to other hosts since the last test took them."""

    def __init__(self, context, url: str, token: str) -> None:
        self.url, self.token = url, token
        self.page = context.new_page()
        self.errors, self.foreign = watch(self.page, url, inline=("data:", "blob:"))
        self.opened = False

    def open(self, chapter: str):
        """Open chapters/<chapter>.md as a reader would: the first by its path in the address (a
        workspace of this run's own, so nothing from another run is restored), each other one by
        double-click in the file browser, which the first leaves showing chapters/."""
        if not self.opened:
            self.page.goto(f"{self.url}/lab/workspaces/edition-tests/tree/chapters/{chapter}.md?token={self.token}",
                           wait_until="domcontentloaded")
            self.opened = True
        else:
            listing = self.page.locator(".jp-DirListing-content")
            listing.wait_for(timeout=60_000)
            item = self.page.locator(".jp-DirListing-item", has=self.page.locator(
                ".jp-DirListing-itemText", has_text=f"{chapter}.md"))
            item.wait_for(timeout=60_000)
            item.dblclick()
        self.page.locator(".lm-DockPanel .lm-TabBar-tab.lm-mod-current", has_text=f"{chapter}.md").wait_for(
            timeout=120_000)
        return current_notebook(self.page)

    def seen(self) -> tuple[list[str], list[str]]:
        """Console errors and foreign requests since the last call (then forgotten)."""
        found = list(self.errors), list(self.foreign)
        self.errors.clear()
        self.foreign.clear()
        return found


@pytest.fixture(scope="module")
def lab_page(browser, lab):
    """One browser context and page for JupyterLab's tests; JupyterLab's settings and workspaces live
    in the server's state folder."""
    url, token, _ = lab
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    try:
        yield LabPage(context, url, token)
    finally:
        context.close()


def settle_and_shoot(page, target: Path, shown=None) -> None:
    """A screenshot once `shown` (a locator scrolled to) is painted: JupyterLab paints scrolled-to
    cells lazily, so wait until it is visible, then two animation frames."""
    if shown is not None:
        shown.scroll_into_view_if_needed()
        shown.wait_for(state="visible", timeout=20_000)
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    page.screenshot(path=str(target))


def current_notebook(page):
    return page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")


def run_all(page) -> float:
    """Run > Run All Cells; seconds until every code cell has run and the kernel is idle."""
    panel = current_notebook(page)
    select = page.locator(".jp-Dialog button", has_text="Select")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if select.count():
            select.first.click()  # JupyterLab's kernel dialog, offering the notebook's own kernel
        if panel.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").count():
            break
        page.wait_for_timeout(500)
    page.locator(".jp-StatusBar-Widget", has_text="Idle").first.wait_for(timeout=120_000)
    start = time.monotonic()
    started = """() => [...document.querySelectorAll(
        '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputArea-prompt')]
        .some(p => /\\[(\\d+|\\*)\\]/.test(p.textContent))"""
    for attempt in range(3):  # a click while the kernel is still connecting can be lost: retry
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        try:
            page.wait_for_function(started, timeout=30_000)
            break
        except Exception:
            if attempt == 2:
                raise
    # every code cell has run (a number in its prompt) and the kernel is idle again
    page.wait_for_function(
        """() => {
          const nb = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
          const prompts = [...nb.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')].map(p => p.textContent);
          const idle = nb.querySelector(".jp-Notebook-ExecutionIndicator[data-status='idle']");
          return prompts.length > 0 && prompts.every(t => /\\[\\d+\\]/.test(t)) && idle !== null;
        }""", timeout=180_000)
    return time.monotonic() - start


def book_figure_count(built_html: Path, chapter: str) -> int:
    return (built_html / "chapters" / f"{chapter}.html").read_text(encoding="utf-8").count('class="edition-plotly"')


def git_status(folder: str) -> str:
    return subprocess.run(["git", "status", "--porcelain", "--", folder], cwd=ROOT, capture_output=True,
                          text=True, check=True).stdout


@pytest.mark.parametrize("chapter", FIGURE_CHAPTERS)
def test_chapter_opens_runs_and_draws_what_the_book_draws_and_saving_changes_nothing(lab_page, built_html,
                                                                                    chapter) -> None:
    expected = book_figure_count(built_html, chapter)
    assert expected > 0
    source = ROOT / "chapters" / f"{chapter}.md"
    before, status_before, stamp = source.read_bytes(), git_status("chapters"), source.stat()
    page = lab_page.page
    lab_page.seen()
    try:
        panel = lab_page.open(chapter)
        panel.wait_for(timeout=120_000)
        assert page.locator(".jp-FileEditor:visible").count() == 0, "the chapter opened in the text editor"
        panel.locator(".jp-MarkdownCell .jp-RenderedMarkdown").first.wait_for(timeout=120_000)
        panel.locator(".jp-CodeCell").first.wait_for(state="attached", timeout=30_000)
        # the essay's paragraphs and readable citations, before anything runs
        text = panel.locator(".jp-Notebook").text_content()
        assert "{cite" not in text and "{essay}" not in text and "{para}" not in text and "{term}" not in text
        if "```{essay}" in source.read_text(encoding="utf-8"):
            assert "From the essay, ¶" in text
        seconds = run_all(page)
        page.wait_for_function(
            "n => document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .js-plotly-plot .main-svg').length"
            " >= n", arg=expected, timeout=120_000)
        drawn = panel.locator(".js-plotly-plot").count()
        assert drawn == expected, f"{chapter}: the book shows {expected} figures, JupyterLab drew {drawn}"
        for geo in panel.locator(".js-plotly-plot .geo").all():
            land = geo.locator(".layer.land path").first
            land.wait_for(state="attached", timeout=20_000)
            assert len(land.get_attribute("d") or "") > 1000, f"{chapter}: the map's land layer has no path data"
        bad_outputs = panel.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
        assert bad_outputs.count() == 0, bad_outputs.first.inner_text()
        SHOTS.mkdir(parents=True, exist_ok=True)
        settle_and_shoot(page, SHOTS / f"{chapter}.png", panel.locator(".js-plotly-plot .main-svg").first)
        settle_and_shoot(page, SHOTS / f"{chapter}-panel.png", panel.locator(".edition-notebook-panel").last)
        # saved after running, the chapter's file is unchanged
        page.keyboard.press("Control+s")
        page.wait_for_function(
            "() => !document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)')"
            ".closest('.lm-DockPanel').querySelector('.lm-TabBar-tab.lm-mod-current.jp-mod-dirty')", timeout=30_000)
        errors, foreign = lab_page.seen()
        assert not errors, f"{chapter}: console errors: {errors}"
        assert not foreign, f"{chapter}: requests off the machine: {foreign}"
        times = json.loads(TIMES.read_text()) if TIMES.is_file() else {}
        times[chapter] = {"book_figures": expected, "lab_figures": drawn, "run_all_seconds": round(seconds, 1)}
        TIMES.write_text(json.dumps(times, indent=1, sort_keys=True))
    finally:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{chapter}-last.png"))
    assert source.read_bytes() == before, f"saving {chapter} in JupyterLab changed the file"
    assert git_status("chapters") == status_before
    # the same bytes, so its time as it was: a newer one would make the next `make book` read it again
    os.utime(source, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
