"""Binder's install sequence in a virtual environment of its own: binder/requirements.txt, then
`pip install .` (a normal, non-editable install), then a figure chapter executed with the kernel
in chapters/, as Binder's JupyterLab starts it.

The environment lives in ~/.cache/persian-russian-edition/binder-venv/<digest> (outside the clone,
as on Binder: an environment inside it would find the clone above the installed package), the
digest of everything the install reads (the requirement and constraint files, pyproject.toml, the
Python and its pip), and is kept from one run to the next. A new one starts with the packages of the environment
running the tests, linked rather than copied: `make install` put them there from the same
requirements.txt that binder/requirements.txt includes, so installing about 180 packages from pip's
cache a second time (about 40 s of CPU, the slowest step of the whole test run) would repeat what
`make install` just did. pip is among them, the version `make install` upgraded to: the environment
is made without the older pip that Python's ensurepip bundles (23.2.1 here), which took about twice
as long over the same two commands (6.7 s and 5.6 s against 3.1 s and 3.1 s). The edition itself is
never carried over. The same two commands then run and must succeed: pip checks every requirement
against what is there (a requirement the seed does not satisfy is installed), and installs the
edition from this clone; the edition is uninstalled again afterwards, so each run installs it from
the repository as it is then.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from edition.paths import ROOT

pytestmark = pytest.mark.build
KEPT = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "persian-russian-edition" / "binder-venv"
KEEP_MARK = "kept-requirements-in-edition-out"
READ_BY_INSTALL = ["binder/requirements.txt", "requirements.txt", "constraints.txt", "pyproject.toml"]

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
    venv = binder_venv()
    python = str(venv / "bin" / "python")
    env = {k: v for k, v in os.environ.items() if k not in ("EDITION_ROOT", "VIRTUAL_ENV", "PYTHONPATH")}

    def step(*args: str, cwd: Path = clone) -> str:
        done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
        assert done.returncode == 0, f"{' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
        return done.stdout

    # --no-compile: no bytecode for the ~180 packages up front (most of the install's time); what
    # the chapter imports is compiled when imported, as it would be from a wheel installed so
    installed = False
    try:
        step(python, "-m", "pip", "install", "--quiet", "--no-compile", "-r", "binder/requirements.txt")
        installed = True
        step(python, "-m", "pip", "install", "--quiet", "--no-compile", ".")
        out = step(python, "-c", EXECUTE, str(clone), cwd=clone / "chapters")
        after_run(python, env, clone, tmp_path, out)
    finally:
        # kept only with its requirements in and the edition out: the next run installs the edition
        # again, from the repository as it is then (a run stopped before this leaves no mark: the
        # next one starts from an empty environment)
        removed = subprocess.run([python, "-m", "pip", "uninstall", "--quiet", "--yes", "persian-russian-edition"],
                                 env=env, capture_output=True)
        if installed and removed.returncode == 0:
            (venv / KEEP_MARK).touch()


def binder_venv() -> Path:
    """The environment for this digest of the install's inputs (the pip that runs it among them):
    kept from an earlier run if complete, else new."""
    pip = importlib.metadata.version("pip")
    digest = hashlib.sha256(f"{sys.version}\0{sys.executable}\0pip {pip}\0".encode())
    for name in READ_BY_INSTALL:
        digest.update(name.encode() + b"\0" + (ROOT / name).read_bytes() + b"\0")
    venv = KEPT / digest.hexdigest()[:16]
    assert ROOT not in venv.parents, f"{venv} is inside the clone: the installed edition would find it there"
    if KEPT.is_dir():
        for old in KEPT.iterdir():
            if old != venv:
                shutil.rmtree(old, ignore_errors=True)
    if (venv / KEEP_MARK).is_file():
        (venv / KEEP_MARK).unlink()  # in use: kept again only if this run ends as it should
    else:  # new, or left by a run that did not finish: start again from the seed
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
        seed(venv)
    return venv


def seed(venv: Path) -> None:
    """Link the running environment's installed packages, pip among them, into the new environment's
    site-packages (empty: it is made without pip), leaving out the edition (installed editable here;
    Binder installs it with `pip install .`). Python and pip never write an installed file in place
    (they replace or remove it), so the two environments cannot change each other's files. A copy
    where a link is not possible (another file system)."""
    ours = Path(sysconfig.get_paths()["purelib"])
    target = Path(subprocess.run([str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                 capture_output=True, text=True, check=True).stdout.strip())
    assert ours != target and venv in target.parents, (ours, target)
    edition = re.compile(r"(^|_|\.)persian_russian_edition", re.IGNORECASE)
    for entry in ours.iterdir():
        if edition.search(entry.name) or entry.name == "__pycache__":
            continue
        if entry.is_dir():
            shutil.copytree(entry, target / entry.name, copy_function=_link_or_copy)
        else:
            _link_or_copy(entry, target / entry.name)
    for shared in ("share", "etc"):  # the kernel spec, JupyterLab's extensions and settings
        if (Path(sys.prefix) / shared).is_dir():
            shutil.copytree(Path(sys.prefix) / shared, venv / shared, copy_function=_link_or_copy, dirs_exist_ok=True)


def _link_or_copy(src: str | Path, dst: str | Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def after_run(python: str, env: dict[str, str], clone: Path, tmp_path: Path, out: str) -> None:
    assert "plotly figures: 2" in out
    # outside a clone, the package says what it needs
    outside = subprocess.run([python, "-c", "import edition.paths"], cwd=tmp_path, env=env, capture_output=True,
                             text=True)
    assert outside.returncode != 0 and "EDITION_ROOT" in outside.stderr
    inside = subprocess.run([python, "-c", "import edition.paths as p; print(p.ROOT)"], cwd=tmp_path,
                            env=dict(env, EDITION_ROOT=str(clone)), capture_output=True, text=True)
    assert inside.stdout.strip() == str(clone)
