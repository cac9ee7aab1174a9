"""Bad input of every kind stops validation with one clear message naming file, row, field and value.

The payloads are those of the bad-input probe (issue 18): notes and text fields that tried to run
code or read files, malformed package files, and text that lies about itself.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Callable

import pandas as pd
import pytest

from edition import data, datatext, essay
from test_data import TODAY, data_copy, edit_csv, problems  # noqa: F401 - data_copy is a fixture

# ---- payloads in a note (the only field that may use roles) ----------------------------------

NOTE_PAYLOADS = [
    ("raw html with url", "Fine text.\n```{raw} html\n:url: https://example.org/evil.html\n```",
     r"contains a directive or code fence: '```'"),
    ("literalinclude", "See\n```{literalinclude} /etc/passwd\n```", r"contains a directive or code fence"),
    ("include", "```{include} ../.git/config\n```", r"contains a directive or code fence"),
    ("eval-rst include", "```{eval-rst}\n.. include:: ../.git/config\n```", r"reStructuredText directive: '.. include::'"),
    ("colon-fence include", ":::{include} ../.git/config\n:::", r"contains a directive or code fence: ':::'"),
    ("one-line directive name", "{literalinclude} ../.git/config", r"a directive or role name in braces: '\{literalinclude\}'"),
    ("download role", "Get {download}`../.git/config` here.", r"uses the role \{download\}, which data text may not use"),
    ("raw role", "A {raw}`<script>alert(1)</script>` note.", r"uses the role \{raw\}"),
    ("heading", "# Heading in the margin", r"contains a heading: '#'"),
    ("external image", "![x](https://example.org/x.png)", r"contains an image: '!\['"),
    ("markdown link", "[click](javascript:alert(1))", r"contains a Markdown link"),
    ("raw html", "Talks <script>alert(1)</script> ended.", r"contains raw HTML: '<script>'"),
    ("html handler", "<img src=x onerror=alert(1)>", r"contains raw HTML: '<img'"),
    ("substitution", "The {{ site_title }} says", r"contains a substitution: '\{\{'"),
    ("strong", "This is **loud**.", r"strong emphasis"),
    ("code span", "Run `rm -rf /` now.", r"a backtick"),
    ("whitespace only", "   \t ", r"is only whitespace"),
    ("bidi override", "The deal \u202etxet desrever\u202c was signed.",
     r"bidirectional control character U\+202E \(RIGHT-TO-LEFT OVERRIDE\)"),
    ("bidi isolate", "A \u2067name\u2069.", r"bidirectional control character U\+2067"),
    ("zero-width joiner", "Sha\u200dhed", r"zero-width character U\+200D \(ZERO WIDTH JOINER\)"),
    ("zero-width space", "Sha\u200bhed", r"zero-width character U\+200B"),
    ("NUL", "A\x00B", r"control character U\+0000 \(NUL\)"),
    ("bad citation key", "A claim {cite:p}`Not A Key`.", r"\{cite:p\} has a malformed key 'Not A Key'"),
    ("para out of range", "See {para}`15`.", r"\{para\} names no paragraph \(the essay has 1–14\)"),
    ("para not a number", "See {para}`six`.", r"\{para\} needs one paragraph number"),
    ("term with a target", "The {term}`treaty <Snapback>` was signed.", r"\{term\} must name a glossary entry"),
    ("term not in glossary", "The {term}`Death Star` was built.", r"\{term\} names no entry of the glossary"),
]

NOTE_ROW = 6  # file line of the note edited (the header is line 1)


def set_note(folder: Path, line: int, text: str) -> None:
    edit_csv(folder, "annotations", lambda f: f.__setitem__("note", f["note"].where(f.index != line - 2, text)))


@pytest.mark.parametrize("description, payload, expected", NOTE_PAYLOADS, ids=[p[0] for p in NOTE_PAYLOADS])
def test_a_note_payload_is_rejected_naming_file_row_field_and_value(data_copy: Path, root: Path, description: str,
                                                                    payload: str, expected: str) -> None:
    set_note(data_copy, NOTE_ROW, payload)
    message = problems(data_copy, data.text_sources(root)).replace(str(data_copy), "data")
    pattern = rf"data/annotations\.csv, row {NOTE_ROW}, field 'note', value .*{expected}"
    assert re.search(pattern, message), message


PLAIN_PAYLOADS = [
    ("events", "title", "Treaty {cite:p}`hurriyetdailynews-2025-russia-iran-pact`", r"uses the role \{cite:p\}.*this field is plain text"),
    ("events", "title", "Treaty *signed*", r"contains \*emphasis\*, which a plain text field cannot show"),
    ("events", "summary", "```{raw} html\n:url: https://example.org/x\n```", r"a directive or code fence"),
    ("transfers", "description", "# Drones", r"contains a heading"),
    ("places", "notes", "\u202eevil", r"bidirectional control character"),
    ("claims", "summary", "![x](https://example.org/x.png)", r"contains an image"),
    ("scorecard", "outcome", "Outcome {term}`Su-35`", r"uses the role \{term\}"),
]


@pytest.mark.parametrize("table, field, payload, expected", PLAIN_PAYLOADS,
                         ids=[f"{p[0]}.{p[1]}:{p[3][:20]}" for p in PLAIN_PAYLOADS])
def test_plain_text_fields_take_no_markup_at_all(data_copy: Path, root: Path, table: str, field: str,
                                                 payload: str, expected: str) -> None:
    edit_csv(data_copy, table, lambda f: f.__setitem__(field, f[field].where(f.index != 3 - 2, payload)))
    message = problems(data_copy, data.text_sources(root)).replace(str(data_copy), "data")
    assert re.search(rf"data/{table}\.csv, row 3, field '{field}', value .*{expected}", message), message


def test_a_huge_field_is_named_with_its_size_and_not_printed(data_copy: Path, root: Path) -> None:
    huge = "Iran and Russia. " * 300_000  # about 5 MB
    set_note(data_copy, NOTE_ROW, huge)
    message = problems(data_copy, data.text_sources(root)).replace(str(data_copy), "data")
    assert re.search(rf"data/annotations\.csv, row {NOTE_ROW}, field 'note', value 'Iran and Russia.*… "
                     rf"\(5,100,000 characters\): 5,100,000 characters, over the limit of 2,000 per field", message), message[:500]
    assert len(message) < 5_000


def test_ten_thousand_identical_notes_are_stopped_by_the_row_limit(data_copy: Path, root: Path) -> None:
    path = data_copy / "annotations.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    copies = pd.concat([frame.iloc[[0]]] * 10_000, ignore_index=True)
    copies["annotation_id"] = [f"A01-{100 + i}" for i in range(10_000)]
    pd.concat([frame, copies]).to_csv(path, index=False)
    message = problems(data_copy, data.text_sources(root)).replace(str(data_copy), "data")
    rows = f"{len(frame) + 10_000:,}"
    assert re.search(rf"data/annotations\.csv: {rows} rows, over the limit of 2,000 rows per table", message), message
    assert message.startswith("1 data problem(s)")


def test_a_repeated_note_names_the_row_it_repeats(data_copy: Path, root: Path) -> None:
    frame = pd.read_csv(data_copy / "annotations.csv", dtype=str, keep_default_na=False)
    set_note(data_copy, 9, frame.loc[2, "note"])  # the note of file line 4
    message = problems(data_copy, data.text_sources(root)).replace(str(data_copy), "data")
    assert re.search(r"data/annotations\.csv, row 9, field 'note', value .*: repeats the note in row 4 word for word",
                     message), message


def test_allowed_note_roles_and_emphasis_pass(data_copy: Path, root: Path) -> None:
    keys = pd.read_csv(data_copy / "annotations.csv", dtype=str, keep_default_na=False).loc[NOTE_ROW - 2, "sources"]
    key = keys.split(";")[0]
    set_note(data_copy, NOTE_ROW, f"As {{cite:t}}`{key}` says, the *first* point ({{para}}`3`) concerns the "
                                  f"{{term}}`Su-35` and {{term}}`Comprehensive Strategic Partnership Treaty` "
                                  f"{{cite:p}}`{key}`.")
    data.validate(data_copy, today=TODAY, text_files=data.text_sources(root))


# ---- the renderer: whatever the text, only Text, emphasis and the allowed roles come out ----

class _NoRoles:
    """A directive stand-in: the payloads hold no allowed role, so no role function may be asked for."""

    lineno = 1

    @property
    def state(self):  # pragma: no cover - reaching here is the failure
        raise AssertionError("a payload reached a role or parser")


@pytest.mark.parametrize("description, payload, expected", NOTE_PAYLOADS[:22], ids=[p[0] for p in NOTE_PAYLOADS[:22]])
def test_the_renderer_shows_payloads_as_text(description: str, payload: str, expected: str) -> None:
    from docutils import nodes

    from edition.sphinxext import datatext as render

    para = render.paragraph(payload, _NoRoles(), "data/annotations.csv:test")
    kinds = {type(child) for child in para.children}
    assert kinds <= {nodes.Text, nodes.emphasis}, kinds
    assert para.astext() == payload.replace("\0", "\ufffd")  # every character shown as itself
    for kind in (nodes.raw, nodes.literal_block, nodes.image, nodes.title, nodes.section):
        assert not list(para.findall(kind)), kind


def test_tokens_split_roles_emphasis_and_text() -> None:
    found = datatext.tokens("a {cite:p}`x-1,y-2` *b* {para}`3` {term}`t <T>` {raw}`h`")
    assert [(t.kind, t.content) for t in found] == [
        ("text", "a "), ("cite:p", "x-1,y-2"), ("text", " "), ("emphasis", "b"), ("text", " "), ("para", "3"),
        ("text", " "), ("term", "t <T>"), ("text", " {raw}`h`"),
    ]
    assert datatext.cited_keys("{cite:p}`a-1, b-2` and {cite:t}`c-3`") == ["a-1", "b-2", "c-3"]


# ---- malformed package files -----------------------------------------------------------------

def edit_descriptor(folder: Path, change: Callable[[dict], None]) -> None:
    path = folder / data.PACKAGE_FILE
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    change(descriptor)
    path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")


def _drop_type(d: dict) -> None:
    del d["resources"][1]["schema"]["fields"][2]["type"]


def _field_name(folder: Path, resource: int, field: int) -> str:
    return json.loads((folder / data.PACKAGE_FILE).read_text())["resources"][resource]["schema"]["fields"][field]["name"]


def test_a_json_syntax_error_names_line_and_column(data_copy: Path) -> None:
    path = data_copy / data.PACKAGE_FILE
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[9] = lines[9].rstrip(",") + ",,"
    path.write_text("\n".join(lines), encoding="utf-8")
    message = problems(data_copy).replace(str(data_copy), "data")
    assert re.search(r"data/datapackage\.json: invalid JSON at line 10, column \d+", message), message


@pytest.mark.parametrize("change, expected", [
    (lambda d: d["resources"][0].pop("schema"), r"field 'resources\[0\] \(places\)\.schema': missing: every resource needs a schema"),
    (_drop_type, r"field 'resources\[1\] \(\w+\)\.schema\.fields\.\w+\.type': missing: every field needs a type"),
    (lambda d: d["resources"][0].__setitem__("path", "../../.git/config"),
     r"field 'resources\[0\] \(places\)\.path', value '\.\./\.\./\.git/config': must be the name of a \.csv file in data/"),
    (lambda d: d["resources"][0].__setitem__("path", "https://example.org/x.csv"), r"must be the name of a \.csv file"),
    (lambda d: d["resources"][0].__setitem__("schema", "https://example.org/schema.json"),
     r"\.schema', value 'https://example.org/schema\.json': must be written inline"),
    (lambda d: d.__setitem__("resources", []), r"field 'resources', value \[\]: must be a non-empty list"),
    (lambda d: d["resources"][0]["schema"]["fields"][0].__setitem__("type", "strnig"), r"value 'strnig': unknown type"),
], ids=["no schema", "field without type", "path outside data", "remote path", "remote schema", "no resources", "unknown type"])
def test_a_malformed_descriptor_is_named_not_a_traceback(data_copy: Path, change, expected: str) -> None:
    edit_descriptor(data_copy, change)
    message = problems(data_copy).replace(str(data_copy), "data")
    assert re.search(r"data/datapackage\.json, .*" + expected, message), message


def _rewrite_lines(folder: Path, table: str, change: Callable[[list[str]], list[str]]) -> None:
    path = folder / f"{table}.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    path.write_text("\n".join(change(lines)), encoding="utf-8")


def test_an_extra_column_is_named(data_copy: Path) -> None:
    _rewrite_lines(data_copy, "places", lambda ls: [ls[0] + ",extra_label"] + [l + ",x" if l else l for l in ls[1:]])
    message = problems(data_copy).replace(str(data_copy), "data")
    assert re.search(r"data/places\.csv, row 1, field 'extra_label': column \d+ is not in the schema", message), message
    assert message.startswith("1 data problem(s)")


def test_a_missing_column_is_named_without_follow_on_errors(data_copy: Path) -> None:
    edit_csv(data_copy, "events", lambda f: f.__delitem__("certainty"))
    message = problems(data_copy).replace(str(data_copy), "data")
    assert re.search(r"data/events\.csv, row 1, field 'certainty': column missing from the header", message), message
    assert message.startswith("1 data problem(s)")


def test_swapped_columns_are_named(data_copy: Path) -> None:
    def swap(lines: list[str]) -> list[str]:
        head = lines[0].split(",")
        head[1], head[2] = head[2], head[1]
        return [",".join(head)] + lines[1:]
    _rewrite_lines(data_copy, "places", swap)
    message = problems(data_copy).replace(str(data_copy), "data")
    first = _field_name(data_copy, 0, 1)
    second = _field_name(data_copy, 0, 2)
    assert f"field '{second}': column 2 is '{second}' but the schema puts '{first}' there" in message, message


def test_a_latin1_byte_names_its_line(data_copy: Path) -> None:
    path = data_copy / "events.csv"
    raw = path.read_bytes().split(b"\n")
    raw[6] = raw[6].replace(b",", b",caf\xe9 ", 1)
    path.write_bytes(b"\n".join(raw))
    message = problems(data_copy).replace(str(data_copy), "data")
    assert re.search(r"data/events\.csv, row 7, value '0xE9': not UTF-8 \(at byte column \d+ of that line\)", message), message


def test_a_blank_line_is_named_and_row_numbers_are_file_lines(data_copy: Path) -> None:
    _rewrite_lines(data_copy, "events", lambda ls: ls[:4] + [""] + ls[4:])
    message = problems(data_copy).replace(str(data_copy), "data")
    assert "data/events.csv, row 5: blank line (remove it)" in message, message


def test_rows_after_a_multiline_cell_keep_their_file_line(data_copy: Path, root: Path) -> None:
    """A record spanning two lines moves later rows down one line; their errors say so."""
    edit_csv(data_copy, "transfers", lambda f: (f.__setitem__("description", f["description"].where(f.index != 1, "two\nlines")),
                                                f.__setitem__("quantity", f["quantity"].where(f.index != 8, "several"))))
    message = problems(data_copy, data.text_sources(root)).replace(str(data_copy), "data")
    assert "data/transfers.csv, row 3, field 'description', value 'two\\nlines': contains the control character U+000A (line break)" in message, message
    # pandas index 8 is the 9th record: file line 10 without the extra line, 11 with it
    assert "data/transfers.csv, row 11, field 'quantity', value 'several': type-error" in message, message


def test_a_missing_brace_in_the_bibliography_is_reported_at_its_entry(data_copy: Path) -> None:
    path = data_copy / data.BIB_FILE
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    starts = [i for i, l in enumerate(lines) if l.startswith("@")]
    entry = starts[3]
    # drop the closing brace of the fourth entry's title line
    title = next(i for i in range(entry, starts[4]) if "title" in lines[i])
    lines[title] = lines[title][: lines[title].rindex("}")] + lines[title][lines[title].rindex("}") + 1:]
    path.write_text("\n".join(lines), encoding="utf-8")
    message = problems(data_copy).replace(str(data_copy), "data")
    key = re.match(r"@\w+\{([^,]+),", lines[entry]).group(1)
    assert re.search(rf"data/references\.bib, row {entry + 1}, field '{re.escape(key)}': entry opened at line {entry + 1} "
                     rf"is not closed \(a '}}' is missing\) before the next entry at line {starts[4] + 1}", message), message


def test_bibliography_problems_name_the_entry_line(data_copy: Path, root: Path) -> None:
    with open(data_copy / data.BIB_FILE, "a", encoding="utf-8") as handle:
        handle.write("\n@misc{zw-2020,\n  title = {Sha\u200bhed},\n  howpublished = {P},\n  year = {2020},\n"
                     "  url = {https://example.org/a},\n  urldate = {2026-11-27}\n}\n")
    line = (data_copy / data.BIB_FILE).read_text(encoding="utf-8").split("\n").index("@misc{zw-2020,") + 1
    message = problems(data_copy, data.text_sources(root)).replace(str(data_copy), "data")
    assert f"data/references.bib, row {line}, field 'zw-2020.title', value 'Sha\\u200bhed': contains the zero-width" in message, message


# ---- provenance.yml --------------------------------------------------------------------------

@pytest.fixture()
def seeds_copy(tmp_path: Path, root: Path) -> Path:
    target = tmp_path / "seeds"
    shutil.copytree(root / "seeds", target)
    return target


@pytest.mark.parametrize("text, expected", [
    ("", r"must be a YAML mapping of fields, not NoneType"),
    ("file: [unclosed\nsha256: x\n", r"line \d+, column \d+: not valid YAML"),
    ("- just\n- a list\n", r"must be a YAML mapping of fields, not list"),
    ("title: x\n", r"missing field\(s\): file, sha256"),
], ids=["empty", "malformed", "a list", "fields missing"])
def test_a_malformed_provenance_file_is_named(seeds_copy: Path, text: str, expected: str) -> None:
    (seeds_copy / essay.PROVENANCE_FILE).write_text(text, encoding="utf-8")
    with pytest.raises(essay.SeedError) as info:
        essay.load_provenance(seeds_copy)
    assert re.search(r"provenance\.yml.*" + expected, str(info.value)), str(info.value)


def test_a_provenance_field_of_the_wrong_kind_is_named(seeds_copy: Path) -> None:
    path = seeds_copy / essay.PROVENANCE_FILE
    path.write_text(path.read_text(encoding="utf-8").replace("authors:\n", "authors: 7\nx_was_authors:\n"), encoding="utf-8")
    with pytest.raises(essay.SeedError, match=r"field 'authors', value 7: must be a list of names"):
        essay.load_provenance(seeds_copy)
