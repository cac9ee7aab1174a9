"""The schema is the one place the data's vocabulary lives (edition.vocab)."""

from __future__ import annotations

import ast
import json
import shutil
from pathlib import Path

import pytest

from edition import data, figures, tables, vocab

SRC = Path(vocab.__file__).resolve().parent


def data_copy(root: Path, tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(root / "data", target)
    return target


def edit_field(folder: Path, table: str, field: str, change) -> None:
    path = folder / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    (resource,) = [r for r in descriptor["resources"] if r["name"] == table]
    (spec,) = [f for f in resource["schema"]["fields"] if f["name"] == field]
    change(spec)
    path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def set_cell(folder: Path, file: str, id_value: str, column: str, value: str) -> None:
    import csv
    import io

    path = folder / file
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    index = rows[0].index(column)
    (row,) = [r for r in rows[1:] if r and r[0] == id_value]
    row[index] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def test_a_new_value_added_in_the_schema_alone_reaches_tables_and_figures(
        root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = data_copy(root, tmp_path)

    def add(spec: dict) -> None:
        spec["constraints"]["enum"].append("cyber")
        spec["enumLabels"]["cyber"] = "cyber tools"

    edit_field(folder, "transfers", "category", add)
    first = data.load_tables(folder)["transfers"]["transfer_id"].iloc[0]
    set_cell(folder, "transfers.csv", first, "category", "cyber")
    monkeypatch.setattr(vocab, "DATA_DIR", folder)
    data.validate(folder, text_files=data.text_sources(root))  # no code change needed to accept it
    loaded = data.load_tables(folder)
    view = tables.transfers_view(loaded["transfers"], loaded["places"])
    assert view.loc[first, "Kind"] == "cyber tools"
    fig = figures.arms_flow_map(loaded["transfers"], loaded["places"])
    if first in {t["id"] for t in fig.layout.meta["transfers"]}:
        assert ["cyber", "Cyber tools", 1] in [list(k) for k in fig.layout.meta["kinds"]]


@pytest.mark.parametrize(("table", "field", "change", "expected"), [
    ("transfers", "category", lambda spec: spec["constraints"]["enum"].append("cyber"),
     "value 'cyber': value has no label in enumLabels"),
    ("annotations", "kind", lambda spec: (spec["constraints"]["enum"].append("query"),
                                          spec["enumLabels"].update(query="query")),
     "value 'query': value has no entry in enumTraits"),
    ("scorecard", "verdict", lambda spec: spec["enumTraits"]["partly"].pop("color"),
     "value 'partly': enumTraits gives no 'color'"),
    ("events", "certainty", lambda spec: spec["enumLabels"].update(rumored="rumored"),
     "value 'rumored': enumLabels labels a value that constraints.enum does not list"),
])
def test_a_value_without_its_label_or_traits_stops_the_build_naming_file_field_and_value(
        root: Path, tmp_path: Path, table: str, field: str, change, expected: str) -> None:
    folder = data_copy(root, tmp_path)
    edit_field(folder, table, field, change)
    with pytest.raises(data.DataError) as err:
        data.validate(folder, text_files=data.text_sources(root))
    message = str(err.value)
    assert "datapackage.json" in message and f"field '{table}.{field}'" in message and expected in message, message
    assert len(err.value.problems) == 1, message


def enum_sets(root: Path) -> dict[str, set[str]]:
    v = vocab.load(root / "data")
    return {f"{t}.{f}": set(v.values(t, f)) for t, f in v.fields()}


def literal_strings(node: ast.AST) -> list[str]:
    """The string constants a list, tuple, set or dict literal spells out (a dict: its keys)."""
    items = node.keys if isinstance(node, ast.Dict) else node.elts  # type: ignore[attr-defined]
    return [i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)]


def test_no_code_restates_the_schemas_value_sets(root: Path) -> None:
    """No collection literal in the package names two or more values of one enum field."""
    sets = enum_sets(root)
    found = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.List, ast.Tuple, ast.Set, ast.Dict)):
                strings = set(literal_strings(node))
                for name, values in sets.items():
                    if len(strings & values) >= 2:
                        found.append(f"{path.relative_to(SRC)}:{node.lineno}: {sorted(strings & values)} from {name}")
    assert not found, "values restated in code (read them with edition.vocab):\n" + "\n".join(sorted(set(found)))
