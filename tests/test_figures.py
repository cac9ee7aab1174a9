"""Figure builders on small hand-made tables, and on the real ones."""

from __future__ import annotations

import pandas as pd
import pytest

from edition import data, essay, figures, paths

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


def flow_traces(fig):
    return [t for t in fig.data if t.meta and "transfer_id" in t.meta]


def test_flow_map_draws_one_arrow_per_transfer_colored_by_direction(small: pd.DataFrame) -> None:
    fig = figures.arms_flow_map(small, places())
    flows = flow_traces(fig)
    assert [t.meta["transfer_id"] for t in flows] == ["T001", "T002", "T003"]
    assert [t.line.color for t in flows] == [figures.DIRECTIONS["Russia → Iran"], figures.DIRECTIONS["Iran → Russia"],
                                             figures.DIRECTIONS["Iran → its partners"]]
    for trace in flows:
        assert trace.marker.symbol[-1] == "arrow" and trace.marker.angleref == "previous"
        assert trace.marker.size[-1] > 0 and set(trace.marker.size[:-1]) == {0}
    # the arc runs from supplier to recipient
    assert flows[0].lon[0] == pytest.approx(37.62) and flows[0].lon[-1] == pytest.approx(51.42)


def test_flow_map_encodes_evidence_by_line_style_not_only_color(small: pd.DataFrame) -> None:
    flows = flow_traces(figures.arms_flow_map(small, places()))
    assert [t.line.dash for t in flows] == ["solid", "dot", "dash"]
    assert flows[0].line.width > flows[1].line.width


def test_flow_map_hover_names_system_dates_status_and_sources_escaped(small: pd.DataFrame) -> None:
    flows = flow_traces(figures.arms_flow_map(small, places()))
    hover = flows[1].hovertemplate
    assert "Shahed &lt;b&gt;136&lt;/b&gt;" in hover and "<b>136</b>" not in hover
    assert "2022-08-19" in hover and "delivered" in hover and "src-t002" in hover
    assert "after the essay" in flows[2].hovertemplate and "after the essay" not in flows[1].hovertemplate


def test_flow_map_year_slider_shows_only_transfers_under_way(small: pd.DataFrame) -> None:
    fig = figures.arms_flow_map(small, places())
    steps = {s.label: s.args[0]["visible"] for s in fig.layout.sliders[0].steps}
    assert steps["All"][:3] == [True, True, True]
    assert steps["1996"][:3] == [True, False, False]
    assert steps["2022"][:3] == [False, True, False]
    assert steps["2024"][:3] == [False, False, True]
    assert set(steps) == {"All", *map(str, range(1995, 2025))}


def test_flow_map_toggle_hides_what_was_public_only_after_the_essay(small: pd.DataFrame) -> None:
    fig = figures.arms_flow_map(small, places())
    latest, known = fig.layout.updatemenus[0].buttons
    assert "26 Oct 2023" in known.label
    assert latest.args[0]["visible"][:3] == [True, True, True]
    assert known.args[0]["visible"][:3] == [True, True, False]
    known_steps = {s["label"]: s["args"][0]["visible"] for s in known.args[1]["sliders"][0]["steps"]}
    assert known_steps["2024"][:3] == [False, False, False]


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
    text = figures.summarize_flows(small)
    assert "3 of the 3 recorded transfers" in text and "1 transfers first became public after" in text
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
        "after_essay": [False, False, True], "sources": ["a", "b", "c"],
    })


def test_timeline_lanes_colors_links_and_essay_marker() -> None:
    pages = {2: "02-tehrans-calculus", 4: "03-moscows-calculus", 9: "05-regional-consequences"}
    fig = figures.alliance_timeline(events(), pages)
    known, later = [t for t in fig.data if t.meta and "clickLink" in t.meta]
    assert len(known.x) == 2 and len(later.x) == 1
    assert [c[0] for c in known.customdata] == ["02-tehrans-calculus.html#essay-p2", "03-moscows-calculus.html#essay-p4"]
    assert list(known.marker.symbol) == ["circle", "circle-open"]
    assert "War &lt;one&gt;" in known.hovertext[0] and "bears on ¶4, ¶9" in known.hovertext[1]
    assert any(str(s.x0).startswith("2023-10-26") for s in fig.layout.shapes)
    assert fig.layout.xaxis.rangeslider.visible
    assert [b.label for b in fig.layout.updatemenus[0].buttons][0] == "All"
    duration = fig.data[0]
    assert list(duration.y[:2]) == ["war", "war"]


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


# ---- on the real tables ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def real() -> dict[str, pd.DataFrame]:
    return data.load_tables()


def test_real_flow_map_matches_the_transfers_table(real: dict[str, pd.DataFrame]) -> None:
    transfers = real["transfers"]
    fig = figures.arms_flow_map(transfers, real["places"])
    dated = figures.transfer_span(transfers)["start"].notna()
    assert sorted(t.meta["transfer_id"] for t in flow_traces(fig)) == sorted(transfers.loc[dated, "transfer_id"])
    steps = {s.label: s.args[0]["visible"] for s in fig.layout.sliders[0].steps}
    n = len(flow_traces(fig))
    # the reversal is visible on the slider: Russia supplies in 2010, Iran supplies in 2023
    flows = flow_traces(fig)
    sup_2010 = {flows[i].meta["transfer_id"] for i in range(n) if steps["2010"][i]}
    sup_2023 = {flows[i].meta["transfer_id"] for i in range(n) if steps["2023"][i]}
    by_id = transfers.set_index("transfer_id")
    rows_2010 = by_id.loc[list(sup_2010)]
    assert not ((rows_2010["supplier"] == "IRN") & (rows_2010["recipient"] == "RUS")).any()
    assert (by_id.loc[list(sup_2023), "supplier"] == "IRN").sum() > (by_id.loc[list(sup_2010), "supplier"] == "IRN").sum()


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
    assert links and all(link.split("#")[0].removesuffix(".html") in pages.values() for link in links)


def test_figures_leave_a_cell_as_plotly_mime_only_with_the_offline_basemap(small: pd.DataFrame) -> None:
    """What a chapter cell emits: Plotly's own mime type (drawn natively by JupyterLab's
    jupyterlab-plotly extension), no HTML with an embedded or CDN copy of plotly.js."""
    bundle = figures.FigureOutput(figures.arms_flow_map(small, places()))._repr_mimebundle_()
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
