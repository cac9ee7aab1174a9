"""Figure panels: each figure glued with its data table, its sources and a text summary."""

from __future__ import annotations

from typing import Iterable

import pandas as pd
import plotly.graph_objects as go
from IPython.display import Markdown

from edition.figures import FigureOutput
from edition.tables import to_html


def source_keys(frame: pd.DataFrame, column: str = "sources") -> list[str]:
    """Every bibliography key the rows cite, once, in order of first appearance."""
    keys: list[str] = []
    for cell in frame[column].dropna():
        for key in str(cell).split(";"):
            if key and key not in keys:
                keys.append(key)
    return keys


def sources_markdown(keys: Iterable[str], extra: str = "") -> str:
    """MyST text citing each key, so the Sources tab links into the bibliography."""
    keys = list(keys)
    text = f"This figure draws on {len(keys)} sources: {{cite:p}}`{','.join(keys)}`."
    return f"{text} {extra}".strip()


def glue_panel(name: str, fig: go.Figure, rows: pd.DataFrame, shown: pd.DataFrame, summary: str,
               note: str = "") -> None:
    """Glue '<name>' (the figure), '-data', '-sources' and '-summary' for a chapter's tab set."""
    from myst_nb import glue

    glue(name, FigureOutput(fig), display=False)
    glue(f"{name}-data", to_html(shown, caption=f"Data behind the figure {name}"), display=False)
    glue(f"{name}-sources", Markdown(sources_markdown(source_keys(rows), note)), display=False)
    glue(f"{name}-summary", Markdown(summary), display=False)
