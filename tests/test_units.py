"""How make test shares its work between two pytest workers (conftest.py): the tests that read the
shared page visits are marked so, and this run handed the scheduler each test's unit."""

from __future__ import annotations

import ast
import json
import os
from pathlib import Path

import pytest

import conftest

TESTS = Path(__file__).parent


def _is_views_mark(node: ast.expr) -> bool:
    return ast.unparse(node) == "pytest.mark.views"


def test_every_test_that_reads_the_page_visits_is_marked_views() -> None:
    """Unmarked, such a test would run wherever the scheduler sent it and visit every page again."""
    unmarked, marked = [], 0
    for path in sorted(TESTS.glob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef) or not node.name.startswith("test_"):
                continue
            reads = any(isinstance(call, ast.Call) and ast.unparse(call.func) == "page_views.view"
                        for call in ast.walk(node))
            has_mark = any(_is_views_mark(d) for d in node.decorator_list)
            if reads and not has_mark:
                unmarked.append(f"{path.name}::{node.name}")
            marked += has_mark
    assert not unmarked, f"read page_views.view without @pytest.mark.views: {unmarked}"
    assert marked >= 9


def test_this_run_handed_the_scheduler_each_tests_unit(request: pytest.FixtureRequest) -> None:
    items = request.session.items
    by_id = {item.nodeid: item for item in items}
    views = [item for item in items if item.get_closest_marker("views")]
    assert len(views) >= 9
    for item in views:  # make test runs them all, every view in one unit
        assert conftest._unit(item) == "views", item.nodeid
    assert all(conftest._unit(item) == "browser" for item in items if "browser" in item.fixturenames
               and "lab" not in item.fixturenames and not item.get_closest_marker("views"))
    assert all(conftest._unit(item) == "lab" for item in items if "lab" in item.fixturenames)
    assert all(conftest._unit(item) is None for item in items if "browser" not in item.fixturenames
               and "lab" not in item.fixturenames)  # each a unit of its own
    if not hasattr(request.config, "workerinput"):
        return  # one process: nothing to hand out (make test runs two workers)
    # under xdist: the file the controller's scheduler reads names this run's units
    units = json.loads(Path(os.environ[conftest.GROUPS_ENV]).read_text(encoding="utf-8"))
    assert units == {nodeid: conftest._unit(item) for nodeid, item in by_id.items() if conftest._unit(item)}
