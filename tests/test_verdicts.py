"""One verdict per claim, in the place its type belongs; one evidence cut-off, computed from the data."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

import parsed
from edition import data, verdicts
from test_data import TODAY, edit_csv, problems
from test_html import soup_of


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return data.load_tables(today=TODAY)


@pytest.fixture()
def data_copy(tmp_path: Path, root: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(root / "data", target)
    return target


def test_no_claim_has_two_verdicts(tables) -> None:
    claims, scorecard = tables["claims"], tables["scorecard"]
    scored = set(scorecard["claim_id"])
    assert scorecard["claim_id"].notna().all() and scorecard["claim_id"].is_unique
    judged_in_ledger = set(claims.loc[claims["status"].notna(), "claim_id"])
    assert not scored & judged_in_ledger
    assert scored | judged_in_ledger == set(claims["claim_id"])
    merged = claims.merge(scorecard, on="claim_id")
    assert (merged["claim_type"] == merged["kind"]).all()
    assert (merged["exact_x"] == merged["exact_y"]).all()


def test_each_type_is_judged_where_it_belongs(tables) -> None:
    claims = verdicts.claim_verdicts(tables)
    for claim in claims.itertuples():
        if claim.claim_type in verdicts.scored_types():
            assert re.fullmatch(r"F\d{2}", claim.judged_in), claim.claim_id
        else:
            assert claim.judged_in == "ledger", claim.claim_id
    assert set(claims["verdict"]) <= set(verdicts.ratings())
    # the sentences the issue named are classified as what they are
    kind = claims.set_index("claim_id")["claim_type"]
    assert kind["C13a"] == "conditional" and {kind["C11d"], kind["C11e"], kind["C11g"]} == {"premise"}


def test_a_claim_judged_in_both_places_is_rejected(data_copy: Path, root: Path) -> None:
    edit_csv(data_copy, "claims", lambda f: f.__setitem__("status", f["status"].where(f["claim_id"] != "C11f", "partly-supported")))
    message = problems(data_copy, data.text_sources(root))
    assert re.search(r"claims\.csv, row \d+, field 'status', value 'partly-supported': claim C11f is judged in the "
                     r"scorecard \(row \d+, verdict 'not-borne-out'\); leave its ledger status empty", message)


def test_a_forecast_left_unscored_is_rejected(data_copy: Path, root: Path) -> None:
    edit_csv(data_copy, "claims", lambda f: f.__setitem__("claim_type", f["claim_type"].where(f["claim_id"] != "C10a", "forecast")))
    message = problems(data_copy, data.text_sources(root))
    assert re.search(r"claims\.csv, row \d+, field 'claim_type', value 'forecast': a forecast is judged in the "
                     r"scorecard, but no scorecard row scores C10a", message)


def test_a_scorecard_kind_that_contradicts_the_claim_type_is_rejected(data_copy: Path, root: Path) -> None:
    edit_csv(data_copy, "scorecard", lambda f: f.__setitem__("kind", f["kind"].where(f["claim_id"] != "C13a", "forecast")))
    message = problems(data_copy, data.text_sources(root))
    assert re.search(r"claims\.csv, row \d+, field 'claim_type', value 'conditional': claim C13a is scored as a "
                     r"forecast", message)


def test_evidence_cutoff_is_the_latest_dated_development(tables) -> None:
    cutoff = pd.Timestamp(verdicts.evidence_cutoff(tables))
    dates = [tables["annotations"]["event_date"], tables["scorecard"]["as_of"]]
    dates += [tables["events"][c] for c in tables["events"].columns if c.endswith("_date")]
    dates += [tables["transfers"][c] for c in tables["transfers"].columns if c.endswith("_date")]
    assert cutoff == max(d.max() for d in dates)
    claims = verdicts.claim_verdicts(tables)
    assert (claims["evidence_to"].dropna() <= cutoff).all()


def test_every_cutoff_the_pages_state_is_the_computed_one(built_html: Path, tables) -> None:
    expected = verdicts.us_date(verdicts.evidence_cutoff(tables))
    stated = 0
    for page in sorted(built_html.rglob("*.html")):
        soup = soup_of(built_html, str(page.relative_to(built_html).with_suffix("")))
        for node in soup.select(".edition-cutoff"):
            assert node.get_text() == expected, page
            stated += 1
        text = " ".join(soup.get_text(" ").split())
        # any other way of stating a cut-off must carry the computed date
        for match in re.finditer(r"(?:evidence\b[^.]{0,40}?\breaches|cut-?off(?: is| of)?)"
                                 r"\s+\**([A-Z][a-z]+ \d{1,2}, \d{4}|\d{4}-\d{2}-\d{2})", text):
            assert match.group(1) in (expected, verdicts.evidence_cutoff(tables).isoformat()), (page, match.group(0))
    assert stated >= 2


def test_ledger_prints_one_verdict_per_claim(built_html: Path, tables) -> None:
    soup = soup_of(built_html, "chapters/claims-ledger")
    table = soup.select_one("table.edition-claims-ledger")
    headers = [th.get_text(" ", strip=True) for th in table.select("thead th")]
    assert headers.count("Verdict") == 1 and "Scorecard" not in headers and "Status" not in headers
    claims = verdicts.claim_verdicts(tables).set_index("claim_id")
    rows = table.select("tbody tr")
    assert len(rows) == len(claims)
    for row in rows:
        cells = row.select("td")
        claim = claims.loc[cells[0].get_text(strip=True)]
        verdict = cells[headers.index("Verdict")]
        assert verdict.get_text(" ", strip=True).startswith(verdicts.words(claim["verdict"]))
        if claim["judged_in"] != "ledger":
            link = verdict.select_one("a")
            page, anchor = link["href"].split("#")
            assert anchor == f"forecast-{claim['judged_in']}"
            assert parsed.by_id(soup_of(built_html, f"chapters/{page.removesuffix('.html')}")).get(anchor)
