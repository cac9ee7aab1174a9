"""`make bench`: build times, sizes, downloads, layout shift, drawing time and Lighthouse, per page.

A report, not a test: it writes _build/bench.json and prints a table with each target.

    python -m edition.bench                 # clean build, cached rebuild, then measure the site
    python -m edition.bench --no-build      # measure the site already in _build/html
    python -m edition.bench --no-lighthouse # skip Lighthouse (it takes about 20 s a page)

Times in the browser are counted from navigation start (the time origin of performance.now()),
never from the load event, so the download and parse of plotly.js are part of them. Lighthouse
(pinned in tools/lighthouse/, from the npm registry) runs its default mobile profile against
Debian's chromium, with the site served gzipped as a static host would serve it.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import mimetypes
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

from edition.paths import ROOT, toc_pages

BUILD = ROOT / "_build"
HTML = BUILD / "html"
LIGHTHOUSE_DIR = ROOT / "tools" / "lighthouse"
TARGETS = {
    "clean_build_s": 45, "cached_rebuild_s": 5, "page_html_bytes": 300_000, "site_bytes": 7_000_000,
    "reader_download_bytes": 4_000_000, "plotly_bundle_bytes": 1_600_000, "third_party_requests": 0,
    "layout_shift": 0.05, "figure_drawn_s": 1.2, "lighthouse_performance": 90, "make_test_min": 3,
}
CHROMIUM = os.environ.get("EDITION_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml", "application/xml")

# Cumulative layout shift as Chromium defines it: the largest session window of layout-shift
# entries (gaps under 1 s, windows at most 5 s), leaving out shifts just after user input.
CLS_OBSERVER = """
window.__editionShifts = [];
new PerformanceObserver(list => { for (const e of list.getEntries()) window.__editionShifts.push(e); })
  .observe({type: 'layout-shift', buffered: true});
"""
CLS_OF_PAGE = """() => {
  let worst = 0, current = 0, first = 0, last = 0;
  for (const e of window.__editionShifts) {
    if (e.hadRecentInput) continue;
    if (current && e.startTime - last < 1000 && e.startTime - first < 5000) { current += e.value; }
    else { current = e.value; first = e.startTime; }
    last = e.startTime;
    worst = Math.max(worst, current);
  }
  return worst;
}"""


def build() -> float:
    """Seconds for `make book`'s one command: the input check, then the strict build (edition.build),
    built even when nothing has changed (the cached rebuild is Sphinx's incremental build, timed)."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "edition.build", "--even-if-unchanged", "--warningiserror", "--nitpick",
                    "--keep-going"],
                   check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


class _Plain(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


class _Gzipped(_Plain):
    """A static host: text, scripts, styles and JSON sent gzip-compressed when the client accepts it."""

    cache: dict[Path, bytes] = {}

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        path = Path(self.translate_path(unquote(urlparse(self.path).path)))
        if path.is_dir():
            path = path / "index.html"
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if not path.is_file() or "gzip" not in self.headers.get("Accept-Encoding", "") \
                or not kind.startswith(COMPRESSIBLE):
            return super().do_GET()
        if path not in self.cache:
            self.cache[path] = gzip.compress(path.read_bytes(), compresslevel=9, mtime=0)
        body = self.cache[path]
        self.send_response(200)
        self.send_header("Content-Type", kind + ("; charset=utf-8" if kind.startswith("text/") else ""))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        self.wfile.write(body)


def serve(handler: type) -> tuple[http.server.ThreadingHTTPServer, str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(HTML)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def browse(pages: list[str]) -> dict:
    """One fresh Chromium: downloads of a first visit to every page, then each page cold, per viewport."""
    from playwright.sync_api import sync_playwright

    server, base = serve(_Plain)
    downloaded: dict[str, int] = {}
    foreign: list[str] = []
    per_page: dict[str, dict] = {name: {} for name in pages}
    local = urlparse(base).netloc
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        shared = browser.new_context()  # one reader: shared assets are downloaded once

        def record(response) -> None:
            if urlparse(response.url).netloc != local:
                foreign.append(response.url)
            elif response.url not in downloaded:
                try:
                    downloaded[response.url] = len(response.body())
                except Exception:  # redirects and aborted requests carry no body
                    downloaded[response.url] = 0

        page = shared.new_page()
        page.on("response", record)
        page.on("requestfailed", lambda request: foreign.append(request.url)
                if urlparse(request.url).netloc != local else None)
        for name in pages:
            page.goto(f"{base}/{name}.html", wait_until="load")
            figure_delays(page)  # a reader who scrolls to every figure: plotly.js and the basemap included
            page.wait_for_timeout(300)
        shared.close()
        for label, viewport in VIEWPORTS.items():
            for name in pages:  # each page on a cold cache: layout shift, and drawing time of each figure
                context = browser.new_context(viewport=viewport)
                context.add_init_script(CLS_OBSERVER)
                cold = context.new_page()
                cold.goto(f"{base}/{name}.html", wait_until="load")
                delays = figure_delays(cold)
                if delays:
                    per_page[name]["figures"] = len(delays)
                    per_page[name][f"figure_drawn_s_{label}"] = delays
                cold.wait_for_timeout(1000)
                per_page[name][f"layout_shift_{label}"] = round(cold.evaluate(CLS_OF_PAGE), 4)
                context.close()
        browser.close()
    server.shutdown()
    gzipped = sum(len(gzip.compress((HTML / urlparse(u).path.lstrip("/")).read_bytes(), 9))
                  for u in downloaded if (HTML / urlparse(u).path.lstrip("/")).is_file())
    return {"reader_download_bytes": sum(downloaded.values()), "reader_download_gzip_bytes": gzipped,
            "reader_download_files": len(downloaded), "third_party_requests": len(foreign),
            "third_party_urls": foreign[:20], "pages": per_page}


def figure_delays(page) -> list[float]:
    """Seconds each figure takes to be drawn once the reader can see it, in page order.

    figures.js draws a figure when it nears the viewport. A figure inside the first screen counts
    from navigation start; any other is scrolled to (to the middle of the screen, as a reader
    would), and counts from that moment: the time a reader looks at an empty box. A figure drawn
    before it was reached counts 0. The page's load, plotly.js's download and parse included.
    """
    delays = []
    holders = page.locator(".edition-plotly")
    for i in range(holders.count()):
        holder = holders.nth(i).element_handle()
        seen_from = page.evaluate("""h => { const r = h.getBoundingClientRect();
            if (r.top < window.innerHeight && r.bottom > 0) return 0;
            h.scrollIntoView({block: 'center'}); return performance.now(); }""", holder)
        page.wait_for_function("h => h.dataset.drawnAt", arg=holder, timeout=30_000)
        drawn = float(page.evaluate("h => h.dataset.drawnAt", holder))
        delays.append(round(max(0.0, drawn - seen_from) / 1000, 3))
    return delays


def lighthouse_bin() -> Path:
    """Lighthouse from the npm registry, at the version tools/lighthouse pins (installed on first use)."""
    binary = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        if not shutil.which("npm"):
            raise SystemExit("make bench needs node and npm for Lighthouse (apt-get install nodejs npm)")
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=LIGHTHOUSE_DIR, check=True)
    return binary


def lighthouse(pages: list[str]) -> dict[str, dict]:
    """Lighthouse's mobile performance score and its metrics for each page, served gzipped."""
    binary = lighthouse_bin()
    server, base = serve(_Gzipped)
    flags = " ".join(["--headless=new", *CHROMIUM_ARGS])
    results = {}
    try:
        for name in pages:
            run = subprocess.run(
                [str(binary), f"{base}/{name}.html", "--only-categories=performance", "--output=json",
                 "--output-path=stdout", "--quiet", f"--chrome-flags={flags}"],
                capture_output=True, text=True, timeout=300, env=dict(os.environ, CHROME_PATH=CHROMIUM))
            if run.returncode:
                raise SystemExit(f"lighthouse failed on {name}: {run.stderr[-2000:]}")
            report = json.loads(run.stdout)
            audits = report["audits"]
            results[name] = {
                "performance": round(report["categories"]["performance"]["score"] * 100),
                "fcp_s": round(audits["first-contentful-paint"]["numericValue"] / 1000, 2),
                "lcp_s": round(audits["largest-contentful-paint"]["numericValue"] / 1000, 2),
                "tbt_ms": round(audits["total-blocking-time"]["numericValue"]),
                "cls": round(audits["cumulative-layout-shift"]["numericValue"], 3),
                "speed_index_s": round(audits["speed-index"]["numericValue"] / 1000, 2),
                "lighthouse": report["lighthouseVersion"],
            }
    finally:
        server.shutdown()
    return results


def plotly_bundle_bytes() -> int:
    scripts = [p for p in (HTML / "_static").rglob("*.js") if "plotly" in p.name]
    return max((p.stat().st_size for p in scripts), default=0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m edition.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--no-build", action="store_true", help="measure the site already in _build/html")
    parser.add_argument("--no-lighthouse", action="store_true", help="skip Lighthouse")
    args = parser.parse_args(argv)
    load_start = os.getloadavg()
    clean = cached = None
    if not args.no_build:
        for path in (HTML, BUILD / ".doctrees", BUILD / ".jupyter_cache", BUILD / "execution-inputs.sha256",
                     BUILD / ".validated", BUILD / "generated",
                     BUILD / ".icon-fonts"):
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
        clean = build()
        cached = build()
    elif not (HTML / "index.html").is_file():
        raise SystemExit(f"{HTML} holds no built book: run `make book` first")
    pages = toc_pages()
    page_bytes = {name: (HTML / f"{name}.html").stat().st_size for name in pages}
    site = sum(p.stat().st_size for p in HTML.rglob("*") if p.is_file())
    bundle = plotly_bundle_bytes()
    browsing = browse(pages)
    scores = {} if args.no_lighthouse else lighthouse(pages)
    for name, score in scores.items():
        browsing["pages"][name]["lighthouse"] = score
    rows = browsing["pages"]
    shifts = [v for r in rows.values() for k, v in r.items() if k.startswith("layout_shift")]
    draws = [d for r in rows.values() for d in r.get("figure_drawn_s_desktop", [])]
    met = {
        "page_html_bytes": max(page_bytes.values()) <= TARGETS["page_html_bytes"],
        "site_bytes": site <= TARGETS["site_bytes"],
        "reader_download_bytes": browsing["reader_download_bytes"] <= TARGETS["reader_download_bytes"],
        "plotly_bundle_bytes": bundle <= TARGETS["plotly_bundle_bytes"],
        "third_party_requests": browsing["third_party_requests"] == TARGETS["third_party_requests"],
        "layout_shift": max(shifts) <= TARGETS["layout_shift"],
        "figure_drawn_s": max(draws, default=0.0) <= TARGETS["figure_drawn_s"],
    }
    if clean is not None:
        met["clean_build_s"] = clean <= TARGETS["clean_build_s"]
        met["cached_rebuild_s"] = cached <= TARGETS["cached_rebuild_s"]
    if scores:
        met["lighthouse_performance"] = min(s["performance"] for s in scores.values()) >= TARGETS["lighthouse_performance"]
    last_test = BUILD / "test-time.json"  # written by the test suite (tests/conftest.py) after a whole run
    make_test = json.loads(last_test.read_text(encoding="utf-8")) if last_test.is_file() else None
    if make_test is not None:
        met["make_test_min"] = test_run_met(make_test)
    report = {
        "make_test": make_test,
        "clean_build_s": clean and round(clean, 1), "cached_rebuild_s": cached and round(cached, 1),
        "page_html_bytes": page_bytes, "site_bytes": site, "plotly_bundle_bytes": bundle, **browsing,
        "targets": TARGETS, "met": met, "machine": {"cpus": os.cpu_count(), "load_average_start": load_start,
                                                     "load_average": os.getloadavg()},
    }
    BUILD.mkdir(exist_ok=True)
    (BUILD / "bench.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(table(report))
    return 0


def test_run_seconds(run: dict) -> tuple[float, str]:
    """The last whole run's time and what it covers: all of `make test` when make ran it (the
    book and PDF checks before pytest included), else pytest's own."""
    if run.get("make_seconds") is not None:
        return run["make_seconds"], "make test"
    return run["seconds"], "pytest alone"


def test_run_met(run: dict) -> bool:
    """Whether the last whole run of the tests meets its time target: it passed, within the limit."""
    return run["exit_status"] == 0 and test_run_seconds(run)[0] <= TARGETS["make_test_min"] * 60


def table(report: dict) -> str:
    """The report as Markdown: the site's measures, then one row per page, each beside its target."""
    t = report["targets"]
    mark = lambda ok: "met" if ok else "**missed**"  # noqa: E731
    out = ["| measure | value | target | |", "| --- | --- | --- | --- |"]
    met = report["met"]
    if report["clean_build_s"] is not None:
        out.append(f"| clean build | {report['clean_build_s']:.1f} s | ≤ {t['clean_build_s']} s | {mark(met['clean_build_s'])} |")
        out.append(f"| cached rebuild | {report['cached_rebuild_s']:.1f} s | ≤ {t['cached_rebuild_s']} s "
                   f"| {mark(met['cached_rebuild_s'])} |")
    if report.get("make_test"):
        run = report["make_test"]
        seconds, timed = test_run_seconds(run)
        out.append(f"| `make test` after a built book (last whole run, {run['finished']}, {run['tests']} tests, "
                   f"exit {run['exit_status']}, load {run['load_average'][0]:.1f}; timed: {timed}, pytest "
                   f"{run['seconds']:.0f} s) | {seconds / 60:.1f} min | ≤ {t['make_test_min']} min "
                   f"| {mark(met['make_test_min'])} |")
    biggest = max(report["page_html_bytes"], key=report["page_html_bytes"].get)
    out.append(f"| largest page HTML ({biggest}) | {report['page_html_bytes'][biggest] / 1000:.1f} KB "
               f"| ≤ {t['page_html_bytes'] / 1000:g} KB | {mark(met['page_html_bytes'])} |")
    out.append(f"| whole site | {report['site_bytes'] / 1e6:.2f} MB | ≤ {t['site_bytes'] / 1e6:g} MB | {mark(met['site_bytes'])} |")
    out.append(f"| first visit to every page, every figure scrolled to, uncompressed | {report['reader_download_bytes'] / 1e6:.2f} MB "
               f"({report['reader_download_files']} files; {report['reader_download_gzip_bytes'] / 1e6:.2f} MB gzipped) "
               f"| ≤ {t['reader_download_bytes'] / 1e6:g} MB | {mark(met['reader_download_bytes'])} |")
    out.append(f"| plotly.js served | {report['plotly_bundle_bytes'] / 1e6:.2f} MB | ≤ {t['plotly_bundle_bytes'] / 1e6:g} MB "
               f"| {mark(met['plotly_bundle_bytes'])} |")
    out.append(f"| third-party requests | {report['third_party_requests']} | 0 | {mark(met['third_party_requests'])} |")
    shifts = [v for r in report["pages"].values() for k, v in r.items() if k.startswith("layout_shift")]
    out.append(f"| layout shift, worst page (1280 and 390 px, figures scrolled to) | {max(shifts):.3f} "
               f"| ≤ {t['layout_shift']} | {mark(met['layout_shift'])} |")
    draws = [d for r in report["pages"].values() for d in r.get("figure_drawn_s_desktop", [])]
    out.append(f"| figure drawn once in view, worst figure at 1280 px (first-screen figures: from navigation) "
               f"| {max(draws, default=0.0):.2f} s | ≤ {t['figure_drawn_s']} s | {mark(met['figure_drawn_s'])} |")
    if "lighthouse_performance" in met:
        scores = [r["lighthouse"]["performance"] for r in report["pages"].values() if "lighthouse" in r]
        out.append(f"| Lighthouse mobile performance, worst page (served gzipped) | {min(scores)} "
                   f"| ≥ {t['lighthouse_performance']} | {mark(met['lighthouse_performance'])} |")
    out += ["", "| page | HTML | layout shift 1280 / 390 px | figures drawn once in view, 1280 / 390 px "
            "| Lighthouse mobile (FCP, LCP, TBT, CLS, SI) |", "| --- | --- | --- | --- | --- |"]
    for name, row in report["pages"].items():
        drawn = "–"
        if "figures" in row:
            drawn = " / ".join(", ".join(f"{d:.2f}" for d in row[f"figure_drawn_s_{label}"]) + " s"
                               for label in ("desktop", "phone"))
        lh = row.get("lighthouse")
        score = (f"{lh['performance']} ({lh['fcp_s']} s, {lh['lcp_s']} s, {lh['tbt_ms']} ms, {lh['cls']}, "
                 f"{lh['speed_index_s']} s)") if lh else "–"
        out.append(f"| {name} | {report['page_html_bytes'][name] / 1000:.1f} KB "
                   f"| {row['layout_shift_desktop']:.3f} / {row['layout_shift_phone']:.3f} | {drawn} | {score} |")
    machine = report["machine"]
    out.append(f"\ntargets met: {sum(met.values())}/{len(met)}"
               + (f"; missed: {', '.join(k for k, v in met.items() if not v)}" if not all(met.values()) else "")
               + f"  (details: _build/bench.json; load average {machine['load_average_start'][0]:.1f} at the start, "
                 f"{machine['load_average'][0]:.1f} at the end, on {machine['cpus']} CPUs: "
                 "timings and Lighthouse scores are only comparable on a quiet machine)")
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
