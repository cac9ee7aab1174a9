"""Sphinx glue for the edition: one extension that Jupyter Book loads from _config.yml.

Its modules are imported when Sphinx sets the extension up, not with the package, so that a
project loading only some of them (``edition.sphinxext.atomic_output``, ``.bibstyle`` ...) imports
only those.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config


def check_inputs(app: Sphinx, config: Config) -> None:
    """Refuse to build from an altered seed or from invalid data (edition.check.verify: data that
    passed a validation unchanged is not validated again; any change validates in full)."""
    from sphinx.errors import ConfigError

    from edition import check

    try:
        check.verify()
    except check.CheckFailed as err:
        raise ConfigError(str(err)) from err


# Files the themes copy into _static that no page of this book loads or links: source maps
# (read only by browser developer tools) and the theme's translation catalogs (the book is in
# English; they are used at build time), and the theme's icon script, which no page loads
# (see page_assets.UNLOADED_ICON_SCRIPT). About 5.5 MB. The icon fonts' TrueType copies stay:
# the theme's CSS names them as fallbacks, and a dangling reference would be a broken link.
UNLOADED_STATIC = ("**/*.map", "locales")


def prune_static(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.name not in ("html", "dirhtml"):
        return
    from edition.sphinxext import page_assets

    static = Path(app.outdir) / "_static"
    for pattern in (*UNLOADED_STATIC, *page_assets.UNLOADED_ICON_SCRIPT):
        for path in static.glob(pattern):
            shutil.rmtree(path) if path.is_dir() else path.unlink()


def add_static(app: Sphinx, config: Config) -> None:
    from edition.paths import STATIC_DIR

    config.html_static_path.append(str(STATIC_DIR))


def setup(app: Sphinx) -> dict[str, Any]:
    from edition.paths import STATIC_DIR
    from edition.sphinxext import atomic_output, bibstyle, compact_html, csp, data_docs, downloads, editorial
    from edition.sphinxext import essay_text, figure_panel, htmlnodes, icon_fonts, inputs, markup_fixes
    from edition.sphinxext import markup_nodes, notebook_downloads, page_assets, pagemeta, plotly_output, print_edition
    from edition.sphinxext import search_index

    bibstyle.setup(app)
    app.connect("config-inited", check_inputs)
    app.connect("config-inited", add_static)
    app.connect("build-finished", prune_static)
    app.add_css_file("edition/edition.css")
    # in the page, not fetched: it runs before first paint (see page_assets)
    app.add_js_file(None, body=(STATIC_DIR / "edition" / "theme-mode.js").read_text(encoding="utf-8"), priority=100)
    app.add_js_file("edition/notes.js", loading_method="defer")
    csp.setup(app)
    compact_html.setup(app)
    atomic_output.setup(app)
    htmlnodes.setup(app)
    essay_text.setup(app)
    editorial.setup(app)
    data_docs.setup(app)
    downloads.setup(app)
    markup_fixes.setup(app)
    figure_panel.setup(app)
    plotly_output.setup(app)
    markup_nodes.setup(app)
    notebook_downloads.setup(app)
    inputs.setup(app)
    page_assets.setup(app)
    print_edition.setup(app)
    icon_fonts.setup(app)
    pagemeta.setup(app)
    search_index.setup(app)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
