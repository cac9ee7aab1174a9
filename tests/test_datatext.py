"""The text checks of validation are kept per distinct value; kept or not, they say the same.

edition.datatext and edition.data keep what character_problems, markup_problems, tokens and the
per-cell text rule say of each value they were asked about. These tests check that the short cut
in character_problems reports what the full scan reports, that each call hands out its own list
(so a caller's change cannot leak into the next answer), and that two bad values in a row are each
reported with their own messages.
"""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import pytest

from edition import data, datatext
from test_data import TODAY, data_copy, problems, set_cell  # noqa: F401 - data_copy is a fixture


def scanned_character_problems(text: str) -> list[str]:
    """The full scan character_problems used before its short cut: every distinct character looked up."""
    found: list[str] = []
    if text and not text.strip():
        found.append("is only whitespace")
    for ch in dict.fromkeys(text):
        name = unicodedata.name(ch, f"U+{ord(ch):04X}")
        if ch in datatext.BIDI:
            found.append(f"contains the bidirectional control character U+{ord(ch):04X} ({name})")
        elif ch in datatext.ZERO_WIDTH:
            found.append(f"contains the zero-width character U+{ord(ch):04X} ({name})")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs") or ch in "\u2028\u2029":
            label = datatext.CONTROL_NAMES.get(ch, name)
            found.append(f"contains the control character U+{ord(ch):04X} ({label})")
    return found


def test_no_printable_character_is_one_character_problems_reports() -> None:
    """The short cut (printable text has no problem character) holds for every code point."""
    printable_but_flagged = [f"U+{cp:04X}" for cp in range(0x110000)
                             if chr(cp).isprintable() and datatext.flagged_character(chr(cp))]
    assert printable_but_flagged == []
    # and flagged_character is what the scan reports, on the characters the checks name
    for ch in sorted(datatext.BIDI | datatext.ZERO_WIDTH) + ["\0", "\t", "\x7f", "\u2028", "\ue000", "\xad"]:
        assert datatext.flagged_character(ch) and scanned_character_problems("a" + ch), repr(ch)


SAMPLES = [
    "", " ", "\u00a0\u2003", "plain text", "Iran\u2019s drones \u2014 reported", "tab\there", "line\nbreak",
    "cr\r", "nul\0", "rtl \u202e override", "isolate \u2066x\u2069", "zero\u200bwidth", "joiner \u200d \u2060",
    "bom\ufeff", "mongolian \u180e", "para\u2029sep", "line\u2028sep", "private \ue000", "soft\xadhyphen",
    "unassigned \u0378", "emoji \U0001F469\u200d\U0001F52C", "arabic mark \u061c", "nbsp\u00a0only",
    "\u202a\u202a\u200b\u200b repeated", "\t \n",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_character_problems_say_what_the_full_scan_says(text: str) -> None:
    assert datatext.character_problems(text) == scanned_character_problems(text)
    assert datatext.character_problems(text) == scanned_character_problems(text)  # asked again: kept


def test_each_call_hands_out_its_own_list() -> None:
    bad = "x \u202e y"
    first = datatext.character_problems(bad)
    first.append("changed by a caller")
    first.clear()
    assert datatext.character_problems(bad) == scanned_character_problems(bad) != []

    note = "Talks <script>alert(1)</script> ended."
    found = datatext.markup_problems(note)
    found.clear()
    assert any("raw HTML" in m for m in datatext.markup_problems(note))

    cited = "See {cite:p}`alpha-one` and *this*."
    parts = datatext.tokens(cited)
    parts.pop()
    assert [t.kind for t in datatext.tokens(cited)] == ["text", "cite:p", "text", "emphasis", "text"]

    problems_a = data.rule_text_field("t.csv", 2, "note", note, True)
    problems_a.clear()
    again = data.rule_text_field("t.csv", 7, "title", note, True)
    assert again and all(p.row == 7 and p.field == "title" and p.value == note for p in again)


def test_the_same_value_is_judged_by_its_field() -> None:
    """A value kept for one kind of field says nothing about another: emphasis is fine in a note only."""
    value = "A *stressed* word."
    assert data.rule_text_field("t.csv", 2, "note", value, True) == []
    plain = data.rule_text_field("t.csv", 2, "title", value, False)
    assert [p.message for p in plain] == [
        "contains *emphasis*, which a plain text field cannot show; this field is plain text"]
    assert data.rule_text_field("t.csv", 2, "count", "1e3", False, is_text=False) == []


def test_two_bad_values_in_a_row_are_each_reported(data_copy: Path, tmp_path: Path, root: Path) -> None:
    """Validating one broken copy after another names each copy's own bad value, never the last one's."""
    first_bad, second_bad = "Talks <script>alert(1)</script> ended.", "Hidden \u202e text."
    set_cell("annotations", 3, "note", first_bad)(data_copy)
    first = problems(data_copy)
    assert "<script>" in first and "U+202E" not in first

    other = tmp_path / "other"
    shutil.copytree(root / "data", other)
    set_cell("annotations", 3, "note", second_bad)(other)
    second = problems(other)
    assert "U+202E" in second and "<script>" not in second

    # the first copy, unchanged, still fails with its own message (a kept result is never "it passed")
    assert problems(data_copy) == first
