"""The weekly external-link report: check every link the book makes, bounded in time, and say
plainly what is broken, what is only failing for now, and what moved.

Sphinx's linkcheck builder collects the links (with every link "ignored", so it makes no request:
it only lists each link with its page and line in ``output.json``). This module then checks them
itself, because the builder cannot be bounded: a server answering 429 with ``Retry-After: 2``
kept it polling for ever. Here

- the whole check has a deadline, after which unchecked links are listed as not checked;
- each request has a timeout, and each host a small budget of retries; a ``Retry-After`` longer
  than the longest wait allowed is not waited for;
- every outcome is classified: working, redirected (permanently or temporarily, with the
  target), failing permanently (404, 410, other 4xx), failing temporarily (429, 5xx including
  503, timeouts, refused connections), or refused to robots (401, 403);
- a link is reported **broken** only when it failed on this run and on a run at least six days
  earlier with no success between (the state file remembers first failures);
- when no host answers at all, the run is reported as a network outage, and the state is left
  alone, so an outage never makes links "broken";
- the Markdown report escapes ``|`` and line breaks, names the bibliography key of every
  bibliography link, and keeps the issue body under GitHub's 65,536-character limit; the full
  report is written beside it for the run's artifact.
"""

from __future__ import annotations

import argparse
import concurrent.futures as futures
import datetime as dt
import email.utils
import json
import re
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlparse

ISSUE_LIMIT = 65_536
BODY_BUDGET = 60_000  # what the issue body may use, leaving room for GitHub's own accounting
CONFIRM_AFTER_DAYS = 6  # weekly runs: a failure is confirmed by one at least six days later
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) persian-russian-edition-linkcheck/1.0"
PERMANENT_REDIRECTS = {301, 308}
OUTAGE_HOSTS = 8  # unreachable hosts, none answering, after which the run is called an outage
ROBOT_REFUSALS = {401, 403}


@dataclass
class Link:
    uri: str
    pages: list[str] = field(default_factory=list)  # "chapters/x.md:12"
    keys: list[str] = field(default_factory=list)  # bibliography keys whose url this is


@dataclass
class Result:
    uri: str
    outcome: str  # working | redirected | permanent | temporary | refused | not-checked
    code: int | None = None
    detail: str = ""
    target: str = ""  # where a redirect ends
    redirect: str = ""  # "permanent" or "temporary" for redirects
    attempts: int = 0


@dataclass
class Limits:
    deadline: float = 1200.0  # seconds for the whole check
    timeout: float = 20.0  # per request (connect and each read)
    host_retries: int = 3  # retries per host in the whole run
    max_retry_after: float = 30.0  # longest Retry-After honored, seconds
    workers: int = 6


# ---- collecting --------------------------------------------------------------------------------

def collect(output_json: Path, bib_urls: dict[str, list[str]] | None = None,
            ignore: list[str] | None = None) -> list[Link]:
    """External links from Sphinx's linkcheck output.json, one per URI with every page citing it."""
    links: dict[str, Link] = {}
    patterns = [re.compile(p) for p in (ignore or [])]
    for line in output_json.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        uri = row.get("uri", "")
        if not uri.startswith(("http://", "https://")) or any(p.match(uri) for p in patterns):
            continue
        link = links.setdefault(uri, Link(uri, keys=list((bib_urls or {}).get(uri, []))))
        where = f"{row.get('filename', '?')}:{row.get('lineno', '?')}"
        if where not in link.pages:
            link.pages.append(where)
    return sorted(links.values(), key=lambda l: l.uri)


def bibliography_urls(bib_path: Path) -> dict[str, list[str]]:
    """url -> bibliography keys, from references.bib."""
    from pybtex.database import parse_file

    found: dict[str, list[str]] = defaultdict(list)
    for key, entry in parse_file(str(bib_path), bib_format="bibtex").entries.items():
        url = entry.fields.get("url", "")
        if url:
            found[url].append(key)
    return dict(found)


def configured_ignores(config_yml: Path) -> list[str]:
    import yaml

    config = yaml.safe_load(config_yml.read_text(encoding="utf-8")) or {}
    return list(((config.get("sphinx") or {}).get("config") or {}).get("linkcheck_ignore") or [])


# ---- checking ----------------------------------------------------------------------------------

def classify(code: int, history: list[int]) -> tuple[str, str]:
    """(outcome, redirect kind) for a final status code after redirects with the given codes."""
    if 200 <= code < 300:
        if history:
            return "redirected", "permanent" if all(h in PERMANENT_REDIRECTS for h in history) else "temporary"
        return "working", ""
    if code in ROBOT_REFUSALS:
        return "refused", ""
    if code == 429 or code >= 500:
        return "temporary", ""
    if 400 <= code < 500:
        return "permanent", ""
    return "temporary", ""  # 1xx or an unfollowed 3xx


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds a Retry-After header asks for (delta-seconds or an HTTP date); None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


class Checker:
    def __init__(self, limits: Limits):
        import requests

        self.limits = limits
        self.requests = requests
        self.started = time.monotonic()
        self.retries_left: dict[str, int] = defaultdict(lambda: limits.host_retries)
        self.lock = threading.Lock()
        self.answered: set[str] = set()  # hosts that gave any HTTP response
        self.silent: set[str] = set()  # hosts that could not be reached at all

    def network_down(self) -> bool:
        """No host has answered and several could not be reached: do not spend the deadline."""
        with self.lock:
            return not self.answered and len(self.silent) >= OUTAGE_HOSTS

    def remaining(self) -> float:
        return self.limits.deadline - (time.monotonic() - self.started)

    def _take_retry(self, host: str) -> bool:
        with self.lock:
            if self.retries_left[host] <= 0:
                return False
            self.retries_left[host] -= 1
            return True

    def check(self, link: Link) -> Result:
        host = urlparse(link.uri).netloc
        attempts = 0
        last: Result | None = None
        while True:
            left = self.remaining()
            if left <= 1:
                return last or Result(link.uri, "not-checked", detail="the check's time limit was reached")
            if self.network_down():
                return last or Result(link.uri, "not-checked", detail="not tried: no host answers (network outage)")
            attempts += 1
            result = self._once(link.uri, min(self.limits.timeout, left))
            result.attempts = attempts
            last = result
            with self.lock:
                (self.silent if result.code is None else self.answered).add(host)
            if result.outcome != "temporary":
                return result
            if result.code is None and attempts >= 2:
                return result  # unreachable twice: retrying more only spends the deadline
            wait = 0.0
            if result.code == 429:
                asked = retry_after_seconds(result.detail.split("Retry-After: ", 1)[1] if "Retry-After: " in result.detail else None)
                if asked is not None and asked > self.limits.max_retry_after:
                    result.detail += f" (longer than the {self.limits.max_retry_after:g} s this check waits; not retried)"
                    return result
                wait = asked if asked is not None else 1.0
            if wait >= self.remaining() - 1 or not self._take_retry(host):
                if result.code == 429 or result.code is None or result.code >= 500:
                    result.detail += f" (after {attempts} attempt{'s' if attempts > 1 else ''})"
                return result
            time.sleep(wait)

    def _once(self, uri: str, timeout: float) -> Result:
        requests = self.requests
        try:
            response = requests.get(uri, timeout=(timeout, timeout), stream=True, allow_redirects=True,
                                    headers={"User-Agent": USER_AGENT, "Accept": "text/html,*/*;q=0.8"})
        except requests.exceptions.Timeout:
            return Result(uri, "temporary", None, f"no answer within {timeout:g} s")
        except requests.exceptions.TooManyRedirects:
            return Result(uri, "permanent", None, "too many redirects")
        except requests.exceptions.ConnectionError as err:
            return Result(uri, "temporary", None, f"unreachable: {_short(err)}")
        except requests.exceptions.RequestException as err:
            return Result(uri, "permanent", None, f"bad request: {_short(err)}")
        try:
            code = response.status_code
            history = [r.status_code for r in response.history]
            outcome, redirect = classify(code, history)
            detail = f"{code} {response.reason or ''}".strip()
            if code == 429 and response.headers.get("Retry-After"):
                detail += f"; Retry-After: {response.headers['Retry-After']}"
            target = response.url if history else ""
            return Result(uri, outcome, code, detail, target, redirect)
        finally:
            response.close()


def _short(err: Exception) -> str:
    text = str(err)
    match = re.search(r"\[Errno -?\d+\] ([^')\]]+)|Failed to resolve[^)]*|Connection refused|Name or service not known", text)
    return (match.group(1) or match.group(0)) if match else text[:120]


def check_all(links: list[Link], limits: Limits) -> list[Result]:
    """Check links, each host's links one after another (politely), hosts in parallel."""
    checker = Checker(limits)
    by_host: dict[str, list[Link]] = defaultdict(list)
    for link in links:
        by_host[urlparse(link.uri).netloc].append(link)
    results: dict[str, Result] = {}

    def run(host_links: list[Link]) -> None:
        for link in host_links:
            results[link.uri] = checker.check(link)

    pool = futures.ThreadPoolExecutor(max_workers=max(1, limits.workers))
    try:
        jobs = [pool.submit(run, group) for group in by_host.values()]
        futures.wait(jobs, timeout=max(0.0, limits.deadline) + limits.timeout + 5)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    return [results.get(link.uri) or Result(link.uri, "not-checked", detail="the check's time limit was reached")
            for link in links]


def is_outage(results: list[Result]) -> bool:
    """True when no link got any HTTP answer although several hosts were tried."""
    tried = [r for r in results if r.outcome != "not-checked"]
    hosts = {urlparse(r.uri).netloc for r in tried}
    return len(hosts) >= 3 and all(r.code is None for r in tried)


# ---- state: first failures, so that "broken" means failed twice a week apart ------------------

def load_state(path: Path | None) -> dict:
    if path is None or not path.is_file():
        return {"links": {}}
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"links": {}}
    return state if isinstance(state.get("links"), dict) else {"links": {}}


def update_state(state: dict, results: list[Result], today: dt.date) -> dict:
    """Remember each failing link's first failure; forget links that worked."""
    links = dict(state.get("links", {}))
    for result in results:
        if result.outcome in ("permanent", "temporary"):
            entry = links.get(result.uri) or {"first_failed": today.isoformat()}
            entry.update(last_failed=today.isoformat(), last=result.detail)
            links[result.uri] = entry
        elif result.outcome in ("working", "redirected"):
            links.pop(result.uri, None)
    return {"links": links, "updated": today.isoformat()}


def confirmed_broken(result: Result, state: dict, today: dt.date) -> str | None:
    """The date of the earlier failure if this failing link has failed for at least six days."""
    if result.outcome not in ("permanent", "temporary"):
        return None
    entry = state.get("links", {}).get(result.uri)
    if not entry:
        return None
    first = dt.date.fromisoformat(entry["first_failed"])
    return entry["first_failed"] if (today - first).days >= CONFIRM_AFTER_DAYS else None


# ---- the report --------------------------------------------------------------------------------

def cell(text: object, limit: int = 200) -> str:
    """Text safe in a Markdown table cell: no '|' or line break can break the row."""
    value = re.sub(r"\s*[\r\n]+\s*", " ", str(text)).replace("\\", "\\\\").replace("|", "\\|")
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _where(link: Link) -> str:
    parts = []
    if link.keys:
        parts.append("bibliography: " + ", ".join(f"`{k}`" for k in link.keys))
    pages = [p for p in link.pages if not (link.keys and "bibliography" in p)]
    if pages:
        parts.append(", ".join(pages[:3]) + (f" and {len(pages) - 3} more" if len(pages) > 3 else ""))
    return "; ".join(parts) or ", ".join(link.pages[:3])


def render(links: list[Link], results: list[Result], state_before: dict, today: dt.date,
           outage: bool, elapsed: float, budget: int | None = BODY_BUDGET) -> str:
    """The report as Markdown; with ``budget``, tables are cut so the whole stays under it."""
    by_uri = {l.uri: l for l in links}
    counts = Counter(r.outcome for r in results)
    lines = [f"# External link check, {today.isoformat()}", ""]
    if outage:
        lines += ["**Network outage:** no host answered at all (every request failed to connect or timed out), "
                  "so this run says nothing about the links. Nothing is reported broken and the record of "
                  "earlier failures is unchanged.", ""]
    lines += [f"{len(results)} links, {elapsed:.0f} s: " + ", ".join(
        f"{n} {name}" for name, n in sorted(counts.items())) + ".", ""]
    sections: list[tuple[str, str, list[str]]] = []
    if not outage:
        broken = [(r, confirmed_broken(r, state_before, today)) for r in results]
        broken = [(r, since) for r, since in broken if since]
        sections.append((
            "Broken: failed on this run and on a run at least a week earlier",
            "| link | status | failing since | where |",
            [f"| {cell(r.uri)} | {cell(r.detail)} | {since} | {cell(_where(by_uri[r.uri]))} |" for r, since in broken],
        ))
        confirmed = {r.uri for r, _ in broken}
        for outcome, title in (("permanent", "Failing now, permanently (gone or not found); broken if it fails again next week"),
                               ("temporary", "Failing now, temporarily (rate limits, server errors including 503, time-outs, refused connections)")):
            rows = [r for r in results if r.outcome == outcome and r.uri not in confirmed]
            sections.append((title, "| link | status | where |",
                             [f"| {cell(r.uri)} | {cell(r.detail)} | {cell(_where(by_uri[r.uri]))} |" for r in rows]))
    redirects = [r for r in results if r.outcome == "redirected"]
    sections.append(("Redirected (update the link to its target when the move is permanent)",
                     "| link | kind | target | where |",
                     [f"| {cell(r.uri)} | {r.redirect} | {cell(r.target)} | {cell(_where(by_uri[r.uri]))} |" for r in redirects]))
    refused = [r for r in results if r.outcome == "refused"]
    sections.append(("Refused to the checker (401/403: often a site blocking robots; check by hand)",
                     "| link | status | where |",
                     [f"| {cell(r.uri)} | {cell(r.detail)} | {cell(_where(by_uri[r.uri]))} |" for r in refused]))
    unchecked = [r for r in results if r.outcome == "not-checked" and not outage]
    sections.append(("Not checked (the check's time limit was reached)", "| link | where |",
                     [f"| {cell(r.uri)} | {cell(_where(by_uri[r.uri]))} |" for r in unchecked]))

    text = "\n".join(lines)
    for title, header, rows in sections:
        if not rows:
            continue
        block = [f"## {title} ({len(rows)})", "", header, "|" + " --- |" * header.count(" | ") + " --- |"]
        text += "\n" + "\n".join(block)
        for i, row in enumerate(rows):
            if budget is not None and len(text) + len(row) + 400 > budget:
                text += (f"\n\n… and {len(rows) - i} more rows, left out to keep this issue under GitHub's "
                         f"{ISSUE_LIMIT:,}-character limit: see `report-full.md` in the run's artifact.")
                break
            text += "\n" + row
        text += "\n"
    return text + "\n"


# ---- command line ------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output_json", type=Path, help="Sphinx linkcheck output.json (the collected links)")
    parser.add_argument("--state", type=Path, default=None, help="JSON file remembering first failures")
    parser.add_argument("--bib", type=Path, default=None, help="references.bib, to name each link's key")
    parser.add_argument("--config", type=Path, default=None, help="_config.yml, for linkcheck_ignore")
    parser.add_argument("--deadline", type=float, default=Limits.deadline)
    parser.add_argument("--timeout", type=float, default=Limits.timeout)
    parser.add_argument("--host-retries", type=int, default=Limits.host_retries)
    parser.add_argument("--max-retry-after", type=float, default=Limits.max_retry_after)
    parser.add_argument("--workers", type=int, default=Limits.workers)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=None)
    args = parser.parse_args(argv)
    if not args.output_json.is_file():
        print(f"{args.output_json}: no linkcheck output (did the collecting step run?)", file=sys.stderr)
        return 1
    today = args.today or dt.date.today()
    limits = Limits(args.deadline, args.timeout, args.host_retries, args.max_retry_after, args.workers)
    bib_urls = bibliography_urls(args.bib) if args.bib and args.bib.is_file() else {}
    ignore = configured_ignores(args.config) if args.config and args.config.is_file() else []
    links = collect(args.output_json, bib_urls, ignore)
    started = time.monotonic()
    results = check_all(links, limits)
    elapsed = time.monotonic() - started
    outage = is_outage(results)
    state = load_state(args.state)
    out = args.output_json.parent
    (out / "report.md").write_text(render(links, results, state, today, outage, elapsed), encoding="utf-8")
    (out / "report-full.md").write_text(render(links, results, state, today, outage, elapsed, budget=None),
                                        encoding="utf-8")
    (out / "results.json").write_text(json.dumps([asdict(r) for r in results], indent=1), encoding="utf-8")
    if args.state is not None and not outage:
        args.state.parent.mkdir(parents=True, exist_ok=True)
        args.state.write_text(json.dumps(update_state(state, results, today), indent=1, sort_keys=True),
                              encoding="utf-8")
    print((out / "report.md").read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
