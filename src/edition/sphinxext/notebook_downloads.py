"""The chapters' ``.ipynb`` downloads, made readable and honest about how to run them.

The download button offers each chapter as the notebook myst-nb read from its MyST file. As it
stands that file shows raw directives and citation keys, and its cells fail outside a clone of
the repository (``No module named 'edition'``). After the build, each downloaded notebook gets
the same reader text JupyterLab shows (``edition.reader``) and a first cell that says what it is
and how to run the chapter: in a clone with ``make lab``, or on Binder.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from sphinx.application import Sphinx

from edition import reader

HOW_TO_RUN = """\
**This notebook is one chapter of the annotated edition of "The Persian-Russian Connection", as a
download.** Its text is readable here; its code cells draw the figures from the edition's data,
so they run only where the edition's repository is present.

To run the chapter:

- **In a clone of the repository**: `git clone {repo}`, then `make lab` in the clone (Python
  3.11); JupyterLab opens with every chapter as a notebook.
- **On Binder**, with nothing to install: [open this chapter on Binder]({binder}).
"""


def binder_url(app: Sphinx, docname: str) -> str:
    options = app.config.html_theme_options
    hub = options.get("launch_buttons", {}).get("binderhub_url", "https://mybinder.org").rstrip("/")
    org_repo = urlsplit(options.get("repository_url", "")).path.strip("/")
    branch = options.get("repository_branch", "main")
    return f"{hub}/v2/gh/{org_repo}/{branch}?urlpath={quote(f'lab/tree/{docname}.md', safe='')}"


def for_download(nb: dict[str, Any], docname: str, repo: str, binder: str) -> dict[str, Any]:
    """The reader's version of a chapter notebook, opening with how to run it."""
    page = Path(docname).name
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            shown = reader.render_cell(source, page)
            if shown is not None:
                cell["source"] = shown
        elif cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    intro = {"cell_type": "markdown", "metadata": {}, "source": HOW_TO_RUN.format(repo=repo, binder=binder)}
    if nb.get("nbformat", 4) >= 4 and nb.get("nbformat_minor", 0) >= 5:
        intro["id"] = "edition-how-to-run"
    nb["cells"].insert(0, intro)
    return nb


def rewrite_downloads(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.name not in ("html", "dirhtml"):
        return
    sources = Path(app.outdir) / "_sources"
    repo = app.config.html_theme_options.get("repository_url", "")
    for path in sorted(sources.rglob("*.ipynb")):
        docname = path.relative_to(sources).with_suffix("").as_posix()
        nb = json.loads(path.read_text(encoding="utf-8"))
        first = nb["cells"][0] if nb.get("cells") else {}
        if first.get("id") == "edition-how-to-run" or "".join(first.get("source", "")).startswith(HOW_TO_RUN[:40]):
            continue  # written by an earlier build and not replaced since
        nb = for_download(nb, docname, repo, binder_url(app, docname))
        path.write_text(json.dumps(nb, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("build-finished", rewrite_downloads)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
