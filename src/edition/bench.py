"""`make bench`: build times, page and site sizes, reader download, third-party requests, drawing time.

A report, not a test: it writes _build/bench.json and prints a table with each target.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

from edition.paths import ROOT, toc_pages

BUILD = ROOT / "_build"
HTML = BUILD / "html"
TARGETS = {"clean_build_s": 45, "cached_rebuild_s": 5, "page_html_bytes": 300_000, "site_bytes": 10_000_000,
           "figures_drawn_after_load_s": 1.5}
CHROMIUM = os.environ.get("EDITION_CHROMIUM", "/usr/bin/chromium")


def build() -> float:
    """Seconds for `make book`'s two steps: the input check and the strict build."""
    bin_dir = Path(sys.executable).parent
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "edition.check"], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    subprocess.run([str(bin_dir / "jupyter-book"), "build", ".", "--builder", "html", "--warningiserror",
                    "--nitpick", "--keep-going"], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def browse(pages: list[str]) -> dict:
    """Visit every page in one fresh browser; measure downloads, foreign requests and drawing times."""
    from playwright.sync_api import sync_playwright

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(HTML)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    downloaded: dict[str, int] = {}
    foreign: list[str] = []
    timings = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        shared = browser.new_context()  # one reader: shared assets are downloaded once

        def record(response) -> None:
            if urlparse(response.url).netloc != urlparse(base).netloc:
                foreign.append(response.url)
            elif response.url not in downloaded:
                try:
                    downloaded[response.url] = len(response.body())
                except Exception:  # redirects and aborted requests carry no body
                    downloaded[response.url] = 0

        page = shared.new_page()
        page.on("response", record)
        page.on("requestfailed", lambda request: foreign.append(request.url)
                if urlparse(request.url).netloc != urlparse(base).netloc else None)
        for name in pages:
            page.goto(f"{base}/{name}.html", wait_until="load")
            page.wait_for_timeout(300)
        shared.close()
        for name in pages:  # drawing time on a cold cache, page by page
            context = browser.new_context()
            cold = context.new_page()
            cold.goto(f"{base}/{name}.html", wait_until="load")
            figures = cold.locator(".edition-plotly").count()
            if figures:
                cold.wait_for_function("() => document.documentElement.dataset.figuresDrawnAt", timeout=30_000)
                drawn = float(cold.evaluate("document.documentElement.dataset.figuresDrawnAt"))
                load = float(cold.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd"))
                timings[name] = {"figures": figures, "navigation_to_drawn_s": round(drawn / 1000, 3),
                                 "after_load_s": round(max(0.0, drawn - load) / 1000, 3)}
            context.close()
        browser.close()
    server.shutdown()
    return {"reader_download_bytes": sum(downloaded.values()), "third_party_requests": len(foreign),
            "third_party_urls": foreign[:20], "figure_timings": timings}


def main() -> int:
    for path in (HTML, BUILD / ".doctrees", BUILD / ".jupyter_cache", BUILD / "execution-inputs.sha256",
                 BUILD / ".validated", BUILD / "generated"):
        shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
    clean = build()
    cached = build()
    pages = toc_pages()
    page_bytes = {name: (HTML / f"{name}.html").stat().st_size for name in pages}
    site = sum(p.stat().st_size for p in HTML.rglob("*") if p.is_file())
    browsing = browse(pages)
    worst_draw = max((t["after_load_s"] for t in browsing["figure_timings"].values()), default=0.0)
    report = {
        "clean_build_s": round(clean, 1), "cached_rebuild_s": round(cached, 1), "page_html_bytes": page_bytes,
        "site_bytes": site, **browsing, "targets": TARGETS,
        "met": {
            "clean_build_s": clean <= TARGETS["clean_build_s"],
            "cached_rebuild_s": cached <= TARGETS["cached_rebuild_s"],
            "page_html_bytes": max(page_bytes.values()) <= TARGETS["page_html_bytes"],
            "site_bytes": site <= TARGETS["site_bytes"],
            "third_party_requests": browsing["third_party_requests"] == 0,
            "figures_drawn_after_load_s": worst_draw <= TARGETS["figures_drawn_after_load_s"],
        },
        "machine": {"cpus": os.cpu_count()},
    }
    (BUILD / "bench.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"{'measure':44} {'value':>14}  target")
    print(f"{'clean build':44} {clean:>12.1f} s  <= {TARGETS['clean_build_s']} s")
    print(f"{'cached rebuild':44} {cached:>12.1f} s  <= {TARGETS['cached_rebuild_s']} s")
    for name, size in page_bytes.items():
        print(f"{'page ' + name:44} {size / 1000:>11.1f} KB  <= 300 KB")
    print(f"{'whole site':44} {site / 1e6:>11.2f} MB  <= 10 MB  ({site / 2**20:.2f} MiB)")
    print(f"{'reader downloads (every page once)':44} {browsing['reader_download_bytes'] / 1e6:>11.2f} MB")
    print(f"{'third-party requests':44} {browsing['third_party_requests']:>14}  = 0")
    for name, t in browsing["figure_timings"].items():
        print(f"{'figures drawn after load, ' + name:44} {t['after_load_s']:>12.2f} s  <= 1.5 s"
              f"  ({t['navigation_to_drawn_s']:.2f} s from navigation, {t['figures']} figure(s))")
    print(f"targets met: {sum(report['met'].values())}/{len(report['met'])}  (details: _build/bench.json)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
