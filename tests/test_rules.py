"""The source-quality and later-knowledge rules, each on a small broken copy of data/."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from edition import data, rules_later
from edition.paths import DATA_DIR, ROOT

TODAY = dt.date.today()


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def _edit_row(path: Path, ident: str, **changes: str) -> None:
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    fields = list(rows[0])
    hit = [r for r in rows if r[fields[0]] == ident]
    assert hit, ident
    hit[0].update(changes)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def _problems(data_dir: Path) -> list[str]:
    descriptor = data.read_descriptor(data_dir)
    text_files = data.text_sources(ROOT)
    return [str(p) for p in data.cross_check_problems(data_dir, descriptor, TODAY, text_files)]


def _bib_set(data_dir: Path, key: str, field: str, value: str) -> None:
    path = data_dir / "references.bib"
    text = path.read_text(encoding="utf-8")
    entry = re.search(r"@misc\{" + re.escape(key) + r",.*?\n\}\n", text, re.S).group(0)
    path.write_text(text.replace(entry, re.sub(rf"^  {field} = .*$", f"  {field} = {{{value}}},", entry,
                                               count=1, flags=re.M)), encoding="utf-8")


def test_the_real_data_passes_the_new_rules(tmp_path):
    assert [p for p in _problems(_copy(tmp_path)) if "quality" in p or "latest_fact" in p
            or "aggregator" in p or "state or party" in p or "event_date" in p] == []


def test_a_note_reporting_a_later_event_without_a_later_date_is_rejected(tmp_path):
    d = _copy(tmp_path)
    _edit_row(d / "annotations.csv", "A13-4", event_date="2023-10-01", event_date_precision="month")
    found = [p for p in _problems(d) if "annotations.csv" in p and "'event_date'" in p]
    assert len(found) == 1
    assert "2024-03" in found[0] and "A13-4" in found[0] and "row " in found[0]


def test_a_note_without_any_date_is_rejected(tmp_path):
    d = _copy(tmp_path)
    _edit_row(d / "annotations.csv", "A02-7", event_date="", event_date_precision="")
    assert any("A02-7 needs the date of what it reports" in p for p in _problems(d))


def test_a_row_reporting_a_later_fact_needs_latest_fact_date(tmp_path):
    d = _copy(tmp_path)
    _edit_row(d / "transfers.csv", "T036", latest_fact_date="")
    found = [p for p in _problems(d) if "T036" in p]
    assert found and "field 'quantity_note'" in found[0] and "2024-04" in found[0]


def test_a_row_without_any_date_is_rejected(tmp_path):
    d = _copy(tmp_path)
    _edit_row(d / "transfers.csv", "T027", latest_fact_date="")
    assert any("T027 carries no date at all" in p and "field 'latest_fact_date'" in p for p in _problems(d))


def test_a_row_on_an_aggregator_alone_is_rejected(tmp_path):
    d = _copy(tmp_path)
    _edit_row(d / "events.csv", "E054", sources="allrefer-nd-loc-iran-ww2;countrydata-nd-loc-soviet-iran-iraq")
    found = [p for p in _problems(d) if "E054" in p]
    assert found and "field 'sources'" in found[0] and "aggregator" in found[0] and "events.csv, row 55" in found[0]


def test_a_state_media_only_row_rated_confirmed_is_rejected(tmp_path):
    d = _copy(tmp_path)
    _edit_row(d / "events.csv", "E094", certainty="confirmed", summary="Russia hosted the BRICS summit in Kazan.",
              sources="tass-2023-iran-yak130")
    found = [p for p in _problems(d) if "E094" in p]
    assert any("field 'certainty', value 'confirmed'" in p and "rate it 'reported'" in p for p in found)
    assert any("word it as that party's claim" in p for p in found)


def test_delivered_on_one_publisher_is_rejected(tmp_path):
    d = _copy(tmp_path)
    _edit_row(d / "transfers.csv", "T027", status="delivered", sources="euromaidan-2023-alabuga-kirby")
    found = [p for p in _problems(d) if "T027" in p]
    assert found and "field 'status', value 'delivered'" in found[0] and "two independent publishers" in found[0]


def test_an_unknown_quality_tier_is_rejected(tmp_path):
    d = _copy(tmp_path)
    _bib_set(d, "aawsat-2021-raisi-priority", "quality", "excellent")
    assert any("aawsat-2021-raisi-priority.quality" in p and "'excellent'" in p for p in _problems(d))


def test_every_entry_has_a_known_tier():
    bib = data.load_bibliography()
    from edition.rules_sources import TIERS
    assert {e.fields.get("quality") for e in bib.entries.values()} <= set(TIERS)


@pytest.mark.parametrize("text,expected", [
    ("In November 2023 the toll was revised.", ["2023-11"]),
    ("On 20 October 2023 Biden spoke; by 2016 deliveries ended.", []),
    ("In October 2023 officials said so.", []),
    ("On September 10, 2024, Blinken said", ["2024-09-10"]),
])
def test_later_mentions(text, expected):
    assert rules_later.later_mentions(text) == expected


def test_the_marker_follows_the_date_not_the_kind():
    import pandas as pd
    assert rules_later.note_is_later(pd.Timestamp("2025-06-01"))
    assert not rules_later.note_is_later(pd.Timestamp("2023-10-26"))
    assert not rules_later.note_is_later(pd.NaT)


def _biber_config(tmp_path: Path) -> Path:
    default = subprocess.run(["biber", "--tool-config"], capture_output=True, text=True, check=True).stdout.strip().split()[-1]
    text = Path(default).read_text(encoding="utf-8")
    text = text.replace('<field fieldtype="field" datatype="literal">howpublished</field>',
                        '<field fieldtype="field" datatype="literal">howpublished</field>\n'
                        '      <field fieldtype="field" datatype="literal">quality</field>', 1)
    text = text.replace("<entrytype>misc</entrytype>\n      <entrytype>software</entrytype>\n      <field>addendum</field>",
                        "<entrytype>misc</entrytype>\n      <entrytype>software</entrytype>\n      <field>addendum</field>\n"
                        "      <field>quality</field>", 1)
    conf = tmp_path / "biber-tool.conf"
    conf.write_text(text, encoding="utf-8")
    return conf


@pytest.mark.skipif(shutil.which("biber") is None, reason="biber not installed (CI installs it: .ci/run)")
def test_the_bibliography_passes_biber_validation(tmp_path):
    """biber's datamodel validation (with the edition's one extra field, quality) finds nothing but
    the missing dates of pages that show none, each of which says 'Undated page.' in its note."""
    bib = data.load_bibliography()
    copy = tmp_path / "references.bib"  # biber writes its log beside the input: keep it out of data/
    shutil.copyfile(DATA_DIR / "references.bib", copy)
    run = subprocess.run(["biber", "--tool", "--configfile", str(_biber_config(tmp_path)), "--validate-datamodel",
                          str(copy), "--output-file", str(tmp_path / "out.bib")],
                         capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    warnings = {line for line in run.stdout.splitlines() + run.stderr.splitlines() if "WARN - " in line}
    unexplained = []
    for line in warnings:
        match = re.search(r"Entry '([^']+)'.*Missing mandatory field - one of 'date, year'", line)
        if match and data.UNDATED_MARK in bib.entries[match.group(1)].fields.get("note", ""):
            continue
        unexplained.append(line)
    assert unexplained == []


def test_months_are_macros_and_titles_have_no_bare_underscore():
    text = (DATA_DIR / "references.bib").read_text(encoding="utf-8")
    assert re.findall(r"^  month = \{", text, re.M) == []
    assert [t for t in re.findall(r"^  title = \{(.*)\},?$", text, re.M) if re.search(r"(?<!\\)_", t)] == []


def _note_head(built_html: Path, page: str, annotation_id: str) -> str:
    html = (built_html / "chapters" / page).read_text(encoding="utf-8")
    start = html.index(f'id="note-{annotation_id.lower()}"')
    head = html[start:html.index("</p>", start)]
    return re.sub(r"<[^>]+>", "", head)


def test_the_built_page_marks_later_notes_of_any_kind_and_only_them(built_html):
    """A caveat about March 2024 (A13-4) is marked with its month; a 1983 source note (A02-7) is not."""
    later = _note_head(built_html, "06-what-comes-next.html", "A13-4")
    assert "Caveat" in later and "2024-03 (after the essay)" in later
    earlier = _note_head(built_html, "02-tehrans-calculus.html", "A02-7")
    assert "after the essay" not in earlier


def test_the_built_bibliography_shows_each_entry_tier(built_html):
    html = (built_html / "chapters" / "bibliography.html").read_text(encoding="utf-8")
    bib = data.load_bibliography()
    assert html.count("Source quality: ") == len(bib.entries)
    assert "Source quality: state or party media" in html and "Source quality: official document" in html
