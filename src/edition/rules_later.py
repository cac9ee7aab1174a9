"""Later knowledge from dates: what a note or row reports is dated, and the "after the essay" mark follows the date.

- Every note carries ``event_date`` (with ``event_date_precision``): the date of the latest development it
  reports, whatever its kind. The renderer marks a note "after the essay" exactly when that date is later
  than 26 October 2023 (:func:`note_is_later`), so a context or caveat note about 2025 is marked too.
- A transfer or event whose own dates are before the essay but whose text reports something later carries
  ``latest_fact_date``, the date of the latest fact it reports (:func:`row_later_date`).
- Validation rejects a note or row whose text names a date after the essay while its dates say otherwise.
  A row whose text names a later date only as a plan or forecast made before the essay says so by giving
  ``latest_fact_date`` the date the plan was made; a row is later knowledge when any of its dates,
  ``latest_fact_date`` included, falls after the essay.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Iterator

import pandas as pd

from edition import vocab
from edition.data import _rows

ESSAY_DATE = dt.date(2023, 10, 26)
MONTH_NAMES = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
               "october", "november", "december"]
_MONTH = r"(January|February|March|April|May|June|July|August|September|October|November|December|" \
         r"Jan\.|Feb\.|Aug\.|Sept\.|Sep\.|Oct\.|Nov\.|Dec\.)"
DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})\s+{_MONTH}\s+(\d{{4}})\b")
MONTH_DAY_YEAR = re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:[–-]\d{{1,2}})?,\s+(\d{{4}})\b")
MONTH_YEAR = re.compile(rf"\b{_MONTH}\s+(\d{{4}})\b")
YEAR = re.compile(r"(?<![\w./-])(1[5-9]\d\d|20\d\d)(?![\w/-])")
ROW_TEXT = {
    "transfers": ("transfer_id", ["description", "quantity_note", "disagreement"],
                  ["order_date", "first_delivery_date", "last_delivery_date", "public_date", "latest_fact_date"]),
    "events": ("event_id", ["title", "summary"], ["start_date", "end_date", "latest_fact_date"]),
}


def _month(name: str) -> int:
    name = name.lower().rstrip(".")
    return next(i for i, m in enumerate(MONTH_NAMES, 1) if m.startswith(name[:3]))


def mentioned_dates(text: str) -> list[tuple[dt.date, str]]:
    """Every date a text names, each as its earliest possible day with its precision."""
    found: list[tuple[dt.date, str]] = []
    spans: list[tuple[int, int]] = []

    def free(match: re.Match) -> bool:
        return not any(a <= match.start() < b for a, b in spans)

    for match in DAY_MONTH_YEAR.finditer(text):
        day, month, year = int(match.group(1)), _month(match.group(2)), int(match.group(3))
        try:
            found.append((dt.date(year, month, day), "day"))
            spans.append(match.span())
        except ValueError:
            pass
    for match in MONTH_DAY_YEAR.finditer(text):
        if free(match):
            try:
                found.append((dt.date(int(match.group(3)), _month(match.group(1)), int(match.group(2))), "day"))
                spans.append(match.span())
            except ValueError:
                pass
    for match in MONTH_YEAR.finditer(text):
        if free(match):
            found.append((dt.date(int(match.group(2)), _month(match.group(1)), 1), "month"))
            spans.append(match.span())
    for match in YEAR.finditer(text):
        if free(match):
            found.append((dt.date(int(match.group(1)), 1, 1), "year"))
    return found


def later_mentions(text: str) -> list[str]:
    """The dates a text names that fall after the essay."""
    return list(_later_mentions(text))


@lru_cache(maxsize=1 << 14)
def _later_mentions(text: str) -> tuple[str, ...]:
    """later_mentions, kept once per distinct text (the tests validate a hundred copies of data/
    that share nearly every row)."""
    out = []
    for date, precision in mentioned_dates(text):
        # a month or year that contains the essay's date is ambiguous and not counted; one wholly after it is
        if (precision == "day" and date > ESSAY_DATE) or (precision == "month" and date > ESSAY_DATE) or (
                precision == "year" and date.year > ESSAY_DATE.year):
            out.append(date.isoformat()[: vocab.trait("annotations", "event_date_precision", "isoChars")[precision]])
    return tuple(out)


def note_is_later(event_date) -> bool:
    """A note is marked 'after the essay' exactly when what it reports is dated after 26 October 2023."""
    if event_date is None or (not isinstance(event_date, str) and pd.isna(event_date)):
        return False
    date = event_date.date() if hasattr(event_date, "date") else dt.date.fromisoformat(str(event_date))
    return date > ESSAY_DATE


def row_later_date(record) -> dt.date | None:
    """The latest date a transfer or event row reports, if it falls after the essay."""
    dates = []
    for column in ("order_date", "first_delivery_date", "last_delivery_date", "public_date", "start_date",
                   "end_date", "latest_fact_date"):
        value = record.get(column) if hasattr(record, "get") else getattr(record, column, None)
        if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "":
            continue
        dates.append(value.date() if hasattr(value, "date") else dt.date.fromisoformat(str(value)))
    later = [d for d in dates if d > ESSAY_DATE]
    return max(later) if later else None


def _parse(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def note_problems(frame: pd.DataFrame, path: str, problem) -> Iterator:
    for row, record in _rows(frame):
        ident = record["annotation_id"]
        date = _parse(record["event_date"])
        if date is None:
            yield problem(path, row, "event_date", record["event_date"] or None,
                          f"note {ident} needs the date of what it reports (event_date)")
            continue
        precision = record.get("event_date_precision", "")
        allowed = vocab.values("annotations", "event_date_precision")
        if precision not in allowed:
            yield problem(path, row, "event_date_precision", precision or None, f"must be one of {', '.join(allowed)}")
        later = later_mentions(record["note"])
        if later and date <= ESSAY_DATE:
            yield problem(path, row, "event_date", record["event_date"],
                          f"note {ident} reports {', '.join(later)}, after the essay ({ESSAY_DATE}), "
                          "but its event_date is not; date it so that it is marked as later knowledge")


def row_problems(tables: dict[str, pd.DataFrame], paths: dict[str, str], problem) -> Iterator:
    for name, (id_column, text_columns, date_columns) in ROW_TEXT.items():
        frame = tables.get(name)
        if frame is None:
            continue
        for row, record in _rows(frame):
            text = " ".join(str(record.get(c, "")) for c in text_columns)
            later = later_mentions(text)
            dates = [d for d in (_parse(record.get(c, "")) for c in date_columns) if d]
            if not dates:
                yield problem(paths[name], row, "latest_fact_date", None,
                              f"{record[id_column]} carries no date at all; give at least the date of what it reports")
            declared = _parse(record.get("latest_fact_date", ""))
            if later and declared is None and not any(d > ESSAY_DATE for d in dates):
                column = next(c for c in text_columns if later_mentions(str(record.get(c, ""))))
                yield problem(paths[name], row, column, str(record[column])[:80],
                              f"{record[id_column]} names {', '.join(later)}, after the essay ({ESSAY_DATE}), but none "
                              "of its dates does; set latest_fact_date to the date of the latest fact it reports "
                              "(a plan or forecast for a later date counts at the date it was made)")
