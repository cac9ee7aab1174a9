"""Table views of the data for chapters: dates shown at their precision, text left to pandas to escape."""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from edition.rules_later import ESSAY_DATE

PRECISION_FORMAT = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}


def format_date(value: pd.Timestamp | None, precision: str | None) -> str:
    """A date written no more precisely than the source gives it: 2022, 2022-09 or 2022-09-13."""
    if value is None or pd.isna(value):
        return ""
    return value.strftime(PRECISION_FORMAT.get(str(precision), "%Y-%m-%d"))


def date_span(start: pd.Timestamp, start_precision: str, end: pd.Timestamp | None, end_precision: str | None) -> str:
    """'1804–1813-10-24' style span, or the single date."""
    first = format_date(start, start_precision)
    last = format_date(end, end_precision)
    return f"{first} – {last}" if last and last != first else first


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
        shown = str(day.year) if (day.month, day.day) == (1, 1) else day.isoformat()[:7] if day.day == 1 else day.isoformat()
        return f"later facts ({shown})"
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
            "Sources": rows["sources"].str.replace(";", "; ").to_numpy(),
        },
        index=pd.Index(rows["event_id"].to_numpy(), name="id"),
    )


def to_html(frame: pd.DataFrame, caption: str | None = None) -> HTML:
    """A table as escaped HTML with every cell in full (pandas would cut long text at 50 characters)."""
    with pd.option_context("display.max_colwidth", None):
        html = frame.to_html(escape=True, classes=["edition-table"], border=0, na_rep="")
    if caption:
        html = html.replace("<table", "<table aria-label=\"" + caption.replace('"', "&quot;") + "\"", 1)
    return HTML(html)


def show_events(events: pd.DataFrame, paragraphs: set[int] | range) -> HTML:
    """The events bearing on some paragraphs, as a compact table for a chapter."""
    frame = events_for(events, paragraphs)[["When", "Event", "In brief", "Certainty", "After the essay"]]
    numbers = ", ".join(f"¶{n}" for n in sorted(set(paragraphs)))
    return to_html(frame, caption=f"Timeline events bearing on {numbers}")


def transfers_view(transfers: pd.DataFrame) -> pd.DataFrame:
    """Arms transfers with dates at their precision, for display."""
    rows = transfers
    return pd.DataFrame(
        {
            "Supplier → recipient": (rows["supplier"] + " → " + rows["recipient"]).to_numpy(),
            "System": rows["system"].to_numpy(),
            "Category": rows["category"].to_numpy(),
            "Quantity": rows["quantity"].astype("string").fillna("").to_numpy(),
            "Ordered": [format_date(d, p) for d, p in zip(rows["order_date"], rows["order_date_precision"])],
            "Delivered": [date_span(a, pa, b, pb) if not pd.isna(a) else "" for a, pa, b, pb in zip(
                rows["first_delivery_date"], rows["first_delivery_precision"],
                rows["last_delivery_date"], rows["last_delivery_precision"])],
            "Status": rows["status"].to_numpy(),
            "Evidence": rows["evidence"].to_numpy(),
            "Public": [format_date(d, p) for d, p in zip(rows["public_date"], rows["public_date_precision"])],
            "After the essay": [later_mark(flag, latest) for flag, latest in zip(rows["public_after_essay"], rows["latest_fact_date"])],
            "Sources": rows["sources"].str.replace(";", "; ").to_numpy(),
        },
        index=pd.Index(rows["transfer_id"].to_numpy(), name="id"),
    )


def scorecard_table(scorecard: pd.DataFrame, pages: dict[int, str]) -> HTML:
    """The scorecard as an escaped HTML table, each forecast linked to its paragraph."""
    import html as html_lib

    rows = []
    for r in scorecard.sort_values(["paragraph", "forecast_id"]).itertuples():
        page = pages.get(int(r.paragraph))
        para = f"¶{r.paragraph}"
        link = f'<a href="{page}.html#essay-p{r.paragraph}">{para}</a>' if page else para
        cells = [html_lib.escape(r.forecast_id), link, html_lib.escape(r.kind), html_lib.escape(r.criterion),
                 html_lib.escape(r.outcome), f"<strong>{html_lib.escape(r.verdict.replace('-', ' '))}</strong>",
                 html_lib.escape(r.reasoning), html_lib.escape(r.as_of.date().isoformat())]
        rows.append(f'<tr id="forecast-{html_lib.escape(r.forecast_id)}">' + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    head = "".join(f"<th>{h}</th>" for h in
                   ["Id", "Where", "Kind", "What would count", "What happened", "Verdict", "Why", "Evidence to"])
    return HTML(f'<table class="edition-table edition-scorecard" aria-label="Forecast scorecard">'
                f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")
