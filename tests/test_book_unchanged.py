"""`make book` on a book nothing has changed since its last build stops at once (edition.build):
what it compares, and that anything else builds as before."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import types
from pathlib import Path

import pytest

from edition import build
from edition.pdf import PDF_NAME


def _repo(tmp_path: Path) -> Path:
    """A small git checkout: tracked inputs, a tracked test, an ignored file."""
    root = tmp_path / "book"
    for name, text in {"_config.yml": "title: t\n", "chapters/a.md": "# A\n", "tests/test_x.py": "x = 1\n",
                       ".gitignore": "ignored.txt\n_build/\n"}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    return root


def test_the_digest_follows_every_input_and_nothing_else(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _repo(tmp_path)
    monkeypatch.delenv("EDITION_KNOB", raising=False)
    first = build.book_inputs(root, ["--nitpick"])
    assert first and build.book_inputs(root, ["--nitpick"]) == first  # the same inputs, the same digest

    chapter = root / "chapters" / "a.md"
    chapter.write_text("# A, edited\n", encoding="utf-8")
    assert build.book_inputs(root, ["--nitpick"]) != first, "an edited chapter"
    chapter.write_text("# A\n", encoding="utf-8")
    assert build.book_inputs(root, ["--nitpick"]) == first

    (root / "chapters" / "b.md").write_text("# B\n", encoding="utf-8")  # new, not yet added to git
    assert build.book_inputs(root, ["--nitpick"]) != first, "a new chapter git does not track yet"
    (root / "chapters" / "b.md").unlink()
    chapter.unlink()
    assert build.book_inputs(root, ["--nitpick"]) != first, "a tracked chapter deleted"
    chapter.write_text("# A\n", encoding="utf-8")

    assert build.book_inputs(root, ["--keep-going"]) != first, "other options"
    monkeypatch.setenv("EDITION_KNOB", "1")
    assert build.book_inputs(root, ["--nitpick"]) != first, "an EDITION_ setting"
    monkeypatch.delenv("EDITION_KNOB")
    monkeypatch.setenv("PYTHONHASHSEED", "7")
    assert build.book_inputs(root, ["--nitpick"]) != first, "a PYTHON setting that can change what is written"
    monkeypatch.undo()
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    monkeypatch.setattr(build, "dt", types.SimpleNamespace(date=types.SimpleNamespace(today=lambda: tomorrow)))
    assert build.book_inputs(root, ["--nitpick"]) != first, "another day (the check rejects dates in the future)"
    monkeypatch.undo()

    (root / "tests" / "test_x.py").write_text("x = 2\n", encoding="utf-8")  # the build never reads the tests
    (root / "ignored.txt").write_text("scratch\n", encoding="utf-8")
    monkeypatch.setenv("UNRELATED_SETTING", "1")
    monkeypatch.setenv("EDITION_MAKE_TEST_STARTED", "1700000000.5")  # `make test` sets it for `make book` too
    monkeypatch.setenv("EDITION_TEST_CPU", "/tmp/cpu.jsonl")
    # `make test` keeps compiled bytecode whatever the shell says; output buffering writes the same
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "" if os.environ.get("PYTHONDONTWRITEBYTECODE") else "1")
    monkeypatch.setenv("PYTHONUNBUFFERED", "" if os.environ.get("PYTHONUNBUFFERED") else "1")
    assert build.book_inputs(root, ["--nitpick"]) == first

    assert build.book_inputs(tmp_path / "no-git-here", []) is None  # unknown: always built


def test_a_book_is_built_again_unless_its_inputs_and_its_site_are_as_the_last_build_left_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    root = _repo(tmp_path)
    site = root / "_build" / "html"
    calls: list[list[str]] = []
    outcome = {"status": 0}

    def fake_build(args: list[str]) -> int:
        calls.append(args)
        site.mkdir(parents=True, exist_ok=True)
        (site / "index.html").write_text("<p>built</p>", encoding="utf-8")
        return outcome["status"]

    from edition import check, paths

    monkeypatch.setattr(paths, "ROOT", root)
    monkeypatch.setattr(build, "jupyter_book", fake_build)
    monkeypatch.setattr(check, "main", lambda: 0)

    def run(*options: str) -> int:
        capsys.readouterr()
        return build.main(["--nitpick", *options])

    assert run() == 0 and len(calls) == 1 and (root / build.STAMP).is_file()
    assert run() == 0 and len(calls) == 1, "an unchanged book was built again"
    assert "not built again" in capsys.readouterr().out

    (site / PDF_NAME).write_bytes(b"%PDF")  # `make pdf` publishes the PDF into the site
    assert run() == 0 and len(calls) == 1, "the published PDF made the book build again"
    (site / "index.html").write_text("<p>edited by hand</p>", encoding="utf-8")
    assert run() == 0 and len(calls) == 2, "a site changed since its build was not built again"
    (site / "extra.html").write_text("", encoding="utf-8")
    assert run() == 0 and len(calls) == 3, "a file added to the site"

    assert run("--even-if-unchanged") == 0 and len(calls) == 4
    assert "--even-if-unchanged" not in calls[-1] and calls[-1][-1] == "--nitpick"

    (root / "chapters" / "a.md").write_text("# A, edited\n", encoding="utf-8")
    outcome["status"] = 1
    assert run() == 1 and len(calls) == 5 and not (root / build.STAMP).exists(), "a failed build left its stamp"
    outcome["status"] = 0
    assert run() == 0 and len(calls) == 6, "after a failed build, the unchanged book was not built"
    assert run() == 0 and len(calls) == 6

    (root / "chapters" / "a.md").write_text("# A, edited twice\n", encoding="utf-8")
    monkeypatch.setattr(check, "main", lambda: 3)  # the input check stops a build before it starts
    assert run() == 3 and len(calls) == 6 and not (root / build.STAMP).exists()
