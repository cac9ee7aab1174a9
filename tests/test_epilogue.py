"""The epilogue: forecasts anchored, verdicts evidenced, later knowledge marked, figure true to data."""

from __future__ import annotations

import pandas as pd
import pytest

import parsed
from edition import data, essay, figures, verdicts
from test_data import TODAY, edit_csv, problems
from test_html import soup_of


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return data.load_tables(today=TODAY)


def test_every_forecast_is_anchored_to_the_seed(tables) -> None:
    scorecard = tables["scorecard"]
    assert len(scorecard) >= 8
    parsed = essay.load()
    for row in scorecard.itertuples():
        text = parsed.paragraph(row.paragraph).text
        prefix = "" if pd.isna(row.prefix) else row.prefix
        assert text.count(row.exact) == 1 and text[: text.index(row.exact)].endswith(prefix)


def test_every_verdict_has_dated_sourced_evidence_after_the_essay(tables) -> None:
    for row in tables["scorecard"].itertuples():
        dates = [pd.Timestamp(d) for d in row.evidence_dates.split(";")]
        assert any(d > pd.Timestamp(data.ESSAY_DATE) for d in dates), row.forecast_id
        assert max(dates) <= row.as_of, row.forecast_id
        assert row.sources and row.outcome and row.reasoning, row.forecast_id
    assert set(tables["scorecard"]["verdict"]) <= set(figures.verdict_styles())


def test_no_date_after_the_essay_is_unmarked_anywhere_in_the_data(tables) -> None:
    essay_day = pd.Timestamp(data.ESSAY_DATE)
    events = tables["events"]
    assert (events.loc[events["start_date"] > essay_day, "after_essay"]).all()
    assert not (events.loc[~events["after_essay"], "end_date"].dropna() > essay_day).any()
    transfers = tables["transfers"]
    dates = transfers[["order_date", "first_delivery_date", "last_delivery_date", "public_date"]]
    later = (dates > essay_day).any(axis=1)
    assert transfers.loc[later, "public_after_essay"].all()
    notes = tables["annotations"]
    # every note is dated; an update reports something after the essay (the mark follows the date)
    assert notes["event_date"].notna().all()
    assert (notes.loc[notes["kind"] == "update", "event_date"] > essay_day).all()
    assert (tables["scorecard"]["as_of"] > essay_day).all()


def test_a_verdict_without_later_evidence_is_rejected(tmp_path, root) -> None:
    import shutil

    copy = tmp_path / "data"
    shutil.copytree(root / "data", copy)
    edit_csv(copy, "scorecard", lambda f: f.__setitem__("evidence_dates", f["evidence_dates"].where(
        f["forecast_id"] != "F02", "2020-03-01")))
    message = problems(copy, data.text_sources(root))
    assert "field 'evidence_dates', value '2020-03-01': a verdict other than too-early needs evidence dated after" in message


def test_scorecard_figure_matches_the_data(tables) -> None:
    scorecard = tables["scorecard"]
    fig = figures.scorecard_chart(scorecard)
    drawn = {trace.name: len(trace.y) for trace in fig.data}
    expected = scorecard["verdict"].str.replace("-", " ").value_counts().to_dict()
    assert {k: v for k, v in drawn.items() if v} == expected
    assert sum(drawn.values()) == len(scorecard)
    assert f"{len(scorecard)} forecasts, conditionals and prescriptions" in figures.summarize_scorecard(scorecard)


def test_epilogue_page_states_the_latest_date_and_shows_the_scorecard(built_html, tables) -> None:
    soup = soup_of(built_html, "chapters/07-epilogue")
    text = soup.get_text(" ")
    assert f"reaches {verdicts.us_date(verdicts.evidence_cutoff(tables))}" in " ".join(text.split())
    rows = soup.select("table.edition-scorecard tbody tr")
    assert len(rows) == len(tables["scorecard"])
    for link in soup.select("table.edition-scorecard a[href*='#essay-p']"):
        page, anchor = link["href"].split("#")
        assert parsed.by_id(soup_of(built_html, f"chapters/{page.removesuffix('.html')}")).get(anchor)
    assert soup.select_one("#panel-scorecard .edition-plotly")
