"""Figure builders: each takes DataFrames and returns a plotly Figure; ``show`` displays one."""

from __future__ import annotations

import html
import json
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
    spec = json.loads(fig.to_json())  # plotly's own encoder turns numpy dates and arrays into JSON
    return {PLOTLY_MIME: {"data": spec["data"], "layout": spec["layout"], "config": figure_config(fig)}}


class FigureOutput:
    """A figure that displays (and glues) as Plotly's mime type only, whatever the default renderer:
    JupyterLab draws it natively, and the book's mime renderer turns it into a live figure."""

    def __init__(self, fig: go.Figure):
        self.fig = fig

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return mimebundle(self.fig)



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
    # highlighted places last, so each legend swatch takes an ordinary marker's color
    mapped = mapped.assign(_hl=mapped["place_id"].isin(highlight)).sort_values("_hl", kind="stable")
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


# ---- shared vocabulary of the arms figures ------------------------------------------------

RUSSIA_SIDE = {"RUS", "WAG"}
IRAN_SIDE = {"IRN"}
PARTNERS = {"SYR", "HEZ", "HAM", "HOU", "IQM"}
# Okabe-Ito colors, distinguishable with the common forms of color blindness
DIRECTIONS = {
    "Russia → Iran": "#D55E00",
    "Iran → Russia": "#0072B2",
    "Iran → its partners": "#009E73",
    "Russia → Iran's partners": "#E69F00",
    "Iran's partners → Russia": "#CC79A7",
    "Among Iran's partners": "#999999",
}
EVIDENCE_STYLE = {
    "official-statement": dict(dash="solid", width=3.0, label="official statement"),
    "several-independent-reports": dict(dash="dash", width=2.4, label="several independent reports"),
    "single-report": dict(dash="dot", width=1.8, label="single report"),
    "denied-by-supplier": dict(dash="dashdot", width=1.8, label="denied by the supplier"),
}
RUSSIA_TO_PARTNERS = "Russia → Iran's partners"
ESSAY_DAY = pd.Timestamp("2023-10-26")


def direction(supplier: str, recipient: str) -> str:
    """Which way a transfer runs, in the essay's terms."""
    def side(code: str) -> str:
        return "R" if code in RUSSIA_SIDE else "I" if code in IRAN_SIDE else "P"
    return {
        ("R", "I"): "Russia → Iran", ("I", "R"): "Iran → Russia", ("I", "P"): "Iran → its partners",
        ("R", "P"): "Russia → Iran's partners", ("P", "R"): "Iran's partners → Russia",
    }.get((side(supplier), side(recipient)), "Among Iran's partners")


def transfer_span(transfers: pd.DataFrame) -> pd.DataFrame:
    """Start and end year of each transfer: from its first known date to its last delivery."""
    dates = transfers[["order_date", "first_delivery_date", "public_date"]]
    start = dates.min(axis=1)
    end = transfers["last_delivery_date"].fillna(transfers["first_delivery_date"]).fillna(start)
    end = pd.concat([start, end], axis=1).max(axis=1)
    return pd.DataFrame({"start": start, "end": end, "start_year": start.dt.year, "end_year": end.dt.year},
                        index=transfers.index)


def transfer_hover(row: Any) -> str:
    """Hover text for one transfer: system, direction, dates, status, evidence and sources, escaped."""
    from edition.tables import format_date

    precision_of = {"order_date": "order_date_precision", "first_delivery_date": "first_delivery_precision",
                    "last_delivery_date": "last_delivery_precision"}

    def when(column: str) -> str:
        return format_date(getattr(row, column), getattr(row, precision_of[column]))

    public = format_date(row.public_date, row.public_date_precision)
    lines = [
        f"<b>{esc(row.system)}</b>",
        f"{esc(row.supplier)} → {esc(row.recipient)} · {esc(row.category)}",
        f"ordered: {when('order_date') or 'n/a'} · delivered: {when('first_delivery_date') or 'n/a'}"
        + (f" to {when('last_delivery_date')}" if when("last_delivery_date") else ""),
        f"status: {esc(row.status)} · evidence: {esc(row.evidence)}",
        f"first public: {public or 'unknown'}" + (" (after the essay)" if bool(row.public_after_essay) else ""),
        f"sources: {esc(row.sources).replace(';', ', ')}",
    ]
    return "<br>".join(lines)


def _curve(a: tuple[float, float], b: tuple[float, float], bend: float, points: int = 10) -> tuple[list[float], list[float]]:
    """A gentle arc from a to b (lon, lat), bent sideways so parallel flows do not overlap."""
    (x0, y0), (x1, y1) = a, b
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    dx, dy = x1 - x0, y1 - y0
    length = max((dx * dx + dy * dy) ** 0.5, 1e-9)
    cx, cy = mx - dy / length * bend, my + dx / length * bend
    lons, lats = [], []
    for i in range(points + 1):
        t = i / points
        lons.append(round((1 - t) ** 2 * x0 + 2 * (1 - t) * t * cx + t * t * x1, 3))
        lats.append(round((1 - t) ** 2 * y0 + 2 * (1 - t) * t * cy + t * t * y1, 3))
    return lons, lats


def _visible(spans: pd.DataFrame, year: int | None, known_only: bool, known: pd.Series) -> list[bool]:
    mask = pd.Series(True, index=spans.index)
    if year is not None:
        mask &= (spans["start_year"] <= year) & (spans["end_year"] >= year)
    if known_only:
        mask &= known
    return mask.tolist()


def arms_flow_map(transfers: pd.DataFrame, places: pd.DataFrame) -> go.Figure:
    """Directional arms flows on a map, with a year slider and a 'known in October 2023' toggle."""
    coords = places.set_index("place_id")[["longitude", "latitude"]].astype(float)
    rows = transfers.reset_index(drop=True)
    spans = transfer_span(rows)
    dated = spans["start"].notna()
    rows, spans = rows[dated].reset_index(drop=True), spans[dated].reset_index(drop=True)
    known = ~rows["public_after_essay"].fillna(False).astype(bool)
    pair_index = rows.groupby(["supplier", "recipient"]).cumcount()
    pair_count = rows.groupby(["supplier", "recipient"])["transfer_id"].transform("count")

    fig = go.Figure()
    shown_directions: set[str] = set()
    for i, row in enumerate(rows.itertuples()):
        a = tuple(coords.loc[row.supplier])
        b = tuple(coords.loc[row.recipient])
        bend = (pair_index[i] - (pair_count[i] - 1) / 2) * 0.9 + 1.5
        lons, lats = _curve(a, b, bend)
        label = direction(row.supplier, row.recipient)
        style = EVIDENCE_STYLE[row.evidence]
        hover = transfer_hover(row)
        fig.add_trace(go.Scattergeo(
            lon=lons, lat=lats, mode="lines+markers",
            line=dict(color=DIRECTIONS[label], width=style["width"], dash=style["dash"]),
            marker=dict(symbol=["circle"] + ["circle"] * (len(lons) - 2) + ["arrow"],
                        size=[0] * (len(lons) - 1) + [13], angleref="previous",
                        color=DIRECTIONS[label], line=dict(width=0)),
            name=label, legendgroup=label, showlegend=False,
            # one trace-level template rather than a copy of the text on every point of the arc
            hovertemplate=hover.replace("%{", "% {") + "<extra></extra>",
            meta={"transfer_id": row.transfer_id},
        ))
        shown_directions.add(label)
    n_flows = len(fig.data)
    # legend: one solid swatch per direction (clicking it hides that direction's arcs) ...
    for label in DIRECTIONS:
        if label in shown_directions:
            fig.add_trace(go.Scattergeo(lon=[None], lat=[None], mode="lines", name=label, legendgroup=label,
                                        line=dict(color=DIRECTIONS[label], width=4), hoverinfo="skip"))
    # ... and one gray swatch per line style, which carries the evidence without relying on color
    for grade, style in EVIDENCE_STYLE.items():
        fig.add_trace(go.Scattergeo(lon=[None], lat=[None], mode="lines", name=f"Evidence: {style['label']}",
                                    line=dict(color="#777777", width=style["width"], dash=style["dash"]),
                                    legendgroup="evidence", hoverinfo="skip"))
    mapped = places[places["place_id"].isin(set(rows["supplier"]) | set(rows["recipient"]))]
    fig.add_trace(go.Scattergeo(
        lon=mapped["longitude"].astype(float), lat=mapped["latitude"].astype(float), mode="markers+text",
        text=[esc(n) for n in mapped["name"].str.replace(r" \(.*\)", "", regex=True)],
        textposition="bottom center", textfont=dict(size=11),
        marker=dict(size=7, color="#444444"), name="Actor (at its capital or base)", hoverinfo="text",
        hovertext=[f"{esc(n)}: drawn at {esc(at)}" for n, at in zip(mapped["name"], mapped["located_at"])],
    ))
    extra = [True] * (len(fig.data) - n_flows)

    years = list(range(int(spans["start_year"].min()), int(spans["end_year"].max()) + 1))

    def slider(known_only: bool) -> dict[str, Any]:
        steps = [dict(label="All", method="restyle",
                      args=[{"visible": _visible(spans, None, known_only, known) + extra}])]
        for year in years:
            steps.append(dict(label=str(year), method="restyle",
                              args=[{"visible": _visible(spans, year, known_only, known) + extra}]))
        return dict(active=0, steps=steps, x=0, len=1, y=0.33, yanchor="top", pad=dict(t=10, b=0),
                    currentvalue=dict(prefix="Transfers under way in: ", font=dict(size=13)))

    toggle = dict(
        type="buttons", direction="right", x=0, y=1.07, xanchor="left", yanchor="top", showactive=True,
        buttons=[
            dict(label="Latest data", method="update",
                 args=[{"visible": _visible(spans, None, False, known) + extra}, {"sliders": [slider(False)]}]),
            dict(label="Known 26 Oct 2023", method="update",
                 args=[{"visible": _visible(spans, None, True, known) + extra}, {"sliders": [slider(True)]}]),
        ],
    )
    fig.update_layout(
        **base_layout(height=760, margin=dict(l=4, r=4, t=60, b=8),
                      legend=dict(orientation="h", yanchor="top", y=0.13, x=0, font=dict(size=11))),
        geo=dict(projection_type="natural earth", resolution=110, showland=True, showcountries=True,
                 showocean=True, lataxis_range=[10, 60], lonaxis_range=[12, 72], domain=dict(x=[0, 1], y=[0.36, 1])),
        sliders=[slider(False)], updatemenus=[toggle],
        meta={"edition": "arms-flow-map", "flows": n_flows, "years": years},
    )
    return fig


def summarize_flows(transfers: pd.DataFrame) -> str:
    """A text summary of the arms-flow map, computed from the same rows."""
    counts = transfers.apply(lambda r: direction(r["supplier"], r["recipient"]), axis=1).value_counts()
    spans = transfer_span(transfers)
    ir = transfers[(transfers["supplier"] == "IRN") & (transfers["recipient"] == "RUS")]
    ri = transfers[(transfers["supplier"] == "RUS") & (transfers["recipient"] == "IRN")]
    first_ir = int(spans.loc[ir.index, "start_year"].min()) if len(ir) else None
    ri_before = int((spans.loc[ri.index, "start_year"] < 2022).sum())
    ir_before = int((spans.loc[ir.index, "start_year"] < 2022).sum())
    ir_from = int((spans.loc[ir.index, "start_year"] >= 2022).sum())
    later = int(transfers["public_after_essay"].fillna(False).sum())
    undated = int(spans["start"].isna().sum())
    parts = ", ".join(f"{n} {label}" for label, n in counts.items())
    text = (
        f"The map draws {len(transfers) - undated} of the {len(transfers)} recorded transfers as arrows from "
        f"supplier to recipient ({parts}). Before 2022, {ri_before} of the {len(ri)} Russia-to-Iran transfers had "
        f"begun, against {ir_before} from Iran to Russia; the first Iran-to-Russia transfer dates from "
        f"{first_ir}, and {ir_from} of the {len(ir)} such rows begin in 2022 or later. "
        f"{later} transfers first became public after the essay appeared; the toggle hides them."
    )
    if undated:
        text += f" {undated} transfer{'s' if undated > 1 else ''} without any known date cannot be placed on the time control and is not drawn."
    return text


# ---- the role reversal in numbers ---------------------------------------------------------

def reversal_counts(transfers: pd.DataFrame) -> pd.DataFrame:
    """Transfers begun per year and direction (rows: years; columns: directions)."""
    spans = transfer_span(transfers)
    frame = pd.DataFrame({
        "year": spans["start_year"],
        "direction": [direction(s, r) for s, r in zip(transfers["supplier"], transfers["recipient"])],
    }).dropna(subset=["year"])
    frame["year"] = frame["year"].astype(int)
    table = frame.groupby(["year", "direction"]).size().unstack(fill_value=0)
    table = table.reindex(columns=[d for d in DIRECTIONS if d in table.columns])
    return table.reindex(range(table.index.min(), table.index.max() + 1), fill_value=0)


def reversal_bars(transfers: pd.DataFrame) -> go.Figure:
    """Stacked bars of transfers begun each year, by direction, with the invasion of Ukraine marked."""
    counts = reversal_counts(transfers)
    fig = go.Figure()
    patterns = {"Russia → Iran": "", "Iran → Russia": "/", "Iran → its partners": ".",
                "Russia → Iran's partners": "x", "Iran's partners → Russia": "-", "Among Iran's partners": "+"}
    for label in counts.columns:
        fig.add_trace(go.Bar(
            x=counts.index, y=counts[label], name=label, marker_color=DIRECTIONS[label],
            marker_pattern_shape=patterns[label],
            hovertemplate=f"{esc(label)}<br>%{{x}}: %{{y}} transfer(s) begun<extra></extra>",
        ))
    fig.add_vline(x=2022 - 0.5, line=dict(color="#555555", dash="dash", width=1.5))
    fig.add_annotation(x=2022 - 0.5, y=1, yref="paper", text="Invasion of Ukraine, Feb 2022",
                       showarrow=False, xanchor="right", yanchor="top", font=dict(size=11))
    fig.update_layout(
        **base_layout(height=420, barmode="stack", margin=dict(l=40, r=8, t=30, b=8),
                      legend=dict(orientation="h", yanchor="top", y=-0.18, x=0, font=dict(size=11))),
        xaxis=dict(title=None, dtick=5, tick0=1990), yaxis=dict(title="transfers begun", dtick=1),
        meta={"edition": "reversal-bars"},
    )
    return fig


def summarize_reversal(transfers: pd.DataFrame) -> str:
    """A text summary of the reversal chart, from the same counts."""
    counts = reversal_counts(transfers)
    before = counts[counts.index < 2022].sum()
    after = counts[counts.index >= 2022].sum()

    def n(series: pd.Series, label: str) -> int:
        return int(series.get(label, 0))

    return (
        f"Before 2022 the table records {n(before, 'Russia → Iran')} transfers begun from Russia to Iran and "
        f"{n(before, 'Iran → Russia')} from Iran to Russia. From 2022 on it records {n(after, 'Iran → Russia')} "
        f"from Iran to Russia and {n(after, 'Russia → Iran')} from Russia to Iran, several of them requests or "
        f"reports rather than deliveries. Over the whole period, {n(counts.sum(), 'Iran → its partners')} "
        f"transfers run from Iran to its partners and {n(counts.sum(), RUSSIA_TO_PARTNERS)} from "
        f"Russia to them."
    )


# ---- the alliance timeline ----------------------------------------------------------------

CERTAINTY_SYMBOL = {"confirmed": "circle", "reported": "circle-open", "disputed": "x"}
ERAS = {
    "All": ("1715-01-01", "2027-01-01"),
    "Wars and empires, 1722–1921": ("1715-01-01", "1925-01-01"),
    "World war and Cold War, 1941–1991": ("1938-01-01", "1992-01-01"),
    "After the Soviet Union, 1991–2021": ("1989-01-01", "2022-01-01"),
    "Since 2022": ("2021-10-01", "2027-01-01"),
}


def paragraph_links(cell: Any, pages: dict[int, str]) -> tuple[str, str]:
    """('¶3, ¶5', 'page.html#essay-p3') for an event's paragraph list; empty strings if none."""
    if cell is None or cell is pd.NA or (isinstance(cell, float) and pd.isna(cell)) or not str(cell):
        return "", ""
    numbers = [int(p) for p in str(cell).split(";") if p]
    first = numbers[0]
    href = f"{pages[first]}.html#essay-p{first}" if first in pages else ""
    return ", ".join(f"¶{n}" for n in numbers), href


def alliance_timeline(events: pd.DataFrame, pages: dict[int, str]) -> go.Figure:
    """Events on lanes by category, zoomable by era, the essay's date marked; click opens the paragraph."""
    from edition.tables import date_span

    rows = events.sort_values("start_date")
    lanes = [c for c in ["war", "treaty", "diplomacy", "military", "arms", "nuclear", "sanctions", "economy",
                         "intelligence", "revolution"] if c in set(rows["category"])]
    fig = go.Figure()
    # durations as thin bars behind the points
    spans_x: list[Any] = []
    spans_y: list[Any] = []
    for r in rows[rows["end_date"].notna()].itertuples():
        spans_x += [r.start_date, r.end_date, None]
        spans_y += [r.category, r.category, None]
    fig.add_trace(go.Scatter(x=spans_x, y=spans_y, mode="lines", line=dict(color="#9aa5b1", width=6),
                             hoverinfo="skip", name="Duration", showlegend=True, opacity=0.6))
    for after, color, label in ((False, "#0072B2", "Known when the essay appeared"),
                                (True, "#D55E00", "After 26 October 2023")):
        part = rows[rows["after_essay"] == after]
        links = [paragraph_links(p, pages) for p in part["paragraphs"]]
        hover = [
            f"<b>{esc(r.title)}</b><br>{date_span(r.start_date, r.start_precision, r.end_date, r.end_precision)}"
            f" · {esc(r.certainty)}<br>{esc(r.summary)}<br>"
            + (f"bears on {lk[0]} (click to read)<br>" if lk[0] else "")
            + f"sources: {esc(r.sources).replace(';', ', ')}"
            for r, lk in zip(part.itertuples(), links)
        ]
        fig.add_trace(go.Scatter(
            x=part["start_date"], y=part["category"], mode="markers", name=label,
            marker=dict(color=color, size=10, symbol=[CERTAINTY_SYMBOL[c] for c in part["certainty"]],
                        line=dict(width=1.5, color=color)),
            customdata=[[lk[1]] for lk in links], hovertext=hover, hoverinfo="text",
            meta={"clickLink": 0},
        ))
    for certainty, symbol in CERTAINTY_SYMBOL.items():
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=f"{certainty}",
                                 marker=dict(symbol=symbol, size=10, color="#666666", line=dict(width=1.5, color="#666666")),
                                 hoverinfo="skip", legendgroup="certainty"))
    fig.add_shape(type="line", x0=ESSAY_DAY, x1=ESSAY_DAY, y0=0, y1=1, yref="paper",
                  line=dict(color="#D55E00", dash="dash", width=1.5))
    fig.add_annotation(x=ESSAY_DAY, y=1.02, yref="paper", text="Essay, 26 Oct 2023", showarrow=False,
                       xanchor="right", font=dict(size=11, color="#D55E00"))
    buttons = [dict(label=name, method="relayout", args=[{"xaxis.range": list(span)}]) for name, span in ERAS.items()]
    fig.update_layout(
        **base_layout(height=560, margin=dict(l=8, r=8, t=80, b=8),
                      legend=dict(orientation="h", yanchor="top", y=-0.32, x=0, font=dict(size=11))),
        xaxis=dict(type="date", range=list(ERAS["All"]), rangeslider=dict(visible=True, thickness=0.08)),
        yaxis=dict(categoryorder="array", categoryarray=lanes[::-1], title=None, fixedrange=True),
        updatemenus=[dict(type="dropdown", x=0, y=1.16, xanchor="left", yanchor="top", buttons=buttons,
                          showactive=True, active=0)],
        meta={"edition": "alliance-timeline"},
    )
    return fig


def summarize_timeline(events: pd.DataFrame) -> str:
    """A text summary of the timeline, from the same rows."""
    rows = events.sort_values("start_date")
    by_category = rows["category"].value_counts()
    before_1900 = int((rows["start_date"].dt.year < 1900).sum())
    after = int(rows["after_essay"].sum())
    reported = int((rows["certainty"] != "confirmed").sum())
    first, last = rows.iloc[0], rows.iloc[-1]
    top = ", ".join(f"{n} {c}" for c, n in by_category.head(4).items())
    return (
        f"The timeline places {len(rows)} events from {first.start_date.year} ({first.title}) to "
        f"{last.start_date.date().isoformat()} ({last.title}) on lanes by kind; the largest lanes are {top}. "
        f"{before_1900} events fall before 1900. {after} began after the essay appeared and are drawn in a "
        f"second color; {reported} are only reported or disputed and are drawn as open circles or crosses."
    )


# ---- the drone path -----------------------------------------------------------------------

DRONE_STAGES = {
    "personnel": "Iranian trainers and technicians",
    "uav": "Drones supplied by Iran",
    "production": "Production in Russia",
    "used": "Reported in use against Ukraine",
}


def drone_rows(transfers: pd.DataFrame) -> pd.DataFrame:
    """Transfers on the drone path: Iranian drones, trainers and production know-how going to Russia."""
    rows = transfers[(transfers["supplier"] == "IRN") & (transfers["recipient"] == "RUS")
                     & transfers["category"].isin(["uav", "personnel", "production"])].copy()
    spans = transfer_span(rows)
    rows["start"], rows["end"] = spans["start"], spans["end"]
    rows["stage"] = [DRONE_STAGES["used"] if (c == "uav" and str(u) == "UKR" and pd.isna(f)) else DRONE_STAGES[c]
                     for c, u, f in zip(rows["category"], rows["used_against"], rows["first_delivery_date"])]
    return rows.dropna(subset=["start"]).sort_values("start")


def drone_path(transfers: pd.DataFrame) -> go.Figure:
    """The Iranian drone design's path from supply to Russian production and use, stage by stage."""
    rows = drone_rows(transfers)
    fig = go.Figure()
    stage_order = list(DRONE_STAGES.values())
    for stage, color in zip(stage_order, ["#009E73", "#0072B2", "#D55E00", "#555555"]):
        part = rows[rows["stage"] == stage]
        if part.empty:
            continue
        xs: list[Any] = []
        ys: list[Any] = []
        for r in part.itertuples():
            if r.end > r.start:
                xs += [r.start, r.end, None]
                ys += [stage, stage, None]
        if xs:
            fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line=dict(color=color, width=8), opacity=0.35,
                                     hoverinfo="skip", showlegend=False))
        fig.add_trace(go.Scatter(
            x=part["start"], y=part["stage"], mode="markers", name=stage,
            marker=dict(size=13, color=color, symbol="diamond", line=dict(width=1, color="white")),
            hovertext=[transfer_hover(r) for r in part.itertuples()], hoverinfo="text", showlegend=False,
        ))
    fig.add_vline(x=ESSAY_DAY, line=dict(color="#D55E00", dash="dash", width=1.2))
    fig.add_annotation(x=ESSAY_DAY, y=1.04, yref="paper", text="Essay", showarrow=False, font=dict(size=11))
    fig.update_layout(
        **base_layout(height=380, margin=dict(l=8, r=8, t=30, b=8), showlegend=False),
        xaxis=dict(type="date", range=["2022-03-01", "2026-03-01"]),
        yaxis=dict(categoryorder="array", categoryarray=stage_order[::-1], title=None, automargin=True),
        meta={"edition": "drone-path"},
    )
    return fig


def summarize_drone_path(transfers: pd.DataFrame) -> str:
    """A text summary of the drone-path figure."""
    rows = drone_rows(transfers)
    firsts = rows.groupby("stage")["start"].min()
    parts = [f"{stage} from {firsts[stage].strftime('%B %Y')}" for stage in DRONE_STAGES.values()
             if stage in firsts.index]
    return (f"The figure follows {len(rows)} recorded transfers of Iranian drones, trainers and production "
            f"know-how to Russia: " + "; ".join(parts) + ". Each diamond marks when a transfer began; a bar shows "
            "how long deliveries are reported to have run.")


def summarize_actors(places: pd.DataFrame) -> str:
    """A text summary of the actors map."""
    mapped = places.dropna(subset=["latitude", "longitude"])
    kinds = mapped["kind"].value_counts()
    return (f"The map marks {len(mapped)} places: {int(kinds.get('state', 0))} states at their capitals, "
            f"{int(kinds.get('armed-group', 0))} armed groups at their political centers and "
            f"{int(kinds.get('site', 0))} sites. Russia (Moscow) and Iran (Tehran) are labeled and drawn larger; "
            f"the rest name themselves on hover.")


# ---- the forecast scorecard ---------------------------------------------------------------

VERDICTS = {  # order on the axis, marker (shape carries the verdict without color), color
    "not-borne-out": ("x", "#D55E00"),
    "partly": ("diamond", "#E69F00"),
    "too-early": ("circle-open", "#999999"),
    "condition-not-met": ("square-open", "#56B4E9"),
    "borne-out": ("circle", "#009E73"),
}


def scorecard_chart(scorecard: pd.DataFrame) -> go.Figure:
    """Each forecast on its own row, placed and shaped by its verdict."""
    rows = scorecard.sort_values(["paragraph", "forecast_id"])
    # short row labels keep the chart legible on a phone; the criterion is in the hover and the table
    labels = [f"{r.forecast_id} · ¶{r.paragraph}" for r in rows.itertuples()]
    fig = go.Figure()
    for verdict, (symbol, color) in VERDICTS.items():
        mask = (rows["verdict"] == verdict).to_numpy()
        part = rows[mask]
        fig.add_trace(go.Scatter(
            x=[verdict.replace("-", " ")] * len(part), y=[lab for lab, m in zip(labels, mask) if m],
            mode="markers", name=verdict.replace("-", " "),
            marker=dict(symbol=symbol, size=15, color=color, line=dict(width=2, color=color)),
            hovertext=[f"<b>{esc(r.forecast_id)} (¶{r.paragraph}, {esc(r.kind)})</b><br>would count: {esc(r.criterion)}"
                       f"<br>verdict: {esc(r.verdict)} · evidence to {r.as_of.date().isoformat()}"
                       f"<br>sources: {esc(r.sources).replace(';', ', ')}" for r in part.itertuples()],
            hoverinfo="text",
        ))
    fig.update_layout(
        **base_layout(height=120 + 30 * len(rows), margin=dict(l=8, r=8, t=30, b=8),
                      legend=dict(orientation="h", yanchor="top", y=-0.06, x=0)),
        xaxis=dict(categoryorder="array", categoryarray=[v.replace("-", " ") for v in VERDICTS], side="top"),
        yaxis=dict(categoryorder="array", categoryarray=labels[::-1], automargin=True, tickfont=dict(size=11)),
        meta={"edition": "scorecard"},
    )
    return fig


def summarize_scorecard(scorecard: pd.DataFrame) -> str:
    """A text summary of the scorecard, from the same rows."""
    counts = scorecard["verdict"].value_counts()
    parts = ", ".join(f"{int(counts.get(v, 0))} {v.replace('-', ' ')}" for v in reversed(list(VERDICTS)))
    latest = scorecard["as_of"].max()
    return (f"Of the essay's {len(scorecard)} forecasts, conditionals and prescriptions scored here, the verdicts "
            f"are: {parts}. The most recent development they cite is dated {latest:%B} {latest.day}, {latest.year}.")
