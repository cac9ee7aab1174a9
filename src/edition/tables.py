"""Table views of the data for readers: human headers, readable dates, sources by outlet, cards on a phone."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Sequence

import pandas as pd
from edition import markup
from edition import sources as sources_mod
from edition import vocab
from edition.rules_later import ESSAY_DATE

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
# column names from the data files that a reader should see in other words
HEADERS = {
    "id": "Id", "transfer_id": "Transfer", "event_id": "Event", "forecast_id": "Forecast", "claim_id": "Claim",
    "place_id": "Code", "geonames_id": "GeoNames id", "located_at": "Drawn at", "as_of": "Evidence to",
    "claim_type": "Type of claim", "iso3166_alpha3": "Country code", "year": "Year", "paragraph": "Paragraph",
}
SOURCE_COLUMNS = {"sources", "Sources", "source", "Source"}


def format_date(value: Any, precision: Any = "day") -> str:
    """A date in the edition's American form, no more precisely than its source: 'September 13, 2022',
    'September 2022' or '2022'; empty when there is no date."""
    if value is None or value is pd.NaT or (not isinstance(value, (pd.Timestamp, dt.date)) and pd.isna(value)):
        return ""
    precision = str(precision) if precision is not None and precision is not pd.NA else "day"
    if precision == "year":
        return str(value.year)
    if precision == "month":
        return f"{MONTHS[value.month - 1]} {value.year}"
    return f"{MONTHS[value.month - 1]} {value.day}, {value.year}"


def date_span(start: pd.Timestamp, start_precision: str, end: pd.Timestamp | None, end_precision: str | None) -> str:
    """'1804 – October 24, 1813' style span, or the single date."""
    first = format_date(start, start_precision)
    last = format_date(end, end_precision)
    return f"{first} – {last}" if last and last != first else first


def human_header(label: Any) -> str:
    """A column name a reader can read: known names translated, snake_case and kebab-case spelled out."""
    text = str(label)
    if text in HEADERS:
        return HEADERS[text]
    if re.fullmatch(r"[a-z0-9]+([_-][a-z0-9]+)*", text):
        text = text.replace("_", " ").replace("-", " ")
        return text[0].upper() + text[1:]
    return text


def bears_on(cell: object, paragraphs: set[int]) -> bool:
    """True if a ';'-separated paragraph list names any of ``paragraphs``."""
    if cell is None or pd.isna(cell):
        return False
    return any(int(p) in paragraphs for p in str(cell).split(";") if p)


def events_for(events: pd.DataFrame, paragraphs: set[int] | range) -> pd.DataFrame:
    """Timeline events that bear on the given essay paragraphs, oldest first, for display."""
    wanted = set(paragraphs)
    return events_view(events[events["paragraphs"].map(lambda cell: bears_on(cell, wanted))])


def later_mark(flag, latest) -> str:
    """'yes' for a row that began after the essay; 'later facts (date)' for an earlier row that reports some."""
    if flag is True or (not pd.isna(flag) and bool(flag)):
        return "yes"
    if not pd.isna(latest) and latest.date() > ESSAY_DATE:
        day = latest.date()
        precision = "year" if (day.month, day.day) == (1, 1) else "month" if day.day == 1 else "day"
        return f"later facts ({format_date(latest, precision)})"
    return ""


def events_view(events: pd.DataFrame) -> pd.DataFrame:
    """Timeline events, oldest first, with dates at their precision, for display."""
    rows = events.sort_values("start_date")
    return pd.DataFrame(
        {
            "When": [date_span(r.start_date, r.start_precision, r.end_date, r.end_precision) for r in rows.itertuples()],
            "Event": rows["title"].to_numpy(),
            "In brief": rows["summary"].to_numpy(),
            "Certainty": rows["certainty"].to_numpy(),
            "After the essay": [later_mark(flag, latest) for flag, latest in zip(rows["after_essay"], rows["latest_fact_date"])],
            "Paragraphs": rows["paragraphs"].fillna("").str.replace(";", ", ").to_numpy(),
            "Sources": rows["sources"].to_numpy(),
        },
        index=pd.Index(rows["event_id"].to_numpy(), name="Id"),
    )


def show_events(events: pd.DataFrame, paragraphs: set[int] | range) -> markup.Markup:
    """The events bearing on some paragraphs, as a compact table for a chapter."""
    frame = events_for(events, paragraphs)[["When", "Event", "In brief", "Certainty", "After the essay"]]
    numbers = ", ".join(f"¶{n}" for n in sorted(set(paragraphs)))
    return to_html(frame.reset_index(drop=True), caption=f"Timeline events bearing on {numbers}")


def transfers_view(transfers: pd.DataFrame, places: pd.DataFrame | None = None) -> pd.DataFrame:
    """Arms transfers with actors by name, dates at their precision and codes in words, for display."""
    rows = transfers
    names = {} if places is None else dict(zip(places["place_id"], places["name"]))

    def route(supplier: str, recipient: str) -> str:
        return f"{names.get(supplier, supplier)} → {names.get(recipient, recipient)}"

    return pd.DataFrame(
        {
            "Supplier → recipient": [route(s, r) for s, r in zip(rows["supplier"], rows["recipient"])],
            "System": rows["system"].to_numpy(),
            "Kind": [vocab.label("transfers", "category", c) for c in rows["category"]],
            "Quantity": rows["quantity"].astype("string").fillna("").to_numpy(),
            "Ordered": [format_date(d, p) for d, p in zip(rows["order_date"], rows["order_date_precision"])],
            "Delivered": [date_span(a, pa, b, pb) if not pd.isna(a) else "" for a, pa, b, pb in zip(
                rows["first_delivery_date"], rows["first_delivery_precision"],
                rows["last_delivery_date"], rows["last_delivery_precision"])],
            "Status": [vocab.label("transfers", "status", s) for s in rows["status"]],
            "Evidence": [vocab.label("transfers", "evidence", e) for e in rows["evidence"]],
            "First public": [format_date(d, p) for d, p in zip(rows["public_date"], rows["public_date_precision"])],
            "After the essay": [later_mark(flag, latest) for flag, latest in zip(rows["public_after_essay"], rows["latest_fact_date"])],
            "Sources": rows["sources"].to_numpy(),
        },
        index=pd.Index(rows["transfer_id"].to_numpy(), name="Transfer"),
    )


def scorecard_view(scorecard: pd.DataFrame) -> pd.DataFrame:
    """The scorecard's short form (the Data tab beside its chart): words, verdict, evidence date, sources."""
    rows = scorecard.sort_values(["paragraph", "forecast_id"])
    return pd.DataFrame(
        {
            "Paragraph": [f"¶{p}" for p in rows["paragraph"]],
            "The essay's words": rows["exact"].to_numpy(),
            "Kind": [vocab.label("scorecard", "kind", k) for k in rows["kind"]],
            "Verdict": [vocab.label("scorecard", "verdict", v) for v in rows["verdict"]],
            "Evidence to": [format_date(d) for d in rows["as_of"]],
            "Sources": rows["sources"].to_numpy(),
        },
        index=pd.Index(rows["forecast_id"].to_numpy(), name="Forecast"),
    )


def places_view(places: pd.DataFrame) -> pd.DataFrame:
    """Places on the maps: name, kind, where drawn, coordinates and gazetteer id."""
    return pd.DataFrame(
        {
            "Name": places["name"].to_numpy(),
            "Kind": [vocab.label("places", "kind", k) for k in places["kind"]],
            "Drawn at": places["located_at"].fillna("").to_numpy(),
            "Latitude": places["latitude"].to_numpy(),
            "Longitude": places["longitude"].to_numpy(),
            "GeoNames id": places["geonames_id"].astype("string").fillna("").to_numpy(),
        },
        index=pd.Index(places["place_id"].to_numpy(), name="Code"),
    )


# ---- rendering ----------------------------------------------------------------------------
# Cells are built as structure (edition.markup): text stays text, sources and paragraph links are
# pieces, and the HTML a notebook shows is written by autoescaping templates.

def source_pieces(cell: Any, sources: dict[str, sources_mod.Source] | None = None) -> list[Any]:
    """A sources cell as links into the bibliography, each named by outlet and date."""
    sources = sources if sources is not None else sources_mod.all_sources()
    pieces: list[Any] = []
    for key in sources_mod.split_keys(cell):
        if key not in sources:
            raise KeyError(f"source key {key!r} is not in the bibliography")
        if pieces:
            pieces.append("; ")
        pieces.append(markup.source(key, sources[key].short, sources[key].title))
    return pieces


def sources_html(cell: Any, sources: dict[str, sources_mod.Source] | None = None) -> str:
    """A sources cell as the notebook view's HTML links into the bibliography."""
    return markup.render("pieces", pieces=source_pieces(cell, sources))


def numbered_source_pieces(cell: Any, numbers: "SourceNumbers") -> list[Any]:
    """A sources cell as numbers ('3, 17'), each linked to its entry in the list on the same page."""
    pieces: list[Any] = []
    for key in sources_mod.split_keys(cell):
        if key not in numbers.numbers:
            raise KeyError(f"source key {key!r} is not in the list {numbers.list_id!r}")
        if pieces:
            pieces.append(", ")
        pieces.append(markup.source_number(key, numbers.numbers[key], numbers.list_id))
    return pieces


class SourceNumbers:
    """Where a table's sources are listed once on the page: each key's number in the list ``list_id``."""

    def __init__(self, list_id: str, keys: Sequence[str]):
        self.list_id = list_id
        self.numbers = {key: n for n, key in enumerate(keys, start=1)}


def cell_pieces(value: Any, column: Any = None, numbers: SourceNumbers | None = None) -> list[Any]:
    """One cell: nothing for a missing value, dates written out, sources as links (or, where the
    page lists them once, as their numbers in that list)."""
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return [""]
    if str(column) in SOURCE_COLUMNS:
        if numbers is not None:
            return numbered_source_pieces(value, numbers) or [""]
        return source_pieces(value) or [""]
    if isinstance(value, (pd.Timestamp, dt.date)):
        return [format_date(value)]
    if isinstance(value, float) and value.is_integer():
        return [str(int(value))]
    return [str(value)]


def cell_html(value: Any, column: Any = None) -> str:
    """One cell as the notebook view's escaped HTML."""
    return markup.render("pieces", pieces=cell_pieces(value, column))


def to_html(frame: pd.DataFrame, caption: str | None = None, numbers: SourceNumbers | None = None) -> markup.Markup:
    """A table for readers: human headers, every cell escaped and in full, no '<NA>', readable dates,
    sources named by outlet and date and linked to the bibliography, or with ``numbers`` (a list of
    the sources on the same page, as a figure's Sources tab) by their numbers in that list. A named
    or labeled index becomes the first column; a plain 0, 1, 2 … index is left out."""
    show_index = not isinstance(frame.index, pd.RangeIndex) or frame.index.name is not None
    headers = [human_header(c) for c in frame.columns]
    rows = []
    for index, values in zip(frame.index, frame.itertuples(index=False)):
        cells = [cell_pieces(v, c, numbers) for v, c in zip(values, frame.columns)]
        rows.append(([cell_pieces(index)] if show_index else []) + cells)
    if show_index:
        headers = [human_header(frame.index.name) if frame.index.name is not None else "", *headers]
    return markup.Markup(markup.table(headers, rows, caption, row_header=show_index))


def source_entries(keys: list[str], sources: dict[str, sources_mod.Source] | None = None) -> list[sources_mod.Source]:
    """The sources a figure draws on, once each, in the order its Sources tab lists them (by outlet)."""
    sources = sources if sources is not None else sources_mod.all_sources()
    missing = [key for key in keys if key not in sources]
    if missing:
        raise KeyError(f"source key(s) not in the bibliography: {', '.join(missing)}")
    return sorted((sources[key] for key in dict.fromkeys(keys)), key=lambda s: (s.outlet.lower(), s.date, s.title))


def sources_list(keys: list[str], note: str = "", sources: dict[str, sources_mod.Source] | None = None,
                 list_id: str | None = None, see: str | None = None) -> markup.Markup:
    """A figure's Sources tab: each source by title (linked to it), outlet and date, sorted by outlet,
    with a link to its bibliography entry. With ``list_id`` the list is numbered, entry n a target
    ``<list_id>-<n>`` for its data table's rows (:class:`SourceNumbers`); with ``see``, the id of an
    earlier figure's list of the very same sources on the page, it points there instead."""
    entries = source_entries(keys, sources)
    plural = "s" if len(entries) != 1 else ""
    if see:
        intro = f"This figure draws on the same {len(entries)} source{plural} as an earlier figure on this page:"
        return markup.Markup(markup.source_list(intro, note, [], see=see))
    intro = f"This figure draws on {len(entries)} source{plural}, by outlet:"
    return markup.Markup(markup.source_list(intro, note, entries, list_id=list_id))


def scorecard_table(scorecard: pd.DataFrame, pages: dict[int, str]) -> markup.Markup:
    """The scorecard for readers: the essay's words and the verdict first, the evidence a click away."""
    rows, ids = [], []
    for r in scorecard.sort_values(["paragraph", "forecast_id"]).itertuples():
        ids.append(f"forecast-{r.forecast_id}")  # the claims ledger links each forecast's row
        evidence = markup.details("What would count, what happened, why", [
            [markup.strong("What would count:"), f" {r.criterion}"],
            [markup.strong("What happened:"), f" {r.outcome}"],
            [markup.strong("Why this verdict:"), f" {r.reasoning}"],
            [markup.strong("Sources:"), " ", *source_pieces(r.sources)],
        ])
        rows.append([
            [markup.paragraph_link(r.paragraph, pages.get(int(r.paragraph)))],
            [f"“{r.exact}”"],
            [vocab.label("scorecard", "kind", r.kind)],
            [markup.strong(vocab.label("scorecard", "verdict", r.verdict), ["verdict", f"verdict-{r.verdict}"])],
            [format_date(r.as_of)],
            [evidence],
        ])
    headers = ["Where", "The essay's words", "Kind", "Verdict", "Evidence to", "The evidence"]
    return markup.Markup(markup.table(headers, rows, "Forecast scorecard", classes=["edition-scorecard"], row_ids=ids))
