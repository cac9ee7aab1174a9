"""Figure builders on small hand-made tables, and on the real ones."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from edition import data, essay, figures, paths, sources

NA = pd.NA


def places() -> pd.DataFrame:
    return pd.DataFrame({
        "place_id": ["RUS", "IRN", "HEZ"], "name": ["Russia", "Iran", "Hezbollah"],
        "kind": ["state", "state", "armed-group"], "latitude": [55.75, 35.69, 33.89],
        "longitude": [37.62, 51.42, 35.50], "located_at": ["Moscow", "Tehran", "Beirut"],
        "sources": ["s1", "s1", "s1"],
    })


def transfer(tid: str, supplier: str, recipient: str, start: str, evidence: str = "official-statement",
             after: bool = False, last: str | None = None, system: str = "X-1", category: str = "uav",
             used_against: object = NA) -> dict:
    return {
        "transfer_id": tid, "supplier": supplier, "recipient": recipient, "used_against": used_against,
        "system": system, "category": category, "quantity": NA, "status": "delivered", "evidence": evidence,
        "order_date": pd.Timestamp(start), "order_date_precision": "day",
        "first_delivery_date": pd.NaT, "first_delivery_precision": NA,
        "last_delivery_date": pd.Timestamp(last) if last else pd.NaT, "last_delivery_precision": "year" if last else NA,
        "public_date": pd.Timestamp(start), "public_date_precision": "day", "public_after_essay": after,
        "sources": f"src-{tid.lower()}",
    }


@pytest.fixture()
def small() -> pd.DataFrame:
    return pd.DataFrame([
        transfer("T001", "RUS", "IRN", "1995-06-30", last="1998-01-01"),
        transfer("T002", "IRN", "RUS", "2022-08-19", evidence="single-report", system="Shahed <b>136</b>"),
        transfer("T003", "IRN", "HEZ", "2024-03-01", evidence="several-independent-reports", after=True),
    ])


def fake_sources(*keys: str) -> dict[str, sources.Source]:
    return {key: sources.Source(key=key, outlet=f"Outlet {key[-1]}", title=f"Title {key}", date="March 3, 2023",
                                url=f"https://example.org/{key}") for key in keys}


SOURCES = fake_sources("s1", *(f"src-t{n:03d}" for n in range(1, 14)))


def arc_traces(fig):
    return [t for t in fig.data if t.meta and "arc" in t.meta]


def test_flow_map_draws_one_arc_per_supplier_recipient_and_period(small: pd.DataFrame) -> None:
    rows = pd.concat([small, pd.DataFrame([transfer("T004", "RUS", "IRN", "1997-01-01")])], ignore_index=True)
    fig = figures.arms_flow_map(rows, places(), SOURCES)
    arcs = arc_traces(fig)
    labels = [t.name for t in arcs]
    assert len(labels) == len(set(labels)) == 3  # T001 and T004 share Russia → Iran before 2022
    assert labels == ["Russia to Iran, before 2022", "Iran to Russia, 2022 and after", "Iran to Hezbollah, 2022 and after"]
    # width grows with the number of transfers; the period shows in the line style
    assert arcs[0].line.width == figures.arc_width(2) > arcs[1].line.width == figures.arc_width(1)
    assert [t.line.dash for t in arcs] == ["dot", "solid", "solid"]
    assert [t.line.color for t in arcs] == [figures.DIRECTIONS["Russia → Iran"], figures.DIRECTIONS["Iran → Russia"],
                                            figures.DIRECTIONS["Iran → its partners"]]
    for trace in arcs:  # one arrowhead along the arc, pointing on from the previous point
        assert trace.marker.symbol == "arrow" and trace.marker.angleref == "previous"
        assert sum(1 for size in trace.marker.size if size > 0) == 1
    # the arc runs from supplier to recipient
    assert arcs[0].lon[0] == pytest.approx(37.62) and arcs[0].lon[-1] == pytest.approx(51.42)
    # every transfer is listed once in the figure's meta, under its arc
    records = fig.layout.meta["transfers"]
    assert sorted(r["id"] for r in records) == ["T001", "T002", "T003", "T004"]
    assert {r["id"]: r["arc"] for r in records} == {"T001": 0, "T004": 0, "T002": 1, "T003": 2}


def test_flow_map_has_no_wheel_zoom_no_drag_and_no_toolbar(small: pd.DataFrame) -> None:
    fig = figures.arms_flow_map(small, places(), SOURCES)
    assert fig.layout.dragmode is False
    config = figures.figure_config(fig)
    assert config["scrollZoom"] is False and config["displayModeBar"] is False


def test_flow_map_hover_and_sentences_name_actors_and_outlets_not_codes(small: pd.DataFrame) -> None:
    fig = figures.arms_flow_map(small, places(), SOURCES)
    arcs = arc_traces(fig)
    hover = arcs[1].hovertext
    assert "Iran to Russia, 2022 and after" in hover and "1 transfer:" in hover
    assert "Shahed &lt;b&gt;136&lt;/b&gt;" in hover and "<b>136</b>" not in hover
    sentences = {r["id"]: r["text"] for r in fig.layout.meta["transfers"]}
    assert sentences["T002"] == ("Iran delivered Shahed <b>136</b> to Russia (ordered August 19, 2022). First public "
                                 "August 19, 2022. Evidence: a single report. Sources: Outlet 2, March 3, 2023.")
    assert "after the essay appeared" in sentences["T003"] and "after the essay" not in sentences["T002"]
    for text in [*sentences.values(), *(t.hovertext for t in arcs)]:
        assert "src-" not in text and "RUS" not in text and "IRN" not in text and "HEZ" not in text


def test_flow_map_meta_carries_what_the_page_controls_filter_on(small: pd.DataFrame) -> None:
    fig = figures.arms_flow_map(small, places(), SOURCES)
    meta = fig.layout.meta
    by_id = {r["id"]: r for r in meta["transfers"]}
    assert (by_id["T001"]["from"], by_id["T001"]["to"]) == (1995, 1998)
    assert [by_id[t]["known"] for t in ("T001", "T002", "T003")] == [True, True, False]
    assert meta["years"] == [1995, 2024]
    assert meta["kinds"] == [["uav", "Drones", 3]]
    assert [a["label"] for a in meta["arcs"]] == [t.name for t in arc_traces(fig)]


def test_map_labels_sit_apart_for_the_close_levantine_actors() -> None:
    positions = figures.LABEL_POSITION
    # Beirut and Damascus are 80 km apart: their labels go to opposite sides; Gaza's below and left
    assert "left" in positions["HEZ"] and "right" in positions["SYR"]
    assert positions["HAM"].startswith("bottom") and "right" in positions["IQM"]


def test_reversal_counts_by_direction_and_year(small: pd.DataFrame) -> None:
    counts = figures.reversal_counts(small)
    assert counts.loc[1995, "Russia → Iran"] == 1
    assert counts.loc[2022, "Iran → Russia"] == 1
    assert counts.loc[2024, "Iran → its partners"] == 1
    assert counts.to_numpy().sum() == 3
    assert list(counts.index) == list(range(1995, 2025))
    fig = figures.reversal_bars(small)
    assert {t.name for t in fig.data} == set(counts.columns)
    assert any(shape.x0 == 2021.5 for shape in fig.layout.shapes)


def test_summaries_are_computed_from_the_rows(small: pd.DataFrame) -> None:
    text = figures.summarize_flows(small, places())
    assert "draws 3 of the 3 recorded transfers as 3 arcs" in text and "1 of the drawn transfers first became" in text
    assert "Before 2022 the table records 1 transfers begun from Russia to Iran and 0 from Iran to Russia" in (
        figures.summarize_reversal(small))


def events() -> pd.DataFrame:
    return pd.DataFrame({
        "event_id": ["E001", "E002", "E003"],
        "start_date": pd.to_datetime(["1804-01-01", "2015-09-30", "2025-01-17"]),
        "start_precision": ["year", "day", "day"],
        "end_date": pd.to_datetime(["1813-10-24", None, None]), "end_precision": ["day", NA, NA],
        "category": ["war", "military", "treaty"], "actors": ["RUS;IRN"] * 3,
        "title": ["War <one>", "Intervention", "Treaty"], "summary": ["s1", "s2", "s3"],
        "paragraphs": ["2", "4;9", NA], "certainty": ["confirmed", "reported", "confirmed"],
        "after_essay": [False, False, True], "sources": ["s1", "src-t001", "src-t002"],
    })


def test_timeline_lanes_colors_links_and_essay_marker() -> None:
    pages = {2: "02-tehrans-calculus", 4: "03-moscows-calculus", 9: "05-regional-consequences"}
    fig = figures.alliance_timeline(events(), pages, SOURCES)
    known, later = [t for t in fig.data if t.meta and "clickLink" in t.meta]
    assert len(known.x) == 2 and len(later.x) == 1
    assert [c[0] for c in known.customdata] == ["essay-p2", "essay-p4"]  # labels: the book links them
    assert list(known.marker.symbol) == ["circle", "circle-open"]
    assert "War &lt;one&gt;" in known.hovertext[0] and "Bears on ¶4, ¶9" in known.hovertext[1]
    assert "Sources: Outlet 1, March 3, 2023." in known.hovertext[1] and "src-" not in known.hovertext[1]
    assert any(str(s.x0).startswith("2023-10-26") for s in fig.layout.shapes)
    assert fig.layout.xaxis.rangeslider.visible
    assert not fig.layout.updatemenus  # the era buttons are HTML, built by figures.js from meta.eras
    eras = fig.layout.meta["eras"]
    assert eras[0][0].startswith("All") and eras[0][2] == 3
    duration = fig.data[0]
    assert list(duration.y[:2]) == ["war", "war"]


def test_timeline_opens_on_the_shortest_era_holding_most_events() -> None:
    frame = events()
    recent = frame.iloc[[1, 1, 1, 1]].assign(event_id=["E010", "E011", "E012", "E013"],
                                              start_date=pd.to_datetime(["2022-03-01", "2023-05-01", "2024-01-01", "2025-06-01"]))
    frame = pd.concat([frame, recent], ignore_index=True)  # 5 of 7 events since 2022
    fig = figures.alliance_timeline(frame, {}, SOURCES)
    labels = [era[0] for era in fig.layout.meta["eras"]]
    assert labels[fig.layout.meta["opening"]] == "Since 2022"
    assert list(fig.layout.xaxis.range) == fig.layout.meta["eras"][fig.layout.meta["opening"]][1]
    # 1804, 2015, 2025: two of the three fall since 1989, enough to open there
    assert labels[figures.opening_era(events())] == "Since 1989"
    assert figures.opening_era(events(), share=1.0) == 0  # only "All" holds every event


def test_drone_path_follows_iranian_drones_trainers_and_production(small: pd.DataFrame) -> None:
    rows = pd.DataFrame([
        transfer("T010", "IRN", "RUS", "2022-07-01", category="personnel"),
        transfer("T011", "IRN", "RUS", "2022-08-19", category="uav"),
        transfer("T012", "IRN", "RUS", "2023-01-01", category="production"),
        transfer("T013", "RUS", "IRN", "2023-09-02", category="aircraft"),
    ])
    picked = figures.drone_rows(rows)
    assert list(picked["transfer_id"]) == ["T010", "T011", "T012"]
    assert list(picked["stage"]) == ["Iranian trainers and technicians", "Drones supplied by Iran", "Production in Russia"]
    assert "3 recorded transfers" in figures.summarize_drone_path(rows)
    fig = figures.drone_path(rows, places(), SOURCES)
    hovers = [h for t in fig.data if t.hovertext is not None for h in t.hovertext]
    assert len(hovers) == 3 and all("Iran" in h and "Russia" in h and "IRN" not in h for h in hovers)


# ---- on the real tables ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def real() -> dict[str, pd.DataFrame]:
    return data.load_tables()


def test_real_flow_map_matches_the_transfers_table(real: dict[str, pd.DataFrame]) -> None:
    transfers = real["transfers"]
    places = real["places"]
    fig = figures.arms_flow_map(transfers, places)
    placed = set(places.dropna(subset=["latitude", "longitude"])["place_id"])
    drawable = transfers[figures.transfer_span(transfers)["start"].notna() & transfers["supplier"].isin(placed)
                         & transfers["recipient"].isin(placed)]
    records = fig.layout.meta["transfers"]
    assert sorted(r["id"] for r in records) == sorted(drawable["transfer_id"])
    arcs = arc_traces(fig)
    assert len({t.name for t in arcs}) == len(arcs) == drawable.assign(
        period=figures.transfer_span(drawable)["start_year"] >= figures.INVASION_YEAR
    ).groupby(["supplier", "recipient", "period"]).ngroups
    # the reversal is in the arcs: no Iran-to-Russia arc before 2022, the widest arc after it runs Iran to Russia
    names = [t.name for t in arcs]
    assert "Iran to Russia, before 2022" not in names
    later = [t for t in arcs if t.name.endswith("2022 and after")]
    assert max(later, key=lambda t: t.line.width).name == "Iran to Russia, 2022 and after"
    # no sentence shows a bibliography key or an actor code
    keys = set(sources.all_sources())
    for record in records:
        words = set(record["text"].replace(";", " ").replace(",", " ").replace(".", " ").split())
        assert not words & keys and not words & {"RUS", "IRN", "SYR", "HEZ", "HAM", "HOU", "IQM"}, record["id"]


def test_real_reversal_counts_cover_every_dated_transfer(real: dict[str, pd.DataFrame]) -> None:
    transfers = real["transfers"]
    counts = figures.reversal_counts(transfers)
    assert counts.to_numpy().sum() == figures.transfer_span(transfers)["start"].notna().sum()
    assert counts.loc[:2021, "Iran → Russia"].sum() == 0
    assert counts.loc[2022:, "Iran → Russia"].sum() > counts.loc[2022:, "Russia → Iran"].sum() - 5


def test_real_timeline_draws_every_event_once(real: dict[str, pd.DataFrame]) -> None:
    pages = essay.paragraph_pages(paths.ROOT / "chapters")
    fig = figures.alliance_timeline(real["events"], pages)
    points = [t for t in fig.data if t.meta and "clickLink" in t.meta]
    assert sum(len(t.x) for t in points) == len(real["events"])
    assert len(points[1].x) == int(real["events"]["after_essay"].sum())
    links = [c[0] for t in points for c in t.customdata if c[0]]
    # labels of paragraphs a chapter renders; the book turns them into addresses (test_html)
    assert links and all(link.startswith("essay-p") and int(link.removeprefix("essay-p")) in pages for link in links)


def test_figures_leave_a_cell_as_plotly_mime_only_with_the_offline_basemap(small: pd.DataFrame) -> None:
    """What a chapter cell emits: Plotly's own mime type (drawn natively by JupyterLab's
    jupyterlab-plotly extension), no HTML with an embedded or CDN copy of plotly.js."""
    bundle = figures.FigureOutput(figures.arms_flow_map(small, places(), SOURCES))._repr_mimebundle_()
    assert list(bundle) == [figures.PLOTLY_MIME]
    spec = bundle[figures.PLOTLY_MIME]
    assert set(spec) == {"data", "layout", "config"}
    assert spec["config"]["topojsonURL"] == figures.LAB_TOPOJSON_URL
    assert (paths.ROOT / LAB_TOPOJSON_PATH / "world_110m.json").is_file()
    json_text = str(spec)
    assert "cdn.plot.ly" not in json_text and "<script" not in json_text


def test_jupyterlab_has_the_plotly_renderer_installed() -> None:
    import sys
    from pathlib import Path

    extension = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "jupyterlab-plotly" / "package.json"
    assert extension.is_file(), "jupyterlab-plotly (shipped inside the plotly package) is missing"


LAB_TOPOJSON_PATH = figures.LAB_TOPOJSON_URL.removeprefix("/files/")


def test_a_figures_template_keeps_only_what_its_traces_and_subplots_can_use() -> None:
    import plotly.io as pio

    whole = pio.templates["plotly"].to_plotly_json()
    bars = figures.mimebundle(go.Figure(go.Bar(x=[1, 2], y=[3, 4], marker_color="#123456")))
    template = bars[figures.PLOTLY_MIME]["layout"]["template"]
    assert set(template["data"]) == {"bar"} and template["data"]["bar"] == whole["data"]["bar"]
    assert {"xaxis", "yaxis", "colorway", "font"} <= set(template["layout"])
    assert not {"polar", "ternary", "scene", "geo", "colorscale", "coloraxis"} & set(template["layout"])
    geo = figures.mimebundle(go.Figure(go.Scattergeo(lon=[1], lat=[2], marker=dict(color=[0.5], showscale=True))))
    template = geo[figures.PLOTLY_MIME]["layout"]["template"]
    assert set(template["data"]) == {"scattergeo"} and "geo" in template["layout"]
    assert "colorscale" in template["layout"] and "xaxis" not in template["layout"]  # numbers mapped to colors
