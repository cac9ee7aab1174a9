"""`make book` in one Python process: the pre-build check (edition.check), then Jupyter Book's
HTML build with the options given on the command line (the Makefile passes its strict ones).

    python -m edition.build --warningiserror --nitpick --keep-going

When nothing the check and the build read has changed since the last successful build, and the
site is as that build left it, it stops at once instead (see STAMP below).

One process rather than two saves an interpreter start and lets the build reuse what the check
loaded. It also defers one cost of start-up that the build never needs: jsonschema, which
Jupyter Book imports to validate its configuration, imports `rfc3987_syntax` when it is
installed (JupyterLab's event schemas need it), and that module compiles 39 Lark grammars at
import, about 1.2 s, only to check the "iri" formats no schema of the build uses. Here it is
stood in for by a module that imports it on first use (:func:`defer_rfc3987_syntax`), so a
schema that does use those formats is still checked exactly as before.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
import json
import sys
import types
from pathlib import Path

DEFERRED = "rfc3987_syntax"


def defer_rfc3987_syntax() -> None:
    """Put a stand-in for `rfc3987_syntax` in sys.modules that imports the real module when used.

    jsonschema takes one function from it (``is_valid_syntax``) at import; the stand-in's
    function loads the real module on its first call and hands the call on. Any other attribute
    loads it too. Nothing happens if the module is absent or already imported.
    """
    if DEFERRED in sys.modules:
        return
    spec = importlib.util.find_spec(DEFERRED)
    if spec is None:
        return
    stand_in = types.ModuleType(DEFERRED, "Imports rfc3987_syntax on first use (edition.build).")

    def real() -> types.ModuleType:
        if sys.modules.get(DEFERRED) is stand_in:
            del sys.modules[DEFERRED]
        return importlib.import_module(DEFERRED)

    def is_valid_syntax(term: str, value: str) -> bool:
        return real().is_valid_syntax(term, value)

    stand_in.is_valid_syntax = is_valid_syntax  # type: ignore[attr-defined]
    stand_in.__getattr__ = lambda name: getattr(real(), name)  # type: ignore[attr-defined]
    stand_in.__path__ = list(spec.submodule_search_locations or [])  # its submodules still import
    sys.modules[DEFERRED] = stand_in


def jupyter_book(args: list[str]) -> int:
    """Jupyter Book's command line (``jupyter-book`` with these arguments), with the IRI grammars
    deferred; returns its exit status. The tests that build a copy of the book run it this way."""
    defer_rfc3987_syntax()
    from jupyter_book.cli.main import main as command

    try:
        command.main(list(args), prog_name="jupyter-book")
    except SystemExit as done:  # click ends every command this way
        code = done.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0


# `make book` on a book that nothing has changed since it was built. Sphinx's own incremental build
# then reads nothing and writes the same bytes, but still takes about 3 s to find that out (loading
# its extensions and every page's doctree). So a successful build leaves, in _build/book.inputs, a
# digest of what it read and one of the site it wrote; the next run that finds both unchanged says
# so and stops. Whatever it cannot vouch for builds as before.
STAMP = Path("_build") / "book.inputs"
ALWAYS = "--even-if-unchanged"  # build even so (`make bench` times the incremental build itself)
NOT_READ = ("tests/", "tools/", ".github/", ".ci/")  # tracked folders the build never reads
ENVIRONMENT = ("EDITION_", "SPHINX", "JUPYTER", "PYTHON", "SOURCE_DATE_EPOCH")
# the tests' own settings, which the build never reads (`make test` sets the first for its own
# prerequisites too, to a new value each run)
TESTS_ONLY = ("EDITION_MAKE_TEST_STARTED", "EDITION_TEST_", "EDITION_FULL_SCREENSHOTS", "EDITION_CHROMIUM")
# Python settings that change how a process runs, never what it writes: whether it keeps compiled
# bytecode (`make test` keeps it, whatever the shell says) and whether its output is buffered
NOT_STEERING = ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX", "PYTHONUNBUFFERED")


def book_inputs(root: Path, options: list[str]) -> str | None:
    """One digest of what the check and the build read: every file git tracks or would track (but
    the folders in NOT_READ), the options, today's date (the check rejects dates in the future), the
    Python and every installed distribution with its version, and the environment variables that
    can steer Sphinx, Jupyter or the edition (not the tests' own, nor NOT_STEERING). None where git
    cannot list the files."""
    import hashlib
    import importlib.metadata
    import os
    import subprocess

    try:
        listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                                cwd=root, capture_output=True, check=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    digest = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        digest.update(f"{label}\0{len(data)}\0".encode("utf-8") + data)

    for name in sorted({n.decode("utf-8", "surrogateescape") for n in listed.split(b"\0") if n}):
        path = root / name
        if not name.startswith(NOT_READ) and path.is_file():  # a tracked file deleted is simply absent
            add(f"file {name}", path.read_bytes())
    add("options", "\0".join(options).encode("utf-8"))
    add("date", dt.date.today().isoformat().encode("utf-8"))
    add("python", f"{sys.version}\0{sys.executable}".encode("utf-8"))
    packages = sorted(f"{d.metadata['Name']}=={d.version}@{d.locate_file('')}"
                      for d in importlib.metadata.distributions())
    add("packages", "\n".join(packages).encode("utf-8"))
    steering = sorted(f"{k}={v}" for k, v in os.environ.items() if k.startswith(ENVIRONMENT)
                      and not k.startswith(TESTS_ONLY) and k not in NOT_STEERING)
    add("environment", "\n".join(steering).encode("utf-8"))
    return digest.hexdigest()


def site_digest(html: Path) -> str:
    """A digest of every file of the built site but the PDF that `make pdf` publishes into it."""
    import hashlib

    from edition.pdf import site_files

    digest = hashlib.sha256()
    for name, path in site_files(html):
        data = path.read_bytes()
        digest.update(f"{name}\0{len(data)}\0".encode("utf-8") + data)
    return digest.hexdigest()


def up_to_date(root: Path, inputs: str | None) -> bool:
    """Whether the last successful build read these inputs and the site is as it left it."""
    stamp = root / STAMP
    if inputs is None or not stamp.is_file():
        return False
    try:
        kept = json.loads(stamp.read_text(encoding="utf-8"))
    except ValueError:
        return False
    return kept == {"inputs": inputs, "site": site_digest(root / "_build" / "html")}


def main(argv: list[str] | None = None) -> int:
    from edition.paths import ROOT

    options = list(sys.argv[1:] if argv is None else argv)
    always = ALWAYS in options
    options = [option for option in options if option != ALWAYS]
    inputs = book_inputs(ROOT, options)  # before the build: an edit made while it runs is seen next time
    if not always and up_to_date(ROOT, inputs):
        print("edition: nothing the book is built from has changed since its last build, and the site is as "
              f"that build left it ({STAMP}): not built again")
        return 0
    (ROOT / STAMP).unlink(missing_ok=True)  # a build that fails leaves none

    from edition import check

    status = check.main()
    if status:
        return status
    status = jupyter_book(["build", str(ROOT), "--builder", "html", *options])
    if status == 0 and inputs is not None:
        record = {"inputs": inputs, "site": site_digest(ROOT / "_build" / "html")}
        (ROOT / STAMP).write_text(json.dumps(record) + "\n", encoding="utf-8")
    return status


if __name__ == "__main__":
    sys.exit(main())
