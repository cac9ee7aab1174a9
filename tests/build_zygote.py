"""Builds for the tests, each in its own process forked from one that has imported the libraries a
build uses, so that each build does not import them again: strict `jupyter-book build` of book
copies (about 1 s of CPU a build) and `python -m sphinx` of tiny projects (about 0.3 s).

The forking process (the zygote) imports only third-party modules: Sphinx, Jupyter Book, myst-nb,
the themes and extensions, never the edition's own extension, nor its paths module, which reads
the root (EDITION_ROOT) when imported. It never builds anything itself, so each build starts from
the state a fresh interpreter has after the same imports: its own process, environment, working
directory and output files; its exit status is that of the command line, warnings failing it
exactly as they do for `jupyter-book build` or `sphinx-build`. A zygote stops when the pytest
process that started it closes its pipe (or exits), and is killed with its builds when a build
runs past its timeout.
"""

from __future__ import annotations

import atexit
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

# What `jupyter-book build` of this book imports before it loads the edition's extension.
JUPYTER_BOOK = "edition.build:jupyter_book"  # the command line, with the IRI grammars deferred (edition.build)
PRELOAD = (
    "jupyter_book.cli.main", "jupyter_book.sphinx", "sphinx.application", "sphinx.builders.html",
    "sphinx.search.en", "myst_parser.sphinx_ext.main", "myst_nb.sphinx_ext", "sphinx_book_theme",
    "pydata_sphinx_theme", "sphinxcontrib.bibtex", "pybtex.database", "latexcodec", "sphinx_design",
    "sphinx_external_toc", "sphinx_copybutton", "sphinx_togglebutton", "sphinx_comments", "sphinx_thebe",
    "sphinx_multitoc_numbering", "jupyter_client", "nbclient", "bs4",
)
SPHINX = "sphinx.cmd.build:main"  # `python -m sphinx`
SPHINX_PRELOAD = ("sphinx.application", "sphinx.builders.html", "sphinx.search.en")
PRELOADS = {JUPYTER_BOOK: PRELOAD, SPHINX: SPHINX_PRELOAD}

ZYGOTE = r"""
import atexit, importlib, json, os, sys, threading, traceback
requests, replies = os.fdopen(os.dup(0), "r"), os.fdopen(os.dup(1), "w")
os.dup2(2, 1)  # anything an import prints goes to stderr, not into the replies
devnull = os.open(os.devnull, os.O_RDONLY)
os.dup2(devnull, 0)
module, _, function = sys.argv[1].partition(":")
command = getattr(importlib.import_module(module), function)
if module == "edition.build":
    importlib.import_module(module).defer_rfc3987_syntax()
for name in sys.argv[2:]:
    importlib.import_module(name)
problems = [m for m in ("edition.paths", "edition.sphinxext") if m in sys.modules]
if threading.active_count() != 1 or problems:
    sys.exit(f"zygote: not safe to fork: {threading.active_count()} threads, {problems} imported")
replies.write("ready\n"); replies.flush()
for line in requests:
    request = json.loads(line)
    sys.stdout.flush(); sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            requests.close(); replies.close()
            os.chdir(request["cwd"])
            os.environ.clear(); os.environ.update(request["env"])
            for folder in reversed(request["env"].get("PYTHONPATH", "").split(os.pathsep)):
                if folder and folder not in sys.path:  # where a fresh interpreter puts them
                    sys.path.insert(1, folder)
            for fd, path in ((1, request["stdout"]), (2, request["stderr"])):
                out = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                os.dup2(out, fd); os.close(out)
            code = command(request["args"])
        except SystemExit as done:  # as the interpreter ends on it
            code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
            if done.code is not None and not isinstance(done.code, int):
                print(done.code, file=sys.stderr)
        except BaseException:
            traceback.print_exc()
        finally:
            try:
                threading._shutdown()  # what the interpreter does at a normal exit: wait for its threads,
                atexit._run_exitfuncs()  # run the exit functions, flush the streams
                sys.stdout.flush(); sys.stderr.flush()
            finally:
                os._exit(code)
    _, status = os.waitpid(pid, 0)
    replies.write(json.dumps({"returncode": os.waitstatus_to_exitcode(status)}) + "\n"); replies.flush()
"""


class Zygote:
    def __init__(self, command: str) -> None:
        self.command = command
        self.process = subprocess.Popen([sys.executable, "-c", ZYGOTE, command, *PRELOADS[command]], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True, start_new_session=True)
        atexit.register(self.stop)
        if self._reply(300) != "ready":
            raise RuntimeError("the build zygote did not start (its stderr is above)")

    def _reply(self, timeout: float) -> str:
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        if not ready:
            self.kill()
            raise subprocess.TimeoutExpired(self.process.args, timeout)
        return self.process.stdout.readline().strip()

    def run(self, args: list[str], env: dict[str, str], timeout: float) -> subprocess.CompletedProcess:
        with tempfile.TemporaryDirectory(prefix="edition-build-") as folder:
            out, err = Path(folder) / "stdout", Path(folder) / "stderr"
            request = {"args": args, "env": env, "cwd": os.getcwd(), "stdout": str(out), "stderr": str(err)}
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
            reply = self._reply(timeout)
            if not reply:
                raise RuntimeError(f"the build zygote stopped (exit status {self.process.poll()})")
            return subprocess.CompletedProcess([self.command, *args], json.loads(reply)["returncode"],
                                               out.read_text(encoding="utf-8", errors="replace"),
                                               err.read_text(encoding="utf-8", errors="replace"))

    def kill(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # the zygote and the build it is running
        except ProcessLookupError:
            pass
        self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


_zygotes: dict[str, Zygote] = {}


def run(command: str, args: list[str], env: dict[str, str], timeout: float) -> subprocess.CompletedProcess:
    """The command (JUPYTER_BOOK or SPHINX) with these arguments, in a process of its own forked from
    its zygote (started on first use)."""
    zygote = _zygotes.get(command)
    if zygote is None or zygote.process.poll() is not None:
        zygote = _zygotes[command] = Zygote(command)
    try:
        return zygote.run(args, env, timeout)
    except subprocess.TimeoutExpired:
        del _zygotes[command]
        raise


def jupyter_book(args: list[str], env: dict[str, str], timeout: float = 1200) -> subprocess.CompletedProcess:
    """`jupyter-book *args`, forked from the zygote that has imported what a build of the book uses."""
    return run(JUPYTER_BOOK, args, env, timeout)


def sphinx_build(args: list[str], env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    """`python -m sphinx *args`, forked from the zygote that has imported Sphinx's HTML builder."""
    return run(SPHINX, args, env, timeout)
