"""Sphinx glue for the edition: one extension that Jupyter Book loads from _config.yml."""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError

from edition import data, essay
from edition.paths import STATIC_DIR
from edition.sphinxext import data_docs, essay_text, figure_panel
from edition.sphinxext import plotly_output


def check_inputs(app: Sphinx, config: Config) -> None:
    """Refuse to build from an altered seed or from invalid data."""
    try:
        essay.load()
        data.validate()
    except (essay.SeedError, data.DataError) as err:
        raise ConfigError(str(err)) from err


def add_static(app: Sphinx, config: Config) -> None:
    config.html_static_path.append(str(STATIC_DIR))


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", check_inputs)
    app.connect("config-inited", add_static)
    app.add_css_file("edition/edition.css")
    app.add_js_file("edition/theme-mode.js", priority=100)
    app.add_js_file("edition/notes.js", loading_method="defer")
    essay_text.setup(app)
    data_docs.setup(app)
    figure_panel.setup(app)
    plotly_output.setup(app)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
