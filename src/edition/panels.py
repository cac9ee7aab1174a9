"""Figure panels: each figure glued with its data table, its sources and a text summary.

A chapter cell serves two readers. The book takes the glued parts (hidden outputs that myst-nb
places in the Chart | Data | Sources panel). A reader running the chapter as a notebook sees the
figure drawn in the cell's output, as Plotly's own mime type, which JupyterLab draws natively;
that output is marked notebook-only, and the book's mime renderer leaves it out, so the page
shows each figure once.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from edition import markup
from edition.figures import PLOTLY_MIME, FigureOutput
from edition.paths import STATIC_DIR
from edition.tables import SourceNumbers, source_entries, sources_list, to_html

# Output metadata marking what only the notebook view shows (read by sphinxext.plotly_output).
NOTEBOOK_ONLY = {"edition": {"notebook_only": True}}
TOPOJSON_DIR = STATIC_DIR / "edition" / "topojson"
GEO_TRACES = ("scattergeo", "choropleth")
# The sources lists glued so far in this kernel (a chapter's page): the keys, in list order, to the list's id.
_LISTED: dict[tuple[str, ...], str] = {}
_LISTED_BY: dict[str, str] = {}  # each list's id to the figure whose Sources tab shows it


@lru_cache(maxsize=4)
def _topojson(name: str) -> str:
    path = TOPOJSON_DIR / f"{name}.json"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no vendored basemap {name!r} (see {TOPOJSON_DIR / 'README.md'})")
    return json.dumps(json.loads(path.read_text(encoding="utf-8")), separators=(",", ":"))


def basemap_names(fig: go.Figure) -> list[str]:
    """The topojson files plotly.js will ask for: one per geo subplot, '<scope>_<resolution>'."""
    if not any(getattr(trace, "type", "") in GEO_TRACES for trace in fig.data):
        return []
    names = []
    for key in fig.layout:
        if key.startswith("geo"):
            geo = fig.layout[key]
            name = f"{geo.scope or 'world'}_{int(geo.resolution or 110)}m"
            if name not in names:
                names.append(name)
    return names or ["world_110m"]


def basemap_script(names: list[str]) -> str:
    """HTML whose script hands plotly.js the vendored basemap before it would fetch one.

    plotly.js looks in window.PlotlyGeoAssets.topojson before requesting a file from the
    figure's topojsonURL, so with this in place no request is made at all: the map draws offline
    whatever the server's root directory or URL prefix (JupyterHub, Binder).
    """
    assets = ";".join(f"t[{json.dumps(name)}]={_topojson(name).replace('</', '<' + chr(92) + '/')}" for name in names)
    return ("<script>(function(){var a=window.PlotlyGeoAssets=window.PlotlyGeoAssets||{};"
            f"var t=a.topojson=a.topojson||{{}};{assets};}})();</script>")


def notebook_figure(fig: go.Figure) -> list[dict[str, Any]]:
    """The display outputs that draw ``fig`` in a notebook: the basemap (for maps), then the figure."""
    outputs = []
    names = basemap_names(fig)
    if names:
        outputs.append({"text/html": basemap_script(names)})
    outputs.append(FigureOutput(fig)._repr_mimebundle_())
    return outputs


def notebook_panel_html(name: str, summary: str, table_html: str, sources_html: str) -> str:
    """What the book's panel adds to a figure, for a notebook reader: the summary under the figure,
    then the data and the sources folded. ``table_html`` and ``sources_html`` are the notebook
    HTML of edition.markup documents (written by its autoescaping templates); the rest is escaped."""
    from markupsafe import Markup

    return markup.render("notebook_panel", summary=summary, parts=[
        {"summary": f"Data behind the figure {name}", "html": Markup(table_html)},
        {"summary": "Sources", "html": Markup(sources_html)},
    ])


def show_in_notebook(fig: go.Figure, panel_html: str | None = None) -> None:
    """Draw ``fig`` (and its panel's text) in the cell's output for a notebook reader; the book
    leaves these outputs out, since its figure panel shows the same."""
    from IPython.display import display

    for bundle in notebook_figure(fig):
        display(bundle, raw=True, metadata=NOTEBOOK_ONLY)
    if panel_html:
        display({"text/html": panel_html}, raw=True, metadata=NOTEBOOK_ONLY)


def source_keys(frame: pd.DataFrame, column: str = "sources") -> list[str]:
    """Every bibliography key the rows cite, once, in order of first appearance."""
    keys: list[str] = []
    for cell in frame[column].dropna():
        for key in str(cell).split(";"):
            if key and key not in keys:
                keys.append(key)
    return keys


class PlainText:
    """Text glued as text/plain only: a figure summary quotes data (event titles and the like), so
    the figure panel shows it as text and no Markdown parser ever reads it."""

    def __init__(self, text: str):
        self.text = text

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, str]:
        return {"text/plain": self.text}


def glue_panel(name: str, fig: go.Figure, rows: pd.DataFrame, shown: pd.DataFrame, summary: str,
               note: str = "") -> None:
    """Glue '<name>' (the figure), '-data', '-sources' and '-summary' for a chapter's tab set."""
    from myst_nb import glue

    keys = source_keys(rows)
    entries = tuple(s.key for s in source_entries(keys))
    # the page lists each figure's sources once: a later figure drawing on the very same sources
    # points to the earlier list, and the data table's rows refer to the list's entries by number
    # (lists are named src1, src2 … in the order the page glues them: short, since every row's
    # source numbers and every entry of the list carry the name in their links and ids)
    list_id = _LISTED.setdefault(entries, f"src{len(_LISTED) + 1}")
    see = None if _LISTED_BY.setdefault(list_id, name) == name else list_id
    table = to_html(shown, caption=f"Data behind the figure {name}", numbers=SourceNumbers(list_id, entries))
    sources = sources_list(keys, note, list_id=list_id, see=see)
    glue(name, FigureOutput(fig), display=False)
    glue(f"{name}-data", table, display=False)
    glue(f"{name}-sources", sources, display=False)
    glue(f"{name}-summary", PlainText(summary), display=False)
    show_in_notebook(fig, notebook_panel_html(name, summary, table.data, sources.data))
