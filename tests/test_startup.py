"""Start-up of `make book` (edition.build): what an unchanged rebuild does not load, and that
what it defers still works exactly when it is used."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import textwrap

IRIS = ["https://example.org/ä?q=1#frag", "http://exa mple.org/", "not an iri", "urn:isbn:0451450523", "//x/y"]


def run(code: str) -> dict:
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


CHECK_IRIS = f"""
    import json, sys
    import jsonschema
    compiled_at_import = "rfc3987_syntax.syntax_helpers" in sys.modules
    checker = jsonschema.FormatChecker()
    verdicts = {{f"{{fmt}} {{value}}": checker.conforms(value, fmt) for fmt in ("iri", "iri-reference") for value in {IRIS!r}}}
    print(json.dumps({{"compiled_at_import": compiled_at_import, "verdicts": verdicts,
                       "loaded_after_use": "rfc3987_syntax.syntax_helpers" in sys.modules}}))
"""


def test_the_iri_grammars_are_compiled_only_when_a_schema_checks_an_iri() -> None:
    plain = run(CHECK_IRIS)
    deferred = run("from edition.build import defer_rfc3987_syntax\ndefer_rfc3987_syntax()\n" + textwrap.dedent(CHECK_IRIS))
    assert plain["compiled_at_import"], "rfc3987_syntax is not installed or no longer compiled at import: drop the deferral"
    assert not deferred["compiled_at_import"], "jsonschema's import still compiled the IRI grammars"
    assert deferred["loaded_after_use"]
    assert deferred["verdicts"] == plain["verdicts"], "the deferred IRI check judges differently"
    assert set(plain["verdicts"].values()) == {True, False}, "the sample IRIs do not tell valid from invalid"


def test_the_extension_loads_no_data_layer_until_a_page_or_download_needs_it() -> None:
    state = run("""
        import json, sys
        import edition.sphinxext
        from edition.sphinxext import essay_text
        before = sorted(m for m in ("pandas", "frictionless", "numpy") if m in sys.modules)
        rows = len(essay_text.data.load_tables()["events"])  # used: loaded then, and it works
        print(json.dumps({"before": before, "rows": rows, "after": "pandas" in sys.modules}))
    """)
    assert state["before"] == [], f"importing the extension loaded {state['before']}"
    assert state["rows"] > 0 and state["after"]


def test_make_books_one_command_stops_on_bad_data_naming_it(root, tmp_path) -> None:
    """edition.build runs the check first: bad data stops it with the file, row, field and value,
    also after the same book passed unchanged (the remembered pass does not cover an edit)."""
    book = tmp_path / "book"
    for name in ("data", "seeds", "chapters"):
        shutil.copytree(root / name, book / name)
    for name in ("_config.yml", "_toc.yml", "index.md"):
        shutil.copy2(root / name, book / name)
    env = {**os.environ, "EDITION_ROOT": str(book)}

    def check_only() -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "edition.check"], env=env, capture_output=True, text=True,
                              timeout=300, cwd=book)

    passed = check_only()
    assert passed.returncode == 0 and "data package valid" in passed.stdout, passed.stderr[-2000:]
    assert "unchanged since it was validated" in check_only().stdout, "a passing validation was not remembered"

    events = book / "data" / "events.csv"
    rows = list(csv.reader(io.StringIO(events.read_text(encoding="utf-8"))))
    rows[2][rows[0].index("title")] = "Treaty <b>signed</b>"  # file line 3
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    events.write_text(out.getvalue(), encoding="utf-8")

    result = subprocess.run([sys.executable, "-m", "edition.build", "--warningiserror"], env=env, capture_output=True,
                            text=True, timeout=300, cwd=book)
    assert result.returncode != 0, "edition.build went on with bad data"
    assert "events.csv, row 3, field 'title'" in result.stderr and "<b>" in result.stderr, result.stderr[-2000:]
    assert "Running Sphinx" not in result.stdout, "the build started before the check had stopped it"
