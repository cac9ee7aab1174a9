"""The seed: its hash, its provenance and the parser's split into parts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from edition import essay

SHA = "537eb8dd90ee92466a0a509d13cb95d2905504d89df8267ebd8b578ef7c3532f"


@pytest.fixture()
def seed_copy(tmp_path: Path, root: Path) -> Path:
    target = tmp_path / "seeds"
    shutil.copytree(root / "seeds", target)
    essay.load.cache_clear()
    yield target
    essay.load.cache_clear()


def test_seed_is_the_byte_exact_essay(root: Path) -> None:
    prov = essay.load_provenance()
    assert prov.sha256 == SHA
    assert essay.sha256_of(root / "seeds" / prov.file) == SHA
    shared = root.parent / "shared" / "seeds" / prov.file
    if shared.exists():  # on the developers' and CI machines the original sits beside the repo
        assert shared.read_bytes() == (root / "seeds" / prov.file).read_bytes()


def test_altered_seed_is_refused_with_a_clear_message(seed_copy: Path) -> None:
    prov = essay.load_provenance(seed_copy)
    path = seed_copy / prov.file
    path.write_bytes(path.read_bytes().replace(b"Gaza war", b"Gaza War", 1))
    with pytest.raises(essay.SeedError, match="seed hash mismatch") as info:
        essay.load(seed_copy)
    assert prov.file in str(info.value) and SHA in str(info.value)


def test_missing_seed_is_refused(seed_copy: Path) -> None:
    (seed_copy / essay.load_provenance(seed_copy).file).unlink()
    with pytest.raises(essay.SeedError, match="missing"):
        essay.load(seed_copy)


def test_parser_finds_fourteen_body_paragraphs_in_order() -> None:
    parsed = essay.load()
    assert [p.number for p in parsed.paragraphs] == list(range(1, 15))
    assert parsed.paragraphs[0].text.startswith("The latest Gaza war is more than")
    assert parsed.paragraphs[6].text == "All of a sudden, Russia seems to need Iran almost as much as Iran needs Russia."
    assert parsed.paragraphs[13].text.startswith("Even if the Iran-Russia relationship")
    assert all(p.text == p.text.strip() for p in parsed.paragraphs)
    assert len({p.anchor for p in parsed.paragraphs}) == 14


def test_parser_reads_header_fields_against_provenance() -> None:
    parsed = essay.load()
    header = parsed.header
    assert header.title == "The Persian-Russian Connection"
    assert header.section_labels == ("Armed Conflict", "Foreign Relations & International Law")
    assert header.byline == "Daniel Byman, Kenneth M. Pollack"
    assert header.date_line == "Thursday, October 26, 2023, 11:36 AM"
    assert header.date_line == parsed.provenance.published_as_shown
    assert header.standfirst.startswith("Tehran’s ties to Russia are growing")
    assert header.photo_caption.startswith("Russian President Putin and Iran’s Ayatollah Khamenei")
    assert header.credit == "Published by The Lawfare Institute in Cooperation With"


def test_parser_separates_author_notes_and_footer() -> None:
    parsed = essay.load()
    assert len(parsed.author_notes) == 2
    assert parsed.author_notes[0].startswith("Daniel Byman is a professor")
    assert parsed.author_notes[1].startswith("Kenneth M. Pollack is a resident scholar")
    assert parsed.footer == "Subscribe to Lawfare"
    body = " ".join(p.text for p in parsed.paragraphs)
    assert "resident scholar" not in body and "Subscribe" not in body


def test_parser_names_the_line_of_a_malformed_body() -> None:
    prov = essay.load_provenance()
    text = (essay.SEEDS_DIR / prov.file).read_text(encoding="utf-8")
    broken = text.replace("All of a sudden, Russia", "All of a sudden,\nRussia", 1)
    with pytest.raises(essay.SeedError, match=r"line 27: body paragraph 7 spans 2 lines"):
        essay.parse(broken, prov)


def test_parser_rejects_a_title_that_differs_from_provenance() -> None:
    prov = essay.load_provenance()
    text = (essay.SEEDS_DIR / prov.file).read_text(encoding="utf-8")
    with pytest.raises(essay.SeedError, match="line 3: title"):
        essay.parse(text.replace("The Persian-Russian Connection", "The Russian-Persian Connection", 1), prov)


@pytest.mark.parametrize(
    "spec, expected",
    [("3", [3]), ("3-5", [3, 4, 5]), ("1, 4, 6–7", [1, 4, 6, 7]), ("11-14", [11, 12, 13, 14])],
)
def test_paragraph_ranges_read(spec: str, expected: list[int]) -> None:
    assert essay.parse_range(spec, 14) == expected


@pytest.mark.parametrize("spec", ["0", "15", "5-3", "two", "1-"])
def test_bad_paragraph_ranges_are_refused(spec: str) -> None:
    with pytest.raises(essay.SeedError, match="paragraph range"):
        essay.parse_range(spec, 14)
