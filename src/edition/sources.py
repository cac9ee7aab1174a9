"""Sources as readers see them: outlet, title and date from the bibliography, never its keys."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pybtex.database import BibliographyData

from edition import data

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


@dataclass(frozen=True)
class Source:
    """One bibliography entry, in the words a reader sees."""

    key: str
    outlet: str
    title: str
    date: str  # 'September 12, 2022', 'September 2022', '2022' or '' when the page gave none
    url: str

    @property
    def short(self) -> str:
        """'Reuters, September 12, 2022' (or 'Reuters, undated')."""
        return f"{self.outlet}, {self.date or 'undated'}"


def _clean(text: str) -> str:
    """BibTeX field text as plain text: braces and the escaped ampersand undone."""
    return text.replace("\\&", "&").replace("{", "").replace("}", "").strip()


def entry_date(fields: dict) -> str:
    """The entry's date at the precision it gives: 'September 12, 2022', 'September 2022' or '2022'."""
    year = fields.get("year", "").strip()
    if not year:
        return ""
    month = fields.get("month", "").strip().lower()[:3]
    names = {m[:3].lower(): m for m in MONTHS}
    if month not in names:
        return year
    day = fields.get("day", "").strip()
    return f"{names[month]} {int(day)}, {year}" if day.isdigit() else f"{names[month]} {year}"


def sources_from(bib: BibliographyData) -> dict[str, Source]:
    """Every bibliography entry as a Source, by key."""
    out = {}
    for key, entry in bib.entries.items():
        fields = dict(entry.fields)
        out[key] = Source(key=key, outlet=_clean(fields.get("howpublished", "")) or "Unknown outlet",
                          title=_clean(fields.get("title", "")), date=entry_date(fields),
                          url=fields.get("url", "").strip())
    return out


@functools.lru_cache(maxsize=1)
def all_sources() -> dict[str, Source]:
    """The edition's bibliography as Sources (read once per process)."""
    return sources_from(data.load_bibliography())


def split_keys(cell: object) -> list[str]:
    """The keys in a ';'-separated sources cell, in order, without blanks."""
    if cell is None or not isinstance(cell, str):
        return []
    return [key.strip() for key in cell.split(";") if key.strip()]


def phrase(keys: list[str], sources: dict[str, Source] | None = None) -> str:
    """'Reuters, September 12, 2022; AP, March 3, 2023' for a list of keys (plain text, not escaped)."""
    sources = sources if sources is not None else all_sources()
    missing = [key for key in keys if key not in sources]
    if missing:
        raise KeyError(f"source key(s) not in the bibliography: {', '.join(missing)}")
    return "; ".join(sources[key].short for key in keys)
