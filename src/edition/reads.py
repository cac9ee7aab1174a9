"""What an executed chapter read: the input files the package opened on its behalf.

The book build names a log file in ``EDITION_READS_LOG`` before a chapter's kernel starts (see
``sphinxext.inputs``); the loaders (``data.load_tables``, ``data.load_bibliography``,
``essay.load``) append each input file they open to it. The build then keys the chapter's
execution record on those files alone, so an edit to one table re-executes only the chapters that
read it. Outside a build (JupyterLab, the tests) the variable is unset and nothing is written;
the build's own process, which sets it for its kernels, writes nothing either.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

READS_ENV = "EDITION_READS_LOG"
# True in the build's own process (set by sphinxext.inputs): the directives' reads are Sphinx
# dependencies, registered apart; only the kernels' reads belong in the log.
in_build_process = False
_paused = 0


@contextmanager
def paused() -> Iterator[None]:
    """Record nothing meanwhile: the validator reads every file, but a cell's output depends on
    what the cell itself loads (validation only decides whether the build goes on at all)."""
    global _paused
    _paused += 1
    try:
        yield
    finally:
        _paused -= 1


def note_read(*paths: Path) -> None:
    """Record that the running code read these files (a no-op unless a build asked for the log)."""
    log = os.environ.get(READS_ENV)
    if not log or in_build_process or _paused:
        return
    with open(log, "a", encoding="utf-8") as out:
        out.writelines(f"{Path(path).resolve()}\n" for path in paths)


def logged(log: Path) -> set[Path]:
    """The files named in a log written by :func:`note_read`."""
    return {Path(line) for line in log.read_text(encoding="utf-8").splitlines() if line}
