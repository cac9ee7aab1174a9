"""Shared fixtures: the repository root, the built book, a local server for it, one browser."""

from __future__ import annotations

import functools
import http.server
import os
import threading
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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under pytest-xdist (make test), every test that uses the browser runs in one worker, on one browser."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run; each test opens its own fresh context in it."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: `.ci/run` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright gives each launch a fresh, empty profile (its own --user-data-dir), and each
    # new_context() a fresh cache, storage and cookies: tests share the process, not state.
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
