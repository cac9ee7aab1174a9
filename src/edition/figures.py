"""Figure builders: each takes DataFrames and returns a plotly Figure; ``show`` displays one."""

from __future__ import annotations

import html
from typing import Any

import pandas as pd
import plotly.graph_objects as go

PLOTLY_MIME = "application/vnd.plotly.v1+json"
# Where JupyterLab finds the vendored basemap when `make lab` serves the repository root;
# the built book overrides this with its own _static path (see static/edition/figures.js).
LAB_TOPOJSON_URL = "/files/src/edition/static/edition/topojson/"
FONT = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif"
RUSSIA, IRAN = "#b2182b", "#2166ac"
KIND_STYLE = {
    "state": dict(symbol="circle", size=11),
    "armed-group": dict(symbol="diamond", size=10),
    "site": dict(symbol="square", size=8),
}


def esc(value: Any) -> str:
    """Text from the data, escaped for Plotly's HTML-like hover and label strings."""
    return "" if value is None or value is pd.NA else html.escape(str(value), quote=False)


def figure_config(fig: go.Figure) -> dict[str, Any]:
    """Plotly config for a figure: responsive, no logo, offline basemap where it has a map."""
    config: dict[str, Any] = {"responsive": True, "displaylogo": False}
    if any(getattr(trace, "type", "") in ("scattergeo", "choropleth") for trace in fig.data):
        config["topojsonURL"] = LAB_TOPOJSON_URL
    return config


def mimebundle(fig: go.Figure) -> dict[str, Any]:
    """The figure as Plotly's own mime type, the only output a figure cell emits."""
    spec = fig.to_plotly_json()
    return {PLOTLY_MIME: {"data": spec["data"], "layout": spec["layout"], "config": figure_config(fig)}}


def show(fig: go.Figure) -> None:
    """Display a figure as Plotly's mime type: native in JupyterLab, rendered by the book's glue."""
    from IPython.display import display

    display(mimebundle(fig), raw=True)


def base_layout(**overrides: Any) -> dict[str, Any]:
    """Layout shared by the book's figures: small margins, readable on a phone."""
    layout: dict[str, Any] = dict(
        font=dict(family=FONT, size=13),
        margin=dict(l=8, r=8, t=40, b=8),
        legend=dict(orientation="h", yanchor="bottom", y=-0.15, x=0),
        hoverlabel=dict(font=dict(family=FONT)),
    )
    layout.update(overrides)
    return layout


def actors_map(places: pd.DataFrame, highlight: tuple[str, ...] = ("RUS", "IRN")) -> go.Figure:
    """The essay's actors where the book's maps place them, Russia and Iran emphasized."""
    mapped = places.dropna(subset=["latitude", "longitude"])
    mapped = mapped[mapped["kind"].isin(list(KIND_STYLE))]
    fig = go.Figure()
    for kind, style in KIND_STYLE.items():
        rows = mapped[mapped["kind"] == kind]
        if rows.empty:
            continue
        colors = [RUSSIA if pid == "RUS" else IRAN if pid == "IRN" else "#555555" for pid in rows["place_id"]]
        sizes = [style["size"] + (5 if pid in highlight else 0) for pid in rows["place_id"]]
        fig.add_trace(
            go.Scattergeo(
                lon=rows["longitude"].astype(float),
                lat=rows["latitude"].astype(float),
                mode="markers+text",
                # only Russia and Iran are labeled on the map; the rest name themselves on hover
                text=[esc(n) if pid in highlight else "" for n, pid in zip(rows["name"], rows["place_id"])],
                hovertext=[esc(n) for n in rows["name"]],
                textposition="top center",
                textfont=dict(size=14),
                marker=dict(symbol=style["symbol"], size=sizes, color=colors, line=dict(width=1, color="white")),
                name={"state": "State (at its capital)", "armed-group": "Armed group (at its base)",
                      "site": "Site"}[kind],
                customdata=list(zip((esc(v) for v in rows["located_at"]), (esc(v) for v in rows["sources"]))),
                hovertemplate="<b>%{hovertext}</b><br>drawn at %{customdata[0]}<br>source: %{customdata[1]}<extra></extra>",
            )
        )
    fig.update_layout(
        **base_layout(height=460, title=dict(text="Where the essay's actors sit", x=0)),
        geo=dict(
            projection_type="natural earth",
            resolution=110,
            showland=True,
            showcountries=True,
            showocean=True,
            lataxis_range=[8, 62],
            lonaxis_range=[0, 95],
        ),
    )
    return fig
