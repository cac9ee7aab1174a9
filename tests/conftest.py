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
# --js-flags=--no-opt: V8 runs the pages' scripts without its optimising compiler (TurboFan). A test
# keeps a page for a second or two, so most of what TurboFan compiled was never used again: about a
# tenth of the page views' CPU (views alone 96-106 CPU-s, 90-96 without it). Which tier runs a script
# changes how fast it runs, never what it does. `make bench`, which times pages for readers, keeps it.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic", "--js-flags=--no-opt",
]


class _SharedBrowser:
    """One headless Chromium, started on first use and stopped when the browser tests are done.

    Playwright's sync API keeps an asyncio loop running while it is started, so a test that
    calls asyncio.run() (nbclient, the notebook tests) cannot run while it is: the browser is
    stopped after the last test of a run of browser tests. The browser tests come in work units
    (below), so each unit a worker runs shares one browser.
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


# --- Work units for the two pytest workers (make test runs pytest -n 2) ------------------------
# The browser tests that read the shared page visits (tests/page_views.py) must run where those
# visits are kept, in one process: they form one work unit, so no page is visited twice for the
# same view. A visit spends much of its time waiting (figures drawn, the page left to settle), so
# while one worker visits the pages the other runs the book builds beside it, which keep a core
# busy; the views split between both workers left both waiting at once. JupyterLab's tests share
# one server (one unit); the other browser tests open their own pages and form one unit, so a
# worker starts its browser once for them. Every other test is a unit of its own. Units are handed
# out in this order (each worker takes the next as it runs dry): the views, the book builds (the
# longest tests), JupyterLab, the other browser tests, then the rest.
UNITS = ("views", "build", "lab", "browser")


def _unit(item) -> str | None:
    fixtures = getattr(item, "fixturenames", ())
    if "lab" in fixtures:
        return "lab"
    if item.get_closest_marker("build") is not None:
        return None  # each build its own unit, ordered first among the free ones
    if "browser" not in fixtures:
        return None
    if item.get_closest_marker("views") is not None:
        return "views"
    return "browser"


def _rank(item, unit: str | None) -> int:
    if unit is not None:
        return UNITS.index(unit)
    return UNITS.index("build") if item.get_closest_marker("build") is not None else len(UNITS)


GROUPS_ENV = "EDITION_TEST_UNITS"  # where the workers write each test's unit for the scheduler


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput") and config.pluginmanager.hasplugin("xdist"):
        import tempfile

        fd, path = tempfile.mkstemp(prefix="edition-test-units-", suffix=".json")
        os.close(fd)
        os.environ[GROUPS_ENV] = path  # the workers, started after this, inherit it
        config._edition_units = path


def pytest_unconfigure(config: pytest.Config) -> None:
    path = getattr(config, "_edition_units", None)
    if path:
        Path(path).unlink(missing_ok=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Order the tests by unit (above); under xdist, tell the scheduler each test's unit."""
    unit_of = {item.nodeid: _unit(item) for item in items}
    items.sort(key=lambda item: _rank(item, unit_of[item.nodeid]))  # stable: within a unit, the files' own order
    if hasattr(config, "workerinput") and os.environ.get(GROUPS_ENV):
        units = {nodeid: unit for nodeid, unit in unit_of.items() if unit}
        target = Path(os.environ[GROUPS_ENV])
        temporary = target.with_name(f"{target.name}.{config.workerinput['workerid']}")
        temporary.write_text(json.dumps(units), encoding="utf-8")
        os.replace(temporary, target)  # whole, whichever worker writes last: they collect the same tests


@pytest.hookimpl(tryfirst=True, optionalhook=True)  # optional: `-p no:xdist` runs without it
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """xdist's scope scheduling, the scope being each test's unit (above), in collection order.

    (xdist's own `--dist loadgroup` reads the xdist_group mark from a suffix it adds to each test's
    id, which pytest 9.2 no longer keeps: pytest-dev/pytest-xdist#1386.)
    """
    if config.getvalue("dist") not in ("load", "loadgroup"):
        return None  # xdist's own (--dist each, loadfile ...)
    from xdist.scheduler import LoadScopeScheduling

    class UnitScheduling(LoadScopeScheduling):
        def schedule(self) -> None:
            if self.collection is None:  # the first call, once every worker has collected
                path = os.environ.get(GROUPS_ENV)
                self._units = json.loads(Path(path).read_text(encoding="utf-8") or "{}") if path else {}
            super().schedule()

        def _split_scope(self, nodeid: str) -> str:
            return self._units.get(nodeid) or nodeid

    config.option.loadscopereorder = False  # keep the order above, not the largest unit first
    return UnitScheduling(config, log)


@pytest.hookimpl(trylast=True)  # after the test's fixtures are torn down (one may hold a browser context)
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
MAKE_STARTED = "EDITION_MAKE_TEST_STARTED"  # when `make test` started (the Makefile), in seconds since the epoch


def pytest_sessionstart(session: pytest.Session) -> None:
    _refuse_machine_cpu_under_xdist(session.config)
    session.config._edition_started = time.monotonic()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """After a run of the whole suite (no paths given, as `make test` runs it), its wall time for `make bench`:
    pytest's, and under `make test` the whole command's, from make's start."""
    config = session.config
    if hasattr(config, "workerinput") or config.args_source != pytest.Config.ArgsSource.TESTPATHS:
        return  # an xdist worker, or a run of chosen tests
    make_started = os.environ.get(MAKE_STARTED)
    record = {"seconds": round(time.monotonic() - config._edition_started, 1),
              "make_seconds": round(time.time() - float(make_started), 1) if make_started else None,
              "exit_status": int(exitstatus),
              "tests": session.testscollected, "workers": getattr(config.option, "numprocesses", None),
              "load_average": [round(x, 2) for x in os.getloadavg()], "cpus": os.cpu_count(),
              "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    TEST_TIME.parent.mkdir(parents=True, exist_ok=True)
    TEST_TIME.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")


# Per-test CPU, for finding what the run spends its time on (the run is CPU-bound on two cores, so
# a test's wall time says little): with EDITION_TEST_CPU=<file>, each test's CPU seconds are appended
# to <file> as JSON lines. They are the whole machine's (the kernel's count of busy time, every
# process's): the browser and its renderers, JupyterLab and its kernels and the builds start and
# end in ways no one process's accounting follows. So the tests must run one at a time
# (`-p no:xdist`), on an otherwise quiet machine; with xdist the run stops at once, saying so.
TEST_CPU = "EDITION_TEST_CPU"


def _machine_cpu() -> float:
    """Busy CPU seconds of the whole machine since boot (/proc/stat: everything but idle and iowait)."""
    with open("/proc/stat", encoding="ascii") as stat:
        ticks = [int(n) for n in stat.readline().split()[1:]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def _refuse_machine_cpu_under_xdist(config: pytest.Config) -> None:
    if os.environ.get(TEST_CPU) and (hasattr(config, "workerinput") or getattr(config.option, "numprocesses", None)):
        raise pytest.UsageError(f"{TEST_CPU} counts the whole machine's CPU per test: run the tests one at a time "
                                "(pytest -p no:xdist), not under xdist")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    target = os.environ.get(TEST_CPU)
    if not target:
        yield
        return
    cpu, wall = _machine_cpu(), time.monotonic()
    yield
    line = {"test": item.nodeid, "cpu": round(_machine_cpu() - cpu, 2), "wall": round(time.monotonic() - wall, 2)}
    with open(target, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(line) + "\n")
