"""The link report against a local server serving every status: classified, bounded, always written."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

from edition import linkreport as lr

HANG_SECONDS = 8


class Handler(http.server.BaseHTTPRequestHandler):
    hits: dict[str, int] = {}

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        path = self.path.split("?")[0]
        Handler.hits[path] = Handler.hits.get(path, 0) + 1
        routes = {
            "/ok": (200, {}),
            "/moved": (301, {"Location": "/ok"}),
            "/moved-for-now": (302, {"Location": "/ok"}),
            "/moved-to-missing": (301, {"Location": "/missing"}),
            "/missing": (404, {}),
            "/gone": (410, {}),
            "/limited": (429, {"Retry-After": "1"}),
            "/limited-long": (429, {"Retry-After": "3600"}),
            "/limited-bare": (429, {}),
            "/error": (500, {}),
            "/unavailable": (503, {}),
            "/forbidden": (403, {}),
        }
        if path == "/hang":
            time.sleep(HANG_SECONDS)
            return
        code, headers = routes.get(path, (404, {}))
        self.send_response(code)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


FAST = lr.Limits(deadline=30, timeout=1.0, host_retries=3, max_retry_after=2, workers=4)
PATHS = ["/ok", "/moved", "/moved-for-now", "/moved-to-missing", "/missing", "/gone", "/limited", "/limited-long",
         "/limited-bare", "/error", "/unavailable", "/forbidden", "/hang"]


def output_json(tmp_path: Path, uris: list[str], page: str = "chapters/01-shifting-middle-east.md") -> Path:
    path = tmp_path / "output.json"
    rows = [{"filename": page, "lineno": i + 1, "status": "ignored", "code": 0, "uri": uri, "info": ""}
            for i, uri in enumerate(uris)]
    rows.append({"filename": page, "lineno": 99, "status": "unchecked", "code": 0, "uri": "#local", "info": ""})
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_each_status_is_classified_and_the_check_is_bounded(server: str, tmp_path: Path) -> None:
    links = lr.collect(output_json(tmp_path, [server + p for p in PATHS]))
    assert [l.uri for l in links] == sorted(server + p for p in PATHS)  # the local link is not checked
    started = time.monotonic()
    # one host (the local server): its links are checked one after another, the retries shared
    results = {r.uri[len(server):]: r for r in lr.check_all(links, FAST)}
    elapsed = time.monotonic() - started
    expect = {
        "/ok": ("working", 200), "/moved": ("redirected", 200), "/moved-for-now": ("redirected", 200),
        "/moved-to-missing": ("permanent", 404), "/missing": ("permanent", 404), "/gone": ("permanent", 410),
        "/limited": ("temporary", 429), "/limited-long": ("temporary", 429), "/limited-bare": ("temporary", 429),
        "/error": ("temporary", 500), "/unavailable": ("temporary", 503), "/forbidden": ("refused", 403),
        "/hang": ("temporary", None),
    }
    assert {p: (r.outcome, r.code) for p, r in results.items()} == expect
    assert results["/moved"].redirect == "permanent" and results["/moved"].target == server + "/ok"
    assert results["/moved-for-now"].redirect == "temporary"
    assert "longer than the 2 s this check waits; not retried" in results["/limited-long"].detail
    assert results["/limited-long"].attempts == 1
    assert "no answer within" in results["/hang"].detail
    # 429 with Retry-After is retried, but within the host's budget: no polling for ever
    assert Handler.hits["/limited"] <= 1 + FAST.host_retries
    assert elapsed < 25, elapsed


def test_the_deadline_stops_the_whole_check(server: str, tmp_path: Path) -> None:
    links = lr.collect(output_json(tmp_path, [server + "/hang", server + "/ok", server + "/gone"]))
    started = time.monotonic()
    results = lr.check_all(links, lr.Limits(deadline=2, timeout=5, host_retries=5, max_retry_after=2, workers=2))
    assert time.monotonic() - started < 10
    outcomes = {r.uri[len(server):]: r.outcome for r in results}
    assert outcomes["/hang"] == "temporary" and "not-checked" in outcomes.values()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_network_outage_is_reported_as_such_and_leaves_the_state_alone(tmp_path: Path) -> None:
    uris = [f"http://127.0.0.1:{_closed_port()}/page{i}" for i in range(4)]
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"links": {uris[0]: {"first_failed": "2026-01-01"}}}))
    before = state.read_text()
    code = lr.main([str(output_json(tmp_path, uris)), "--state", str(state), "--timeout", "1", "--host-retries", "0",
                    "--today", "2026-11-27"])
    assert code == 0
    report = (tmp_path / "report.md").read_text()
    assert "**Network outage:**" in report and "## Broken" not in report
    assert state.read_text() == before


def test_an_outage_stops_early_instead_of_spending_the_deadline(tmp_path: Path) -> None:
    uris = [f"http://127.0.0.1:{_closed_port()}/page" for _ in range(lr.OUTAGE_HOSTS + 20)]
    started = time.monotonic()
    results = lr.check_all(lr.collect(output_json(tmp_path, uris)),
                           lr.Limits(deadline=60, timeout=1, host_retries=3, max_retry_after=2, workers=2))
    assert time.monotonic() - started < 20
    assert lr.is_outage(results)
    assert sum(r.outcome == "not-checked" for r in results) >= 10


def test_broken_only_after_failing_on_two_runs_a_week_apart(server: str, tmp_path: Path) -> None:
    out = output_json(tmp_path, [server + "/gone", server + "/ok", server + "/unavailable"])
    state = tmp_path / "state" / "links.json"
    args = [str(out), "--state", str(state), "--timeout", "1", "--host-retries", "0"]

    def run(day: str) -> str:
        assert lr.main(args + ["--today", day]) == 0
        return (tmp_path / "report.md").read_text()

    first = run("2026-11-02")
    assert "## Broken" not in first and "Failing now, permanently" in first and f"{server}/gone" in first
    assert "Failing now, temporarily" in first and "503" in first
    assert "## Broken" not in run("2026-11-05")  # three days later: not yet confirmed
    later = run("2026-11-09")  # a week after the first failure
    broken = later.split("## Broken", 1)[1].split("##", 1)[0]
    assert f"{server}/gone" in broken and f"{server}/unavailable" in broken and "2026-11-02" in broken
    assert f"{server}/ok" not in broken


def test_the_report_escapes_cells_names_bibliography_keys_and_fits_an_issue(tmp_path: Path) -> None:
    assert lr.cell("a | b\nc") == "a \\| b c"
    links = [lr.Link(f"https://example.org/{i}|x", [f"chapters/bibliography.md:{i}", "chapters/a|b.md:3"],
                     [f"key-{i}"]) for i in range(5000)]
    results = [lr.Result(l.uri, "permanent", 404, "404 Not Found\nreally") for l in links]
    body = lr.render(links, results, {"links": {}}, dt.date(2026, 11, 27), False, 1.0)
    full = lr.render(links, results, {"links": {}}, dt.date(2026, 11, 27), False, 1.0, budget=None)
    assert len(body) < lr.ISSUE_LIMIT and "report-full.md" in body
    assert len(full) > lr.ISSUE_LIMIT and full.count("\n| https://example.org/") == 5000
    row = next(line for line in body.splitlines() if line.startswith("| https://example.org/0\\|x"))
    assert row.count(" | ") == 2  # three cells: the escaped '|' split nothing
    assert "bibliography: `key-0`" in row and "chapters/a\\|b.md:3" in row and "404 Not Found really" in row


def test_retry_after_as_seconds_or_a_date() -> None:
    assert lr.retry_after_seconds("7") == 7
    assert lr.retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == pytest.approx(10)
    assert lr.retry_after_seconds("soon") is None and lr.retry_after_seconds(None) is None


# ---- make linkcheck: the generated conf.py never outlives the run --------------------------------

def test_make_linkcheck_removes_its_conf_py_even_when_interrupted(root: Path, tmp_path: Path) -> None:
    work = tmp_path / "repo"
    (work / "bin").mkdir(parents=True)
    # the install stamp's prerequisites, as the Makefile lists them, must exist for make to go on
    stamp_rule = re.search(r"^\$\(STAMP\):(.*)$", (root / "Makefile").read_text(encoding="utf-8"), re.MULTILINE)
    for name in stamp_rule.group(1).split():
        (work / name).write_text("")
    stamp = work / "stamp"
    stamp.write_text("")
    os.utime(stamp, (time.time() + 60, time.time() + 60))
    fake_jb = work / "bin" / "jupyter-book"
    fake_jb.write_text("#!/bin/sh\necho '# Auto-generated by `jupyter-book config`' > conf.py\n")
    fake_sphinx = work / "bin" / "sphinx-build"
    fake_sphinx.write_text("#!/bin/sh\ntouch started; sleep 30\n")
    for tool in (fake_jb, fake_sphinx):
        tool.chmod(0o755)
    process = subprocess.Popen(
        ["make", "-s", "-f", str(root / "Makefile"), "linkcheck", f"BIN={work / 'bin'}", f"JB={fake_jb}",
         f"STAMP={stamp}"], cwd=work, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while not (work / "started").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert (work / "conf.py").exists(), "the fake build did not start"
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=20)
    assert not (work / "conf.py").exists(), process.stdout.read().decode()
