"""Summarize Sphinx's linkcheck output.json as one Markdown report (for the weekly issue)."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path


def report(path: Path) -> str:
    """Markdown listing broken and timed-out links by page; counts of every status."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    counts = Counter(row["status"] for row in rows)
    lines = ["# External link check", "", "| status | links |", "| --- | --- |"]
    lines += [f"| {status} | {n} |" for status, n in sorted(counts.items())]
    bad = [row for row in rows if row["status"] in ("broken", "timeout")]
    if bad:
        lines += ["", "## Needs a look", "", "| page | link | status | detail |", "| --- | --- | --- | --- |"]
        for row in sorted(bad, key=lambda r: (r["filename"], r["uri"])):
            detail = str(row.get("info", "")).replace("|", "/")[:160]
            lines.append(f"| {row['filename']} | {row['uri']} | {row['status']} | {detail} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    source = Path(argv[1] if len(argv) > 1 else "_build/linkcheck/output.json")
    if not source.is_file():
        print(f"{source}: no linkcheck output (did the linkcheck build run?)", file=sys.stderr)
        return 1
    text = report(source)
    target = source.with_name("report.md")
    target.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
