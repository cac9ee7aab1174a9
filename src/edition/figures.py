"""Figure builders: each takes DataFrames and returns a plotly Figure; ``show`` displays one."""

from __future__ import annotations

import html
import json
import string
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from edition import sources as sources_mod
from edition import vocab
from edition.sources import Source

PLOTLY_MIME = "application/vnd.plotly.v1+json"
# Where JupyterLab finds the vendored basemap when `make lab` serves the repository root;
# the built book overrides this with its own _static path (see static/edition/figures.js).
LAB_TOPOJSON_URL = "/files/src/edition/static/edition/topojson/"
FONT = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif"
RUSSIA, IRAN = "#b2182b", "#2166ac"


def capitalized(text: str) -> str:
    """A label from the schema at the head of a legend entry or control: 'air defense' -> 'Air defense'."""
    return text[:1].upper() + text[1:]


def esc(value: Any) -> str:
    """Text from the data, escaped for Plotly's HTML-like hover and label strings."""
    return "" if value is None or value is pd.NA else html.escape(str(value), quote=False)


def figure_config(fig: go.Figure) -> dict[str, Any]:
    """Plotly config for a figure: responsive, no toolbar, no wheel zoom, offline basemap where it has a map."""
    # no toolbar, and the mouse wheel scrolls the page rather than zooming a figure
    config: dict[str, Any] = {"responsive": True, "displaylogo": False, "displayModeBar": False,
                              "scrollZoom": False}
    if any(getattr(trace, "type", "") in ("scattergeo", "choropleth") for trace in fig.data):
        config["topojsonURL"] = LAB_TOPOJSON_URL
    return config


# Template defaults for kinds of subplot, and which trace types draw on each: a figure without
# such a subplot gets nothing from them.
SUBPLOT_TRACES = {
    "geo": {"scattergeo", "choropleth"}, "polar": {"scatterpolar", "scatterpolargl", "barpolar"},
    "ternary": {"scatterternary"}, "scene": {"scatter3d", "surface", "mesh3d", "cone", "streamtube", "volume",
                                              "isosurface"},
    "mapbox": {"scattermapbox", "choroplethmapbox", "densitymapbox"}, "map": {"scattermap", "choroplethmap",
                                                                             "densitymap"},
    "smith": {"scattersmith"},
}
CARTESIAN_LESS = set().union(*SUBPLOT_TRACES.values()) | {"pie", "table", "parcoords", "parcats", "sankey",
                                                            "sunburst", "treemap", "icicle", "funnelarea", "indicator"}


def _uses_colorscale(value: Any) -> bool:
    """True if a trace (as JSON) maps numbers to colors or names a colorscale or color axis."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("colorscale", "coloraxis", "showscale", "z") or (
                    key == "color" and isinstance(item, (list, dict)) and not _all_strings(item)):
                return True
            if _uses_colorscale(item):
                return True
    elif isinstance(value, list):
        return any(_uses_colorscale(item) for item in value if isinstance(item, (dict, list)))
    return False


def _all_strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) or v is None for v in value)


def trimmed_template(template: dict[str, Any], data: list[dict[str, Any]],
                     figure_layout: dict[str, Any]) -> dict[str, Any]:
    """The parts of plotly's default template that can reach this figure: the defaults of the
    trace types it draws, and the layout defaults except those of subplots it has not (polar,
    3-D scenes, maps of other kinds) and of color scales when no trace maps numbers to colors.
    Plotly reads nothing else from a template, so the figure draws exactly as with the whole one."""
    types = {trace.get("type", "scatter") for trace in data}
    layout = dict(template.get("layout", {}))
    for subplot, traces in SUBPLOT_TRACES.items():
        if not types & traces:
            layout.pop(subplot, None)
    if types <= CARTESIAN_LESS and not any(key in figure_layout for key in ("shapes", "annotations", "images")):
        layout.pop("xaxis", None)
        layout.pop("yaxis", None)
    if not any(_uses_colorscale(trace) for trace in data):
        layout.pop("colorscale", None)
        layout.pop("coloraxis", None)
    return {"data": {kind: defaults for kind, defaults in template.get("data", {}).items() if kind in types},
            "layout": layout}


def mimebundle(fig: go.Figure) -> dict[str, Any]:
    """The figure as Plotly's own mime type, the only output a figure cell emits (its template cut
    to what the figure uses: see :func:`trimmed_template`)."""
    spec = json.loads(fig.to_json())  # plotly's own encoder turns numpy dates and arrays into JSON
    layout = spec["layout"]
    if "template" in layout:
        layout["template"] = trimmed_template(layout["template"], spec["data"], layout)
    return {PLOTLY_MIME: {"data": spec["data"], "layout": layout, "config": figure_config(fig)}}


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
        dragmode=False,  # a drag on a figure never pans or zooms: touch scrolling stays the page's
        legend=dict(orientation="h", yanchor="bottom", y=-0.15, x=0),
        hoverlabel=dict(font=dict(family=FONT)),
    )
    layout.update(overrides)
    return layout


def geo_base(**overrides: Any) -> dict[str, Any]:
    """The maps' basemap: Natural Earth at 1:110m, lakes drawn as water (figures.js recolors it in dark mode)."""
    geo: dict[str, Any] = dict(
        projection_type="natural earth", resolution=110, showland=True, showcountries=True, showocean=True,
        showlakes=True, showframe=False, landcolor="#ece8df", oceancolor="#d9e6ef", lakecolor="#d9e6ef",
        countrycolor="#a8a39a", coastlinecolor="#8d887f",
    )
    geo.update(overrides)
    return geo


def actors_map(places: pd.DataFrame, highlight: tuple[str, ...] = ("RUS", "IRN"),
               sources: dict[str, Source] | None = None) -> go.Figure:
    """The essay's actors where the book's maps place them, Russia and Iran emphasized."""
    mapped = places.dropna(subset=["latitude", "longitude"])
    # the kinds the schema gives a marker (enumTraits of places.kind); the rest are not drawn
    styles = {kind: traits for kind in vocab.values("places", "kind")
              if (traits := vocab.load().traits("places", "kind", kind))["marker"]}
    mapped = mapped[mapped["kind"].isin(list(styles))]
    # highlighted places last, so each legend swatch takes an ordinary marker's color
    mapped = mapped.assign(_hl=mapped["place_id"].isin(highlight)).sort_values("_hl", kind="stable")
    fig = go.Figure()
    for kind, style in styles.items():
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
                # Tehran's neighbors crowd the space above it; the label goes to the empty east
                textposition=["middle right" if pid == "IRN" else "top center" for pid in rows["place_id"]],
                textfont=dict(size=14),
                marker=dict(symbol=style["marker"], size=sizes, color=colors, line=dict(width=1, color="white")),
                name=style.get("legend") or capitalized(vocab.label("places", "kind", kind)),
                customdata=list(zip((esc(v) for v in rows["located_at"]),
                                    (esc(sources_mod.phrase(sources_mod.split_keys(v), sources)) for v in rows["sources"]))),
                hovertemplate="<b>%{hovertext}</b>, drawn at %{customdata[0]}<br>Source: %{customdata[1]}<extra></extra>",
            )
        )
    fig.update_layout(
        **base_layout(height=460, title=dict(text="Where the essay's actors sit", x=0)),
        geo=geo_base(lataxis_range=[8, 62], lonaxis_range=[0, 95]),
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
RUSSIA_TO_PARTNERS = "Russia → Iran's partners"
ESSAY_DAY = pd.Timestamp("2023-10-26")
INVASION_YEAR = 2022  # Russia's full-scale invasion of Ukraine: the map's two periods divide here
PERIODS = ("before 2022", "2022 and after")
# where each actor's name sits beside its marker, so that the close Levantine labels do not collide
LABEL_POSITION = {
    "RUS": "top center", "IRN": "middle right", "SYR": "bottom right", "HEZ": "middle left",
    "HAM": "bottom left", "IQM": "bottom right", "HOU": "middle right",
}
MAP_LABELS = {"IQM": "Iraqi militias"}  # shorter than the places table's name, which the hover gives
MAP_EXTENT = dict(lat=(11.0, 60.0), lon=(4.0, 84.0))  # figures.js narrows the longitudes to fit the width


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


def actor_names(places: pd.DataFrame) -> dict[str, str]:
    """Each actor's name for sentences, without the table's parenthetical ('Syria', 'Houthis')."""
    return dict(zip(places["place_id"], places["name"].str.replace(r"\s*\(.*\)$", "", regex=True)))


def transfer_sentence(row: Any, names: dict[str, str], sources: dict[str, Source] | None = None) -> str:
    """One transfer as plain sentences: who sent what to whom, when, on what evidence, after whose report."""
    from edition.tables import format_date

    # each status's sentence is the schema's (enumTraits of transfers.status), filled in by name only
    lead = string.Template(vocab.trait("transfers", "status", "sentence")[row.status]).substitute(
        supplier=names[row.supplier], recipient=names[row.recipient], system=row.system)
    when = []
    ordered = format_date(row.order_date, row.order_date_precision)
    first = format_date(row.first_delivery_date, row.first_delivery_precision)
    last = format_date(row.last_delivery_date, row.last_delivery_precision)
    if ordered:
        when.append(f"ordered {ordered}")
    if first:
        when.append(f"delivered from {first}" + (f" to {last}" if last and last != first else ""))
    public = format_date(row.public_date, row.public_date_precision)
    parts = [lead + (f" ({'; '.join(when)})" if when else "") + "."]
    if public:
        parts.append(f"First public {public}" + (", after the essay appeared." if bool(row.public_after_essay) else "."))
    elif bool(row.public_after_essay):
        parts.append("First public after the essay appeared.")
    parts.append(f"Evidence: {vocab.trait('transfers', 'evidence', 'phrase')[row.evidence]}.")
    parts.append(f"Sources: {sources_mod.phrase(sources_mod.split_keys(row.sources), sources)}.")
    return " ".join(parts)


def transfer_hover(row: Any, names: dict[str, str], sources: dict[str, Source] | None = None) -> str:
    """Hover text for one transfer: its sentences, escaped and broken into short lines."""
    return wrap(esc(transfer_sentence(row, names, sources)), 60)


def wrap(text: str, width: int) -> str:
    """Break text into lines of about ``width`` characters with <br>, at spaces (for Plotly hovers)."""
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "<br>".join(lines)


def _curve(a: tuple[float, float], b: tuple[float, float], bend: float, points: int = 16) -> tuple[list[float], list[float]]:
    """A gentle arc from a to b (lon, lat), bent sideways by ``bend`` times its length."""
    (x0, y0), (x1, y1) = a, b
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    dx, dy = x1 - x0, y1 - y0
    cx, cy = mx - dy * bend, my + dx * bend
    lons, lats = [], []
    for i in range(points + 1):
        t = i / points
        lons.append(round((1 - t) ** 2 * x0 + 2 * (1 - t) * t * cx + t * t * x1, 3))
        lats.append(round((1 - t) ** 2 * y0 + 2 * (1 - t) * t * cy + t * t * y1, 3))
    return lons, lats


def arc_width(count: int) -> float:
    """Line width for an arc carrying ``count`` transfers (figures.js uses the same rule)."""
    return round(1.5 + 1.6 * count ** 0.5, 2)


def short_system(system: str, limit: int = 46) -> str:
    return system if len(system) <= limit else system[: limit - 1].rstrip(" ,;") + "…"


def arc_hover(label: str, items: list[tuple[str, int]]) -> str:
    """An arc's hover: its route and period, how many transfers, the first few by name (figures.js mirrors it)."""
    lines = [f"<b>{esc(label)}</b>", f"{len(items)} transfer{'s' if len(items) != 1 else ''}, among them:"
             if len(items) > 3 else f"{len(items)} transfer{'s' if len(items) != 1 else ''}:"]
    lines += [f"· {esc(short_system(system))} ({year})" for system, year in items[:3]]
    if len(items) > 3:
        lines.append(f"and {len(items) - 3} more.")
    lines.append("Click the arc to list them with their sources.")
    return "<br>".join(lines)


def flow_rows(transfers: pd.DataFrame, places: pd.DataFrame) -> pd.DataFrame:
    """The transfers the map can draw (dated, both ends placed), with their span, period and route."""
    coords = places.dropna(subset=["latitude", "longitude"])["place_id"]
    rows = transfers.reset_index(drop=True)
    spans = transfer_span(rows)
    rows = pd.concat([rows, spans], axis=1)
    rows = rows[rows["start"].notna() & rows["supplier"].isin(coords) & rows["recipient"].isin(coords)].copy()
    rows["start_year"] = rows["start_year"].astype(int)
    rows["end_year"] = rows["end_year"].astype(int)
    rows["period"] = (rows["start_year"] >= INVASION_YEAR).astype(int)
    rows["direction"] = [direction(s, r) for s, r in zip(rows["supplier"], rows["recipient"])]
    return rows.sort_values(["start", "transfer_id"]).reset_index(drop=True)


def arms_flow_map(transfers: pd.DataFrame, places: pd.DataFrame,
                  sources: dict[str, Source] | None = None) -> go.Figure:
    """Arms flows as one arc per supplier, recipient and period, its width by the number of transfers.

    The figure is drawn with every transfer (the latest data, all years, all kinds). Its
    ``layout.meta`` carries each transfer's year span, kind, known-on-the-essay's-day flag and
    sentence, from which figures.js builds the page's year, view and kind controls."""
    names = actor_names(places)
    coords = places.set_index("place_id")[["longitude", "latitude"]]
    rows = flow_rows(transfers, places)
    fig = go.Figure()
    arcs: list[dict[str, Any]] = []
    records: list[dict[str, Any]] = []
    for (supplier, recipient, period), group in rows.groupby(["supplier", "recipient", "period"], sort=False):
        a = tuple(coords.loc[supplier].astype(float))
        b = tuple(coords.loc[recipient].astype(float))
        # the later period bends further out, and opposite directions bend to opposite sides
        lons, lats = _curve(a, b, 0.12 if period == 0 else 0.26)
        label = f"{names[supplier]} to {names[recipient]}, {PERIODS[period]}"
        color = DIRECTIONS[direction(supplier, recipient)]
        width = arc_width(len(group))
        head = len(lons) * 3 // 5  # the arrowhead two thirds along, clear of the places' markers
        index = len(fig.data)
        fig.add_trace(go.Scattergeo(
            lon=lons, lat=lats, mode="lines+markers", name=label, showlegend=False,
            line=dict(color=color, width=width, dash="dot" if period == 0 else "solid"),
            marker=dict(symbol="arrow", angleref="previous", color=color, line=dict(width=0),
                        size=[8 + 2 * width if i == head else 0 for i in range(len(lons))]),
            hovertext=arc_hover(label, [(r.system, r.start_year) for r in group.itertuples()]), hoverinfo="text",
            meta={"arc": len(arcs)},
        ))
        arcs.append({"trace": index, "label": label, "color": color, "period": period,
                     "direction": direction(supplier, recipient)})
        for r in group.itertuples():
            records.append({
                "id": r.transfer_id, "arc": len(arcs) - 1, "from": r.start_year, "to": r.end_year,
                "known": not bool(r.public_after_essay), "kind": r.category, "system": short_system(r.system),
                "text": transfer_sentence(r, names, sources),
            })
    drawn = sorted(set(rows["supplier"]) | set(rows["recipient"]))
    mapped = places.set_index("place_id").loc[drawn]
    fig.add_trace(go.Scattergeo(
        lon=mapped["longitude"].astype(float), lat=mapped["latitude"].astype(float), mode="markers+text",
        text=[esc(MAP_LABELS.get(code, names[code])) for code in drawn],
        textposition=[LABEL_POSITION.get(code, "bottom center") for code in drawn],
        textfont=dict(size=13, color="#1a1a1a", shadow="1px 1px 2px #ffffff, -1px -1px 2px #ffffff"),
        marker=dict(size=8, color="#1a1a1a", line=dict(width=1.5, color="#ffffff")),
        name="Actors", showlegend=False, hoverinfo="text",
        hovertext=[f"{esc(names[code])}, drawn at {esc(mapped.loc[code, 'located_at'])}" for code in drawn],
        meta={"actors": drawn},
    ))
    kinds = rows["category"].value_counts()
    fig.update_layout(
        **base_layout(height=620, margin=dict(l=0, r=0, t=0, b=0), showlegend=False),
        geo=geo_base(lataxis_range=list(MAP_EXTENT["lat"]), lonaxis_range=list(MAP_EXTENT["lon"])),
        meta={
            "edition": "arms-flow-map", "years": [int(rows["start_year"].min()), int(rows["end_year"].max())],
            "periods": list(PERIODS), "arcs": arcs, "transfers": records, "extent": MAP_EXTENT,
            "kinds": [[kind, capitalized(vocab.label("transfers", "category", kind)), int(n)] for kind, n in kinds.items()],
            "directions": {label: DIRECTIONS[label] for label in DIRECTIONS if label in set(rows["direction"])},
        },
    )
    return fig


def summarize_flows(transfers: pd.DataFrame, places: pd.DataFrame) -> str:
    """A text summary of the arms-flow map, computed from the same rows."""
    rows = flow_rows(transfers, places)
    arcs = rows.groupby(["supplier", "recipient", "period"]).ngroups
    ir = rows[(rows["supplier"] == "IRN") & (rows["recipient"] == "RUS")]
    ri = rows[(rows["supplier"] == "RUS") & (rows["recipient"] == "IRN")]
    later = int(rows["public_after_essay"].fillna(False).sum())
    text = (
        f"The map draws {len(rows)} of the {len(transfers)} recorded transfers as {arcs} arcs, one for each "
        f"supplier, recipient and period (before 2022 dotted, 2022 and after solid), each as wide as the number "
        f"of transfers it carries. Before 2022 the table records {int((ri['period'] == 0).sum())} transfers "
        f"begun from Russia to Iran and {int((ir['period'] == 0).sum())} from Iran to Russia; from 2022 on, "
        f"{int((ir['period'] == 1).sum())} from Iran to Russia and {int((ri['period'] == 1).sum())} from Russia "
        f"to Iran. {later} of the drawn transfers first became public after the essay appeared; the "
        f"'Known on Oct. 26, 2023' view leaves them out."
    )
    left_out = len(transfers) - len(rows)
    if left_out:
        text += (f" {left_out} transfer{'s are' if left_out > 1 else ' is'} not drawn, for want of a date or a "
                 f"place on the map; the Data tab lists every transfer.")
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
    fig.add_annotation(x=2022 - 0.5, y=1, yref="paper", text="Invasion of<br>Ukraine,<br>Feb 2022", align="right",
                       showarrow=False, xanchor="right", yanchor="top", font=dict(size=11))
    fig.add_annotation(x=0, xref="paper", y=1, yref="paper", yanchor="bottom", xanchor="left", showarrow=False,
                       text="Transfers begun per year", font=dict(size=12))
    fig.update_layout(
        **base_layout(height=420, barmode="stack", margin=dict(l=8, r=8, t=30, b=8),
                      legend=dict(orientation="h", yanchor="top", y=-0.12, x=0, font=dict(size=11))),
        # a little room before the first bar keeps the first year clear of the y axis's "0";
        # Plotly picks the year ticks, so a phone gets fewer of them
        xaxis=dict(title=None, tickformat="d", nticks=6, range=[counts.index.min() - 1.5, counts.index.max() + 0.7]),
        yaxis=dict(title=None, dtick=1, automargin=True),
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

# (label, first year shown, last year shown or None for the latest event); the first is everything
ERAS = (
    ("All, 1722 on", None, None),
    ("Wars and empires, 1722–1921", 1715, 1925),
    ("World war and Cold War, 1941–1991", 1938, 1992),
    ("Since 1989", 1988, None),
    ("Since 2022", 2021, None),
)
KNOWN_COLOR, LATER_COLOR = "#0072B2", "#C24E00"  # the later color darkened from Okabe-Ito's for 4.5:1 text


def paragraph_links(cell: Any, pages: dict[int, str]) -> tuple[str, str]:
    """('¶3, ¶5', 'essay-p3') for an event's paragraph list: the text, and the label of the first
    paragraph where a chapter renders it (the book turns the label into a link for its builder,
    sphinxext.plotly_output.resolve_click_links); empty strings if none."""
    if cell is None or cell is pd.NA or (isinstance(cell, float) and pd.isna(cell)) or not str(cell):
        return "", ""
    numbers = [int(p) for p in str(cell).split(";") if p]
    first = numbers[0]
    href = f"essay-p{first}" if first in pages else ""
    return ", ".join(f"¶{n}" for n in numbers), href


def era_ranges(events: pd.DataFrame) -> list[tuple[str, list[str], int]]:
    """Each era as (label, [start, end] for the date axis, number of events in it)."""
    first, last = events["start_date"].min(), events["start_date"].max()
    out = []
    for label, start, end in ERAS:
        lo = pd.Timestamp(year=(start if start is not None else first.year - 5), month=1, day=1)
        hi = pd.Timestamp(year=end, month=1, day=1) if end is not None else last + pd.DateOffset(months=6)
        inside = int(events["start_date"].between(lo, hi).sum())
        out.append((label, [lo.date().isoformat(), hi.date().isoformat()], inside))
    return out


def opening_era(events: pd.DataFrame, share: float = 2 / 3) -> int:
    """The era the timeline opens on: the shortest one holding at least ``share`` of the events."""
    eras = era_ranges(events)
    fits = [(pd.Timestamp(span[1]) - pd.Timestamp(span[0]), i) for i, (_, span, n) in enumerate(eras)
            if n >= share * len(events)]
    return min(fits)[1]


def alliance_timeline(events: pd.DataFrame, pages: dict[int, str],
                      sources: dict[str, Source] | None = None) -> go.Figure:
    """Events on lanes by category, opening on the era that holds most of them, the essay's date marked;
    clicking an event opens its paragraph. ``layout.meta.eras`` feeds the page's era buttons."""
    from edition.tables import date_span

    rows = events.sort_values("start_date")
    lanes = [c for c in vocab.values("events", "category") if c in set(rows["category"])]  # the schema's order
    certainty_marker = vocab.trait("events", "certainty", "marker")
    fig = go.Figure()
    # durations as thin bars behind the points
    spans_x: list[Any] = []
    spans_y: list[Any] = []
    for r in rows[rows["end_date"].notna()].itertuples():
        spans_x += [r.start_date, r.end_date, None]
        spans_y += [r.category, r.category, None]
    fig.add_trace(go.Scatter(x=spans_x, y=spans_y, mode="lines", line=dict(color="#9aa5b1", width=6),
                             hoverinfo="skip", name="Duration", showlegend=True, opacity=0.6))
    for after, color, label in ((False, KNOWN_COLOR, "Known when the essay appeared"),
                                (True, LATER_COLOR, "After October 26, 2023")):
        part = rows[rows["after_essay"] == after]
        links = [paragraph_links(p, pages) for p in part["paragraphs"]]
        hover = [
            f"<b>{wrap(esc(r.title), 60)}</b><br>{date_span(r.start_date, r.start_precision, r.end_date, r.end_precision)}"
            f" · {esc(r.certainty)}<br>{wrap(esc(r.summary), 60)}<br>"
            + (f"Bears on {lk[0]} (click to read).<br>" if lk[0] else "")
            + wrap("Sources: " + esc(sources_mod.phrase(sources_mod.split_keys(r.sources), sources)) + ".", 60)
            for r, lk in zip(part.itertuples(), links)
        ]
        fig.add_trace(go.Scatter(
            x=part["start_date"], y=part["category"], mode="markers", name=label,
            marker=dict(color=color, size=10, symbol=[certainty_marker[c] for c in part["certainty"]],
                        line=dict(width=1.5, color=color)),
            customdata=[[lk[1]] for lk in links], hovertext=hover, hoverinfo="text",
            meta={"clickLink": 0},
        ))
    for certainty, symbol in certainty_marker.items():
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=vocab.label("events", "certainty", certainty),
                                 marker=dict(symbol=symbol, size=10, color="#666666", line=dict(width=1.5, color="#666666")),
                                 hoverinfo="skip", legendgroup="certainty"))
    fig.add_shape(type="line", x0=ESSAY_DAY, x1=ESSAY_DAY, y0=0, y1=1, yref="paper",
                  line=dict(color=LATER_COLOR, dash="dash", width=1.5))
    fig.add_annotation(x=ESSAY_DAY, y=1.0, yref="paper", yanchor="bottom", text="Essay, Oct. 26, 2023",
                       showarrow=False, xanchor="right", font=dict(size=11, color=LATER_COLOR))
    eras = era_ranges(rows)
    opening = opening_era(rows)
    fig.update_layout(
        **base_layout(height=520, margin=dict(l=8, r=8, t=24, b=8),
                      legend=dict(orientation="h", yanchor="top", y=-0.3, x=0, font=dict(size=11))),
        xaxis=dict(type="date", range=eras[opening][1], rangeslider=dict(visible=True, thickness=0.08)),
        yaxis=dict(categoryorder="array", categoryarray=lanes[::-1], title=None, fixedrange=True),
        meta={"edition": "alliance-timeline", "eras": [[label, span, n] for label, span, n in eras],
              "opening": opening},
    )
    return fig


def summarize_timeline(events: pd.DataFrame) -> str:
    """A text summary of the timeline, from the same rows."""
    from edition.tables import format_date

    rows = events.sort_values("start_date")
    by_category = rows["category"].value_counts()
    before_1900 = int((rows["start_date"].dt.year < 1900).sum())
    after = int(rows["after_essay"].sum())
    reported = int((~rows["certainty"].isin(vocab.having("events", "certainty", "firm"))).sum())
    first, last = rows.iloc[0], rows.iloc[-1]
    top = ", ".join(f"{n} {c}" for c, n in by_category.head(4).items())
    return (
        f"The timeline places {len(rows)} events from {first.start_date.year} ({first.title}) to "
        f"{format_date(last.start_date, last.start_precision)} ({last.title}) on lanes by kind; the largest lanes are {top}. "
        f"{before_1900} events fall before 1900. {after} began after the essay appeared and are drawn in a "
        f"second color; {reported} are only reported or disputed and are drawn as open circles or crosses."
    )


# ---- the drone path -----------------------------------------------------------------------

USED_STAGE = "Reported in use against Ukraine"


def drone_stages() -> list[str]:
    """The drone path's stages in order: the categories the schema gives a droneStage, then use."""
    return [*vocab.given("transfers", "category", "droneStage").values(), USED_STAGE]


def drone_rows(transfers: pd.DataFrame) -> pd.DataFrame:
    """Transfers on the drone path: Iranian drones, trainers and production know-how going to Russia."""
    stages = vocab.given("transfers", "category", "droneStage")
    rows = transfers[(transfers["supplier"] == "IRN") & (transfers["recipient"] == "RUS")
                     & transfers["category"].isin(list(stages))].copy()
    spans = transfer_span(rows)
    rows["start"], rows["end"] = spans["start"], spans["end"]
    # drones (the one stage with an end user) with no recorded delivery, reported used against Ukraine
    rows["stage"] = [USED_STAGE if (c == "uav" and str(u) == "UKR" and pd.isna(f)) else stages[c]
                     for c, u, f in zip(rows["category"], rows["used_against"], rows["first_delivery_date"])]
    return rows.dropna(subset=["start"]).sort_values("start")


def drone_path(transfers: pd.DataFrame, places: pd.DataFrame,
               sources: dict[str, Source] | None = None) -> go.Figure:
    """The Iranian drone design's path from supply to Russian production and use, stage by stage."""
    rows = drone_rows(transfers)
    names = actor_names(places)
    fig = go.Figure()
    stage_order = drone_stages()
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
            hovertext=[transfer_hover(r, names, sources) for r in part.itertuples()], hoverinfo="text",
            showlegend=False,
        ))
    fig.add_vline(x=ESSAY_DAY, line=dict(color=LATER_COLOR, dash="dash", width=1.2))
    fig.add_annotation(x=ESSAY_DAY, y=1.0, yref="paper", yanchor="bottom", text="Essay, Oct. 26, 2023",
                       showarrow=False, font=dict(size=11, color=LATER_COLOR))
    fig.update_layout(
        **base_layout(height=380, margin=dict(l=8, r=8, t=30, b=8), showlegend=False),
        xaxis=dict(type="date", range=["2022-03-01", "2026-03-01"], dtick="M12", tickformat="%Y", tickangle=0,
                   tickfont=dict(size=11)),
        yaxis=dict(categoryorder="array", categoryarray=stage_order[::-1], title=None, automargin=True,
                   # two short lines per stage leave a phone's width to the dates
                   tickvals=stage_order, ticktext=[wrap(esc(stage), 16) for stage in stage_order]),
        meta={"edition": "drone-path"},
    )
    return fig


def summarize_drone_path(transfers: pd.DataFrame) -> str:
    """A text summary of the drone-path figure."""
    rows = drone_rows(transfers)
    firsts = rows.groupby("stage")["start"].min()
    parts = [f"{stage} from {firsts[stage].strftime('%B %Y')}" for stage in drone_stages()
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

def verdict_styles() -> dict[str, tuple[str, str, str]]:
    """Each scorecard verdict in the axis's order (the schema's): (label, marker, color). The marker's
    shape carries the verdict without color."""
    markers = vocab.trait("scorecard", "verdict", "marker")
    colors = vocab.trait("scorecard", "verdict", "color")
    return {v: (label, markers[v], colors[v]) for v, label in vocab.labels("scorecard", "verdict").items()}


def column_head(label: str) -> str:
    """A verdict's column head in two short lines: its first word, then the rest ('Not<br>borne out')."""
    first, _, rest = capitalized(label).partition(" ")
    return f"{first}<br>{rest}" if rest else first


def quote_label(text: str, width: int = 30, lines: int = 3) -> str:
    """The essay's words as a row label: quoted, wrapped to ``lines`` short lines, cut with an ellipsis."""
    quoted = wrap(esc(f"“{text.strip()}”"), width).split("<br>")
    if len(quoted) > lines:
        quoted = quoted[:lines]
        quoted[-1] = quoted[-1].rstrip(" ,;.”") + "…”"
    return "<br>".join(quoted)


def scorecard_chart(scorecard: pd.DataFrame, sources: dict[str, Source] | None = None) -> go.Figure:
    """Each forecast on its own row, labeled by the essay's words, placed and shaped by its verdict."""
    from edition.tables import format_date

    rows = scorecard.sort_values(["paragraph", "forecast_id"]).reset_index(drop=True)
    positions = list(range(len(rows), 0, -1))  # first paragraph at the top
    fig = go.Figure()
    styles = verdict_styles()
    heads = [label for label, _, _ in styles.values()]
    for verdict, (label, symbol, color) in styles.items():
        mask = (rows["verdict"] == verdict).to_numpy()
        part = rows[mask]
        fig.add_trace(go.Scatter(
            x=[label] * len(part), y=[p for p, m in zip(positions, mask) if m],
            mode="markers", name=label,
            marker=dict(symbol=symbol, size=15, color=color, line=dict(width=2, color=color)),
            hovertext=[
                f"<b>¶{r.paragraph}: {wrap(esc(f'“{r.exact}”'), 60)}</b><br>Verdict: {esc(label)}"
                f" (evidence to {format_date(r.as_of)})<br>{wrap('Would count: ' + esc(r.criterion), 60)}"
                f"<br>{wrap('Sources: ' + esc(sources_mod.phrase(sources_mod.split_keys(r.sources), sources)) + '.', 60)}"
                for r in part.itertuples()],
            hoverinfo="text",
        ))
    fig.update_layout(
        **base_layout(height=90 + 50 * len(rows), margin=dict(l=8, r=8, t=8, b=8), showlegend=False),
        xaxis=dict(categoryorder="array", categoryarray=heads, side="top",
                   tickvals=heads, ticktext=[column_head(label) for label in heads],
                   fixedrange=True, showgrid=True),
        yaxis=dict(tickvals=positions, ticktext=[f"¶{r.paragraph} {quote_label(r.exact)}" for r in rows.itertuples()],
                   range=[0.4, len(rows) + 0.6], automargin=True, tickfont=dict(size=11), fixedrange=True,
                   showgrid=True, zeroline=False),
        # on a narrow screen figures.js turns the column heads upright, one line each
        meta={"edition": "scorecard", "narrowHeads": heads,
              "rows": [[int(r.paragraph), r.exact.strip()] for r in rows.itertuples()]},
    )
    return fig


def summarize_scorecard(scorecard: pd.DataFrame) -> str:
    """A text summary of the scorecard, from the same rows."""
    counts = scorecard["verdict"].value_counts()
    parts = ", ".join(f"{int(counts.get(v, 0))} {label}" for v, (label, _, _) in reversed(list(verdict_styles().items())))
    latest = scorecard["as_of"].max()
    return (f"Of the essay's {len(scorecard)} forecasts, conditionals and prescriptions scored here, the verdicts "
            f"are: {parts}. The most recent development they cite is dated {latest:%B} {latest.day}, {latest.year}.")
