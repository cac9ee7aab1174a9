"""The mechanical part of the style sheet (EDITING.md), on every chapter and every text field of data/."""

from __future__ import annotations

from pathlib import Path

import pytest

from edition import data, style


def prose_files(root: Path) -> list[Path]:
    return data.text_sources(root) + [root / "README.md"]


def test_prose_follows_the_style_sheet(root: Path) -> None:
    found = style.chapter_problems(prose_files(root), root)
    assert not found, "\n".join(map(str, found))


def test_data_text_follows_the_style_sheet(root: Path) -> None:
    found = style.data_problems(root / "data")
    assert not found, "\n".join(map(str, found))


@pytest.mark.parametrize("text, rule", [
    ("The attack of 7 October 2023 changed the region.", "date"),
    ("the 7 October attack", "date"),
    ("On Jan. 17, 2025 the two signed a treaty.", "date"),
    ("Sept. 26, 2025", "date"),
    ("formally joined on 1 Jan 2024.", "date"),
    ("on October 26th", "date"),
    ("on October 26 2023", "date"),
    ("about 90% of production", "percent"),
    ("about 90 per cent of production", "percent"),
    ("the contract was cancelled", "spelling"),
    ("events are labelled as reported", "spelling"),
    ("a defence pact", "spelling"),
    ("eighteen Soviet diplomats", "number"),
    ("the nineteenth-century wars", "number"),
    ("a twenty-year treaty", "number"),
    ("Iran currently holds", "undated"),
])
def test_each_rule_catches_its_breach(text: str, rule: str) -> None:
    assert [p.rule for p in style.check(text, "example")] == [rule]


@pytest.mark.parametrize("text", [
    "On October 7, 2023, Hamas attacked; on January 17, 2025, the treaty was signed.",
    "about 90 percent of production stages, 13–0 with two abstentions",
    "the UK Ministry of Defence said; the Shanghai Cooperation Organisation met",
    "Khomeini set \"neither East nor West, labelled as one\" as the rule",  # a quotation keeps its form
    "a {cite:p}`indiatoday-2025-russia-not-recognise-snapback` key is not prose",
    "nine ships, 10 tanks, the ninth round and the 19th package",
])
def test_what_the_style_sheet_allows_passes(text: str) -> None:
    assert list(style.check(text, "example")) == []


def test_code_cells_and_front_matter_are_not_prose(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("---\ntitle: 7 October\n---\n\n# Title\n\n```{code-cell} ipython3\nx = '7 October'\n```\n\n"
                    "```{figure-panel} x\nA caption of 7 October.\n```\n", encoding="utf-8")
    found = style.chapter_problems([page], tmp_path)
    assert [(p.where, p.found) for p in found] == [("page.md, line 12", "7 October")]
