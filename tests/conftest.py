"""Shared fixtures: the repository root, the built book, a local server for it, one browser."""

from __future__ import annotations

import functools
import http.server
import json
import os
import threading
import time
from pathlib import Path

import pytest

from edition.paths import ROOT

BUILD_HTML = ROOT / "_build" / "html"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def built_html() -> Path:
    """The book built by `make book` (which `make test` runs first)."""
    if not (BUILD_HTML / "index.html").is_file():
        pytest.fail(f"{BUILD_HTML} has no built book: run `make book` (or `make test`) first")
    return BUILD_HTML


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep pytest output clean
        pass


@pytest.fixture(scope="session")
def served_book(built_html: Path):
    """Serve the built book on 127.0.0.1 on a free port for the browser tests."""
    handler = functools.partial(_QuietHandler, directory=str(built_html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


CHROMIUM = os.environ.get("EDITION_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]


class _SharedBrowser:
    """One headless Chromium, started on first use and stopped when the browser tests are done.

    Playwright's sync API keeps an asyncio loop running while it is started, so a test that
    calls asyncio.run() (nbclient, the notebook tests) cannot run while it is: the browser is
    stopped after the last test of a run of browser tests, and the browser tests are ordered
    together (below), so one run of them shares one browser.
    """

    def __init__(self) -> None:
        self._playwright = None
        self._browser = None

    def _started(self):
        if self._browser is None:
            from playwright.sync_api import sync_playwright

            # Playwright gives each launch a fresh, empty profile (its own --user-data-dir), and
            # each new_context() a fresh cache, storage and cookies: tests share the process, not state.
            self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        return self._browser

    def stop(self) -> None:
        if self._playwright is not None:
            try:
                self._browser.close()
            finally:
                self._playwright.stop()
                self._playwright = self._browser = None

    def __getattr__(self, name: str):
        # pytest probes every conftest attribute for private markers (_pytestfixturefunction,
        # __pytest_wrapped__ …) while collecting; answering those would launch the browser then,
        # and its running event loop would break every later asyncio.run() (nbclient, JupyterLab).
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._started(), name)


_SHARED_BROWSER = _SharedBrowser()


def _uses_browser(item) -> bool:
    return "browser" in getattr(item, "fixturenames", ())


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests run first and together: under pytest-xdist (make test) in one worker, on one browser.

    The browser tests are one work unit, about half the suite's time. Put first, they start at once
    on one worker while the other takes the rest, book builds (the longest tests) first; put last,
    they would start only when every other test had been handed out, and run alone.
    """
    items.sort(key=lambda item: (not _uses_browser(item), item.get_closest_marker("build") is None))  # stable
    for item in items:
        if _uses_browser(item):
            item.add_marker(pytest.mark.xdist_group("browser"))


def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    if nextitem is None or not _uses_browser(nextitem):
        _SHARED_BROWSER.stop()


@pytest.fixture(scope="session")
def browser():
    """The shared headless Chromium; each test opens its own fresh context in it."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: `.ci/run` installs it (apt-get install chromium)")
    yield _SHARED_BROWSER
    _SHARED_BROWSER.stop()


TEST_TIME = ROOT / "_build" / "test-time.json"


def pytest_sessionstart(session: pytest.Session) -> None:
    session.config._edition_started = time.monotonic()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """After a run of the whole suite (no paths given, as `make test` runs it), its wall time for `make bench`."""
    config = session.config
    if hasattr(config, "workerinput") or config.args_source != pytest.Config.ArgsSource.TESTPATHS:
        return  # an xdist worker, or a run of chosen tests
    record = {"seconds": round(time.monotonic() - config._edition_started, 1), "exit_status": int(exitstatus),
              "tests": session.testscollected, "workers": getattr(config.option, "numprocesses", None),
              "load_average": [round(x, 2) for x in os.getloadavg()], "cpus": os.cpu_count(),
              "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    TEST_TIME.parent.mkdir(parents=True, exist_ok=True)
    TEST_TIME.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
