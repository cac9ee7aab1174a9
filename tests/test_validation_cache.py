"""frictionless's answers, kept per resource by the bytes they read, equal a whole-package validation.

edition.data.frictionless_problems keeps what frictionless says of the descriptor and of each
resource, by the content each answer reads (descriptor, the resource's file, the files its foreign
keys look into). These tests break copies of data/ one after another, so that some resources'
answers are kept and others are not, and compare every answer, row numbers and messages included,
with frictionless.Package.validate run on the whole package as the validation did before.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Callable

import pytest
from frictionless import FrictionlessException, Package

from edition import data
from test_data import edit_csv, set_cell


def whole_package_problems(data_dir: Path, files: dict[str, data.CsvFile]) -> list[data.Problem]:
    """What frictionless_problems reported when it ran Package.validate on the whole package."""
    where = data._rel(data_dir / data.PACKAGE_FILE)
    try:
        package = Package(str(data_dir / data.PACKAGE_FILE), basepath=str(data_dir))
        report = package.validate()
    except FrictionlessException as err:
        return [data.Problem(where, None, None, None, f"invalid descriptor: {err}")]
    paths = {r.name: r.path for r in package.resources}
    by_file = {paths.get(name): csv_file for name, csv_file in files.items()}
    problems = []
    for task in report.tasks:
        path = data._rel(data_dir / Path(task.place).name) if task.place else data._rel(data_dir)
        csv_file = by_file.get(Path(task.place).name) if task.place else None
        for error in task.errors:
            number = getattr(error, "row_number", None)
            if number is not None and csv_file is not None:
                number = csv_file.line_of(number) or number
            problems.append(data.Problem(path, number, getattr(error, "field_name", None),
                                         getattr(error, "cell", None), f"{error.type}: {error.note}"))
    for error in report.errors:
        problems.append(data.Problem(where, None, None, None, f"{error.type}: {error.note}"))
    return problems


def edit_descriptor(change: Callable[[dict], None]) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        path = folder / data.PACKAGE_FILE
        descriptor = json.loads(path.read_text(encoding="utf-8"))
        change(descriptor)
        path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    return edit


def schema_field(descriptor: dict, resource: str, field: str) -> dict:
    (found,) = [f for r in descriptor["resources"] if r["name"] == resource
                for f in r["schema"]["fields"] if f["name"] == field]
    return found


def rename_place(old: str, new: str) -> Callable[[Path], None]:
    return lambda folder: edit_csv(folder, "places", lambda f: f.__setitem__("place_id", f["place_id"].replace(old, new)))


def both(*changes: Callable[[Path], None]) -> Callable[[Path], None]:
    def change(folder: Path) -> None:
        for one in changes:
            one(folder)
    return change


# In this order: each copy shares most tables with the one before, so answers kept for one are used
# for the next; where a table changes, the tables whose foreign keys read it must be asked again.
CHANGES = [
    ("unchanged", lambda folder: None),
    ("unknown supplier (foreign key; places unchanged)", set_cell("transfers", 3, "supplier", "XXX")),
    ("place renamed that transfers name (foreign key through places)", rename_place("IRN", "IRQ2")),
    ("same place renamed, a transfer broken too", both(rename_place("IRN", "IRQ2"), set_cell("transfers", 5, "quantity", "many"))),
    ("latitude not a number", set_cell("places", 4, "latitude", "north")),
    ("claim id changed that notes and verdicts name", set_cell("claims", 2, "claim_id", "C999")),
    ("duplicate event id", set_cell("events", 3, "event_id", "E001")),
    ("a note's kind outside its enum", set_cell("annotations", 6, "kind", "rumor")),
    ("the schema narrows an enum", edit_descriptor(
        lambda d: schema_field(d, "transfers", "category")["constraints"].__setitem__("enum", ["aircraft"]))),
    ("a foreign key into a table the package lacks", edit_descriptor(
        lambda d: [r for r in d["resources"] if r["name"] == "annotations"][0]["schema"]["foreignKeys"][0]
        ["reference"].__setitem__("resource", "nowhere"))),
    ("descriptor metadata invalid", edit_descriptor(
        lambda d: schema_field(d, "places", "name")["constraints"].__setitem__("maxLength", "long"))),
    ("unchanged again", lambda folder: None),
]


def test_kept_answers_equal_a_whole_package_validation(tmp_path: Path, root: Path) -> None:
    data._FRICTIONLESS_KEPT.clear()
    found_any = set()
    for number, (description, change) in enumerate(CHANGES):
        folder = tmp_path / f"copy{number}"
        shutil.copytree(root / "data", folder)
        change(folder)
        descriptor, files, structure = data.structure_problems(folder)
        files = files or {}
        expected = whole_package_problems(folder, files)
        assert data.frictionless_problems(folder, files) == expected, description  # some kept, some new
        assert data.frictionless_problems(folder, files) == expected, description  # all kept
        if description.startswith("unchanged"):
            assert expected == [], description
        else:
            assert expected, f"{description}: the change should make frictionless object"
        found_any |= {p.message.split(":")[0] for p in expected}
    # the cases reach the kinds of answer the kept results must carry
    assert {"foreign-key", "type-error", "primary-key", "unique-error", "constraint-error", "invalid descriptor",
            "resource-error"} <= found_any, found_any


@pytest.mark.parametrize("description, change", [CHANGES[2], CHANGES[5], CHANGES[9], CHANGES[10]], ids=lambda v: str(v)[:30])
def test_a_fresh_answer_equals_a_whole_package_validation(tmp_path: Path, root: Path, description: str,
                                                          change: Callable[[Path], None]) -> None:
    """Nothing kept: each resource validated on its own says what the whole package's validation says."""
    folder = tmp_path / "data"
    shutil.copytree(root / "data", folder)
    change(folder)
    _, files, _ = data.structure_problems(folder)
    data._FRICTIONLESS_KEPT.clear()
    assert data.frictionless_problems(folder, files or {}) == whole_package_problems(folder, files or {})


BRACES = [
    ("@misc{a-one,\n  title = {A}}\n}\n@misc{b-two,\n  title = {B}\n}\n", 3, "a-one",
     "one '}' too many (the entry opened at line 1)"),
    ("@misc{a-one,\n  title = {A}\n}\n@misc{b-two,\n  title = {B\n}\n", 4, "b-two",
     "entry is not closed (a '}' is missing) before the end of the file"),
    ("@misc{a-one,\n  title = {A\n}\n@misc{b-two,\n  title = {B}\n}\n", 1, "a-one",
     "entry opened at line 1 is not closed (a '}' is missing) before the next entry at line 4"),
    ("@misc{a-one,\n  title = {A \\} B}\n}\n", None, None, None),
]


def test_the_brace_check_kept_per_text_names_each_call_s_file() -> None:
    """The brace check is kept per bibliography text: each call still gets its own file and problem."""
    for text, line, key, message in BRACES * 2:  # the second round is answered from what was kept
        for path in ("one/references.bib", "two/references.bib"):
            found = data.rule_bib_braces_balanced(path, text)
            expected = [data.Problem(path, line, key, None, message)] if message else []
            assert found == expected
            found.clear()  # a caller's change to its list does not reach the next call


def test_what_the_bibliography_yields_is_reported_for_each_copy(tmp_path: Path, root: Path) -> None:
    """Bibliography findings kept by its text are reported again, with each copy's file, every time;
    a different bibliography gets its own."""
    from test_data import TODAY, append_bib

    def bad_copy(name: str, entry: str) -> Path:
        folder = tmp_path / name
        shutil.copytree(root / "data", folder)
        append_bib(folder, entry)
        return folder

    def found(folder: Path) -> list[str]:
        descriptor, files, _ = data.structure_problems(folder)
        check, _ = data.cross_check(folder, descriptor, TODAY, [], files)
        return [str(p) for rule in (data.rule_bib_text_safe, data.rule_bib_required_fields) for p in rule(check)]

    first = "@misc{aaa-hidden,\n  title = {Hidden \u202e title},\n  year = {2024}\n}"
    second = "@misc{bbb-undated,\n  title = {Plain},\n  url = {https://example.org/b},\n  urldate = {2024-01-02},\n  howpublished = {X}\n}"
    one, two, three = bad_copy("one", first), bad_copy("two", first), bad_copy("three", second)
    for _ in range(2):
        a, b, c = found(one), found(two), found(three)
        assert any("aaa-hidden.title" in m and "U+202E" in m for m in a)
        assert any("aaa-hidden.url" in m and "required bibliography field" in m for m in a)
        assert [m.replace(str(two), str(one)) for m in b] == a and all(str(two) in m for m in b)
        assert not any("aaa-hidden" in m for m in c)
        assert any("bbb-undated.year" in m and "publication year missing" in m for m in c)
