"""Every internal link and anchor in the built book resolves (checked by LinkChecker, offline)."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

LINKCHECKER = Path(sys.executable).parent / "linkchecker"
CONFIG = "[filtering]\ncheckextern=0\n[AnchorCheck]\n[checking]\nthreads=4\n"


def broken_links(site: Path, workdir: Path) -> list[str]:
    """Run LinkChecker over a site from its index page; return its errors and anchor warnings."""
    # LinkChecker drops root privileges to 'nobody', so it needs a world-readable copy.
    readable = workdir / "site"
    shutil.copytree(site, readable)
    for path in [workdir, *readable.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    readable.chmod(0o755)
    config = workdir / "linkcheckerrc"
    config.write_text(CONFIG, encoding="utf-8")
    config.chmod(0o644)
    result = subprocess.run(
        [str(LINKCHECKER), "-f", str(config), "--no-robots", "-o", "csv", str(readable / "index.html")],
        capture_output=True, text=True, timeout=600, env=dict(os.environ, LC_ALL="C.UTF-8"),
    )
    lines = [line for line in result.stdout.splitlines() if line and not line.startswith("#")]
    assert lines and lines[0].startswith("urlname;"), result.stdout[-2000:] + result.stderr[-2000:]
    problems = []
    for row in csv.DictReader(io.StringIO("\n".join(lines)), delimiter=";"):
        if row["valid"] == "False" or "Anchor" in row["warningstring"]:
            problems.append(f"{row['parentname']} -> {row['urlname']}: {row['result'] or row['warningstring']}")
    return problems


@pytest.fixture()
def workdir():
    # Not pytest's tmp_path: its root is private (0700) and LinkChecker runs as 'nobody'.
    with tempfile.TemporaryDirectory(prefix="edition-linkcheck-") as name:
        path = Path(name)
        path.chmod(0o755)
        yield path


def test_every_internal_link_and_anchor_in_the_book_resolves(built_html: Path, workdir: Path) -> None:
    assert broken_links(built_html, workdir) == []


def test_the_checker_catches_a_missing_page_and_a_missing_anchor(workdir: Path) -> None:
    site = workdir / "broken"
    site.mkdir()
    (site / "index.html").write_text(
        '<html><body><a href="b.html#nope">x</a> <a href="gone.html">y</a> <a href="b.html#here">z</a></body></html>',
        encoding="utf-8")
    (site / "b.html").write_text('<html><body><p id="here">b</p></body></html>', encoding="utf-8")
    problems = broken_links(site, workdir / "run")
    assert len(problems) == 2
    assert any("gone.html" in p for p in problems)
    assert any("nope" in p for p in problems)
