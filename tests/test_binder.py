"""Binder's install sequence in a fresh virtual environment: binder/requirements.txt, then
`pip install .` (a normal, non-editable install), then a figure chapter executed with the kernel
in chapters/, as Binder's JupyterLab starts it. Slow (a full install), so it reuses pip's cache."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from edition.paths import ROOT

pytestmark = pytest.mark.build

EXECUTE = """
import sys, jupytext, edition, edition.paths
from nbclient import NotebookClient
from pathlib import Path
assert "site-packages" in edition.__file__, edition.__file__   # installed, not the clone's src/
root = Path(sys.argv[1])
assert edition.paths.ROOT == root, (edition.paths.ROOT, root)
nb = jupytext.read(root / "chapters" / "04-role-reversal.md")
NotebookClient(nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(root / "chapters")}}).execute()
mimes = [m for c in nb.cells if c.cell_type == "code" for o in c.outputs for m in o.get("data", {})]
print("plotly figures:", mimes.count("application/vnd.plotly.v1+json"))
"""


def test_binder_sequence_installs_and_runs_a_figure_chapter(tmp_path: Path) -> None:
    runtime = (ROOT / "binder" / "runtime.txt").read_text().strip()
    assert runtime == "python-3.11"
    assert os.access(ROOT / "binder" / "start", os.X_OK)
    # the repository as Binder clones it: the tracked files only
    clone = tmp_path / "repo"
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout.split(b"\0")
    for name in filter(None, files):
        src = ROOT / name.decode()
        if src.is_file():
            (clone / name.decode()).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, clone / name.decode())
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    env = {k: v for k, v in os.environ.items() if k not in ("EDITION_ROOT", "VIRTUAL_ENV", "PYTHONPATH")}

    def step(*args: str, cwd: Path = clone) -> str:
        done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
        assert done.returncode == 0, f"{' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
        return done.stdout

    # --no-compile: no bytecode for the ~180 packages up front (most of the install's time); what
    # the chapter imports is compiled when imported, as it would be from a wheel installed so
    step(python, "-m", "pip", "install", "--quiet", "--no-compile", "-r", "binder/requirements.txt")
    step(python, "-m", "pip", "install", "--quiet", "--no-compile", ".")
    out = step(python, "-c", EXECUTE, str(clone), cwd=clone / "chapters")
    assert "plotly figures: 2" in out
    # outside a clone, the package says what it needs
    outside = subprocess.run([python, "-c", "import edition.paths"], cwd=tmp_path, env=env, capture_output=True,
                             text=True)
    assert outside.returncode != 0 and "EDITION_ROOT" in outside.stderr
    inside = subprocess.run([python, "-c", "import edition.paths as p; print(p.ROOT)"], cwd=tmp_path,
                            env=dict(env, EDITION_ROOT=str(clone)), capture_output=True, text=True)
    assert inside.stdout.strip() == str(clone)
