"""`make book` in one Python process: the pre-build check (edition.check), then Jupyter Book's
HTML build with the options given on the command line (the Makefile passes its strict ones).

    python -m edition.build --warningiserror --nitpick --keep-going

One process rather than two saves an interpreter start and lets the build reuse what the check
loaded. It also defers one cost of start-up that the build never needs: jsonschema, which
Jupyter Book imports to validate its configuration, imports `rfc3987_syntax` when it is
installed (JupyterLab's event schemas need it), and that module compiles 39 Lark grammars at
import, about 1.2 s, only to check the "iri" formats no schema of the build uses. Here it is
stood in for by a module that imports it on first use (:func:`defer_rfc3987_syntax`), so a
schema that does use those formats is still checked exactly as before.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types

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


def main(argv: list[str] | None = None) -> int:
    from edition import check
    from edition.paths import ROOT

    status = check.main()
    if status:
        return status
    options = list(sys.argv[1:] if argv is None else argv)
    return jupyter_book(["build", str(ROOT), "--builder", "html", *options])


if __name__ == "__main__":
    sys.exit(main())
