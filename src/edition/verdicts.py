"""One verdict per claim, and one evidence cut-off, both computed from data/.

The claims ledger judges facts, judgments and premises; the scorecard judges forecasts,
conditionals and prescriptions. A claim is judged in exactly one of the two places, and every
page, table and export reads its verdict through :func:`claim_verdicts`, so the two cannot
disagree. The evidence cut-off is the latest dated development anywhere in the data.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterator

import pandas as pd

from edition import vocab

# The two fields that hold verdicts: the ledger's status and the scorecard's verdict. Their
# values, labels, ratings (1-5, ClaimReview's Rating) and meanings live in the schema (edition.vocab).
VERDICT_FIELDS = (("claims", "status"), ("scorecard", "verdict"))


def scored_types(vocabulary: vocab.Vocabulary | None = None) -> tuple[str, ...]:
    """Claim types judged in the scorecard (the schema's claim_type trait judgedIn)."""
    return (vocabulary or vocab.load()).having("claims", "claim_type", "judgedIn", "scorecard")


def ledger_types(vocabulary: vocab.Vocabulary | None = None) -> tuple[str, ...]:
    """Claim types judged in the ledger."""
    return (vocabulary or vocab.load()).having("claims", "claim_type", "judgedIn", "ledger")


def _verdict_trait(name: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for table, field in VERDICT_FIELDS:
        out.update(vocab.trait(table, field, name))
    return out


def ratings() -> dict[str, int]:
    """Every verdict of either field with its rating, the ledger's first, each in the schema's order."""
    return _verdict_trait("rating")


def meaning(verdict: str) -> str:
    """What a verdict means, as the claims ledger and every ClaimReview explain it."""
    return _verdict_trait("meaning")[verdict]


# (table, date columns) whose dates are developments the edition reports.
DATED_DEVELOPMENTS = {
    "events": ("start_date", "end_date", "latest_fact_date"),
    "transfers": ("order_date", "first_delivery_date", "last_delivery_date", "public_date", "latest_fact_date"),
    "annotations": ("event_date",),
    "scorecard": ("as_of",),
}


def words(verdict: str) -> str:
    """A verdict as pages print it, its label in the schema: 'partly-supported' -> 'partly supported'."""
    for table, field in VERDICT_FIELDS:
        labels = vocab.labels(table, field)
        if verdict in labels:
            return labels[verdict]
    raise vocab.VocabularyError(f"verdict {verdict!r} is a value of neither claims.status nor scorecard.verdict")


def evidence_cutoff(tables: dict[str, pd.DataFrame]) -> dt.date:
    """The latest date the edition's evidence reaches: its latest dated development."""
    latest = [
        tables[name][column].max()
        for name, columns in DATED_DEVELOPMENTS.items() if name in tables
        for column in columns if column in tables[name]
    ]
    return max(pd.Timestamp(d) for d in latest if not pd.isna(d)).date()


def us_date(date: dt.date | pd.Timestamp) -> str:
    """A date in the edition's running-text form: June 22, 2026."""
    return f"{date:%B} {date.day}, {date.year}"


def _note_dates(notes: pd.DataFrame, source_dates: dict[str, dt.date]) -> dict[str, dt.date]:
    """Per claim, the latest date among its notes' developments and the sources they cite."""
    latest: dict[str, dt.date] = {}
    for row in notes.dropna(subset=["claim_id"]).itertuples():
        dates = [source_dates[k] for k in str(row.sources).split(";") if source_dates.get(k)]
        if not pd.isna(row.event_date):
            dates.append(pd.Timestamp(row.event_date).date())
        if dates:
            latest[row.claim_id] = max([*dates, latest.get(row.claim_id, dt.date.min)])
    return latest


def claim_verdicts(tables: dict[str, pd.DataFrame], source_dates: dict[str, dt.date] | None = None) -> pd.DataFrame:
    """The claims with one verdict each: `verdict`, `judged_in` (ledger or a forecast id), `evidence_to`.

    `evidence_to` is the latest date the claim's evidence reaches: its scorecard row's as_of
    date, its notes' dated developments, and the sources they cite, never past the cut-off.
    """
    if source_dates is None:
        from edition import data

        bib = data.load_bibliography()
        source_dates = {k: d for k, e in bib.entries.items() if (d := data.source_date(dict(e.fields)))}
    claims = tables["claims"].copy()
    scored = tables["scorecard"].dropna(subset=["claim_id"]).set_index("claim_id")
    cutoff = evidence_cutoff(tables)
    note_dates = _note_dates(tables["annotations"], source_dates)
    verdicts, judged_in, evidence_to = [], [], []
    for row in claims.itertuples():
        dates = [note_dates[row.claim_id]] if row.claim_id in note_dates else []
        if row.claim_id in scored.index:
            forecast = scored.loc[row.claim_id]
            verdicts.append(forecast["verdict"])
            judged_in.append(forecast["forecast_id"])
            dates.append(pd.Timestamp(forecast["as_of"]).date())
        else:
            verdicts.append(row.status)
            judged_in.append("ledger")
        evidence_to.append(min(max(dates), cutoff) if dates else pd.NaT)
    claims["verdict"] = pd.array(verdicts, dtype="string")
    claims["judged_in"] = pd.array(judged_in, dtype="string")
    claims["evidence_to"] = pd.to_datetime(pd.Series(evidence_to, index=claims.index))
    return claims


def verdict_problems(claims: pd.DataFrame, scorecard: pd.DataFrame, claims_path: str,
                     scorecard_path: str, vocabulary: vocab.Vocabulary | None = None) -> Iterator[tuple[str, int, str, object, str]]:
    """Rule: each claim has exactly one verdict, in the place its type belongs.

    Works on the raw CSV tables (strings, CSV line numbers as index) and yields
    (path, row, field, value, message) for the caller to turn into its problem type.
    """
    claim_rows = {rec["claim_id"]: (row, rec) for row, rec in claims.iterrows()}
    scored_kinds = scored_types(vocabulary)
    scored: dict[str, int] = {}
    for row, rec in scorecard.iterrows():
        cid = rec["claim_id"]
        if not cid:
            yield scorecard_path, row, "claim_id", cid, "every scored sentence is a claim in claims.csv"
            continue
        if cid not in claim_rows:
            yield scorecard_path, row, "claim_id", cid, "unknown claim (not in claims.csv)"
            continue
        if cid in scored:
            yield (scorecard_path, row, "claim_id", cid,
                   f"the claim is already scored on row {scored[cid]}: one verdict per claim")
            continue
        scored[cid] = row
        claim_row, claim = claim_rows[cid]
        if claim["exact"] != rec["exact"]:
            yield (scorecard_path, row, "exact", rec["exact"],
                   f"differs from claim {cid}'s phrase {claim['exact']!r}: a row scores the claim's own words")
        if claim["claim_type"] != rec["kind"]:
            yield (claims_path, claim_row, "claim_type", claim["claim_type"],
                   f"claim {cid} is scored as a {rec['kind']} (scorecard row {row}); the two must agree")
        if claim["status"]:
            yield (claims_path, claim_row, "status", claim["status"],
                   f"claim {cid} is judged in the scorecard (row {row}, verdict {rec['verdict']!r}); "
                   "leave its ledger status empty")
    for cid, (row, claim) in claim_rows.items():
        if cid in scored:
            continue
        if claim["claim_type"] in scored_kinds:
            yield (claims_path, row, "claim_type", claim["claim_type"],
                   f"a {claim['claim_type']} is judged in the scorecard, but no scorecard row scores {cid}")
        elif not claim["status"]:
            yield claims_path, row, "status", claim["status"], f"a {claim['claim_type']} needs a ledger status"
