"""Source-quality rules: every bibliography entry has a tier, and no row or note leans on weak sources alone.

The tier says how far a reader can trust the copy the editors read, not whether the claim in it is true:

- ``official``: a government, UN or court document, or a leader's own published statement;
- ``original``: the original publisher of the reporting or analysis;
- ``syndicated``: a wire story (or an identified original) carried by a reputable site that licenses it;
- ``reference``: an encyclopedia, journal, book or research database;
- ``state-media``: state or party media (e.g. TASS, RT, Mehr, Tasnim, Xinhua, TRT);
- ``aggregator``: a content farm, scraper, mirror, blog or unknown host.

Rules (each problem names file, row, field and value):

1. every entry carries a known ``quality``;
2. no transfer, event or note rests only on ``aggregator`` entries;
3. a transfer or event resting only on ``state-media`` is rated *reported* and its text attributes the claim;
4. an event rated *confirmed* or a transfer *delivered*/*delivering* needs one of: an official document;
   ``evidence`` = official-statement (the row reports an official act or statement: a treaty, a vote, a
   government announcement) carried by a source that is not an aggregator; two independent publishers among
   original, syndicated and reference entries; or, for an event, a reference work.
"""

from __future__ import annotations

import re
from typing import Iterator

import pandas as pd

from edition import vocab
from edition.data import _rows

TIERS = {
    "official": "Official document",
    "original": "Original publisher",
    "syndicated": "Wire story or original on a syndicating site",
    "reference": "Reference work",
    "state-media": "State or party media",
    "aggregator": "Aggregator, mirror or unknown",
}
STRONG = {"official", "original", "syndicated", "reference"}
# Words that show a row reports a party's claim rather than stating it as fact.
ATTRIBUTION_RE = re.compile(
    r"\b(said|says|say|claimed|claims|claim|according to|reported|reports|report|announced|state media|"
    r"told|stated|alleged|asserted)\b", re.IGNORECASE)
# (table, id column, text columns, rating column); the firm ratings are those the schema marks
# firm (enumTraits), read by firm_ratings
ROW_TABLES = {
    "transfers": ("transfer_id", ["description", "quantity_note", "disagreement"], "status"),
    "events": ("event_id", ["title", "summary"], "certainty"),
}


def firm_ratings(table: str, column: str) -> set[str]:
    """The ratings that state a row as fact (a delivery, a confirmed event), from the schema."""
    return set(vocab.having(table, column, "firm"))
WIRE_IN_NAME = re.compile(r"\((?:from |summary of |citing |with )?(AFP|Reuters|Associated Press|AP|PTI|IANS|BTA|"
                          r"Bloomberg|Xinhua|Anadolu Agency|Anadolu|The New York Times|New York Times News Service)\b")


def _keys(cell: str) -> list[str]:
    return [key for key in str(cell).split(";") if key] if cell else []


def origin(fields: dict) -> str:
    """Who originally published an entry: the wire or paper behind a syndicated copy, else the host."""
    publisher = fields.get("howpublished", "")
    match = WIRE_IN_NAME.search(publisher)
    if match:
        name = match.group(1)
        return {"AP": "Associated Press", "Anadolu": "Anadolu Agency",
                "New York Times News Service": "The New York Times"}.get(name, name)
    head = re.split(r"\s*\(|\s+via\s+", publisher)[0].strip()
    return head or publisher


def tiers(bib) -> dict[str, str]:
    return {key: entry.fields.get("quality", "").strip() for key, entry in bib.entries.items()}


def entry_problems(bib, bib_path: str, problem) -> Iterator:
    for key, entry in bib.entries.items():
        value = entry.fields.get("quality", "").strip()
        if value not in TIERS:
            yield problem(bib_path, None, f"{key}.quality", value or None,
                          f"source quality must be one of {', '.join(TIERS)}")


def row_problems(tables: dict[str, pd.DataFrame], bib, paths: dict[str, str], problem) -> Iterator:
    tier = tiers(bib)
    origins = {key: origin(dict(entry.fields)) for key, entry in bib.entries.items()}
    for name, (id_column, text_columns, rating) in ROW_TABLES.items():
        firm = firm_ratings(name, rating)
        frame = tables.get(name)
        if frame is None:
            continue
        for row, record in _rows(frame):
            keys = [k for k in _keys(record["sources"]) if k in tier]
            if not keys:
                continue
            kinds = {tier[k] for k in keys}
            ident = record[id_column]
            if kinds <= {"aggregator"}:
                yield problem(paths[name], row, "sources", record["sources"],
                              f"{ident} rests only on aggregator or unknown sources; cite the original or a reputable copy")
                continue
            if kinds <= {"state-media", "aggregator"}:
                if record[rating] != "reported":
                    yield problem(paths[name], row, rating, record[rating],
                                  f"{ident} rests only on state or party media; rate it 'reported'")
                text = " ".join(str(record[c]) for c in text_columns if c in record)
                if not ATTRIBUTION_RE.search(text):
                    yield problem(paths[name], row, text_columns[-2] if name == "events" else text_columns[0],
                                  text[:80], f"{ident} rests only on state or party media; word it as that party's "
                                             "claim (e.g. 'TASS reported', 'Iranian officials said')")
            if record[rating] in firm:
                official = "official" in kinds or (
                    record.get("evidence") == "official-statement" and kinds - {"aggregator"}) or (
                    name == "events" and "reference" in kinds)
                independent = {origins[k] for k in keys if tier[k] in {"original", "syndicated", "reference"}}
                if not official and len(independent) < 2:
                    yield problem(paths[name], row, rating, record[rating],
                                  f"{ident} is rated {record[rating]!r} but cites neither an official statement nor "
                                  f"two independent publishers (has: {', '.join(sorted(independent)) or 'none'}); "
                                  "add a source or rate it 'reported'")
    notes = tables.get("annotations")
    if notes is not None:
        for row, record in _rows(notes):
            keys = [k for k in _keys(record["sources"]) if k in tier]
            if keys and {tier[k] for k in keys} <= {"aggregator"}:
                yield problem(paths["annotations"], row, "sources", record["sources"],
                              f"note {record['annotation_id']} rests only on aggregator or unknown sources")


def profile(bib) -> pd.DataFrame:
    """Entries per tier, in the order of TIERS."""
    counts = pd.Series(tiers(bib)).value_counts()
    return pd.DataFrame({"Tier": [TIERS[t] for t in TIERS], "Entries": [int(counts.get(t, 0)) for t in TIERS]},
                        index=list(TIERS))


def rows_by_best_tier(tables: dict[str, pd.DataFrame], bib) -> pd.DataFrame:
    """How many rows and notes have each tier as the best source they cite (official best, aggregator worst)."""
    tier = tiers(bib)
    order = ["official", "original", "syndicated", "reference", "state-media", "aggregator"]
    out = {}
    for name in ("transfers", "events", "annotations"):
        counts = dict.fromkeys(order, 0)
        for cell in tables[name]["sources"].fillna(""):
            found = [tier[k] for k in _keys(cell) if k in tier]
            if found:
                counts[min(found, key=order.index)] += 1
        out[name.capitalize() if name != "annotations" else "Notes"] = [counts[t] for t in order]
    return pd.DataFrame(out, index=[TIERS[t] for t in order])
