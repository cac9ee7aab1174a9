"""The data layer: validate the Data Package in data/ and load its tables as typed DataFrames."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping

from edition.build import defer_rfc3987_syntax

# frictionless validates descriptors with jsonschema, whose import compiles rfc3987_syntax's IRI
# grammars (about 1.1 s of CPU per process) for "iri" formats no Data Package schema uses: deferred
# to their first use, as `make book` defers them (edition.build; tests/test_startup.py shows the
# deferred check judges IRIs exactly as before). Done before anything here can import jsonschema.
defer_rfc3987_syntax()

import pandas as pd  # noqa: E402
from frictionless import Checklist, FrictionlessException, Package  # noqa: E402
from frictionless import settings as frictionless_settings  # noqa: E402
from pybtex.database import BibliographyData, parse_file  # noqa: E402

from edition import datatext, reads, vocab  # noqa: E402
from edition.paths import DATA_DIR, ROOT  # noqa: E402
from edition.validated import VALIDATED_DIR, inputs_digest, passed, remember, text_sources  # noqa: E402,F401

ESSAY_DATE = dt.date(2023, 10, 26)
PACKAGE_FILE = "datapackage.json"
BIB_FILE = "references.bib"
PARAGRAPH_COUNT = 14
KEY_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
URL_RE = re.compile(r"^https?://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?::\d+)?(?:/[^\s<>\"]*)?$")
CITE_RE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]+)`")
NO_MARKUP_PATTERN = r"^[^<>]*$"
HTMLISH_RE = re.compile(r"<\s*/?\s*[a-zA-Z!]|javascript:", re.IGNORECASE)
REQUIRED_BIB_FIELDS = ("title", "url", "urldate", "howpublished")
UNDATED_MARK = "Undated page."
# (date column, its precision column) per table, and the order they must respect.
DATE_PAIRS = {
    "transfers": [
        ("order_date", "order_date_precision"),
        ("first_delivery_date", "first_delivery_precision"),
        ("last_delivery_date", "last_delivery_precision"),
        ("public_date", "public_date_precision"),
    ],
    "events": [("start_date", "start_precision"), ("end_date", "end_precision")],
}
DATE_ORDER = {
    "transfers": [("order_date", "first_delivery_date"), ("first_delivery_date", "last_delivery_date")],
    "events": [("start_date", "end_date")],
}
AFTER_FLAG = {"transfers": ("public_date", "public_after_essay"), "events": ("start_date", "after_essay")}
ACTOR_LIST_FIELDS = {"events": ["actors"]}
# Fields whose text may use the roles of data text ({cite:p}, {cite:t}, {para}, {term}, *emphasis*;
# see edition.datatext). Every other string field is plain text: no markup of any kind.
ROLE_FIELDS = {("annotations", "note")}
# Limits, so that one contributed row cannot bloat or stall the site.
MAX_FILE_BYTES = 8_000_000
MAX_ROWS = 2_000
MAX_FIELD_CHARS = 2_000
FIELD_TYPES = {"string", "integer", "number", "boolean", "date", "datetime", "year", "time", "any"}
RESOURCE_PATH_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*\.csv$")


class DataError(ValueError):
    """The data in data/ is invalid; the message names file, row, field and value."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        shown = "\n  ".join(problems[:50])
        more = f"\n  … and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{len(problems)} data problem(s):\n  {shown}{more}")


@dataclass(frozen=True)
class Problem:
    path: str
    row: int | None
    field: str | None
    value: object
    message: str

    def __str__(self) -> str:
        where = self.path
        if self.row is not None:
            where += f", row {self.row}"
        if self.field is not None:
            where += f", field '{self.field}'"
        if self.value is not None:
            where += f", value {_shown(self.value)}"
        return f"{where}: {self.message}"


def _shown(value: object, limit: int = 80) -> str:
    """repr of a value, cut to ``limit`` characters (a 5 MB field is named, not printed)."""
    text = repr(value)
    if len(text) <= limit:
        return text
    size = f"{len(value):,} characters" if isinstance(value, str) else "long"
    return f"{text[:limit]}… ({size})"


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def read_descriptor(data_dir: Path = DATA_DIR) -> dict:
    """The Data Package descriptor as a dict (call :func:`validate` first for clear errors)."""
    return json.loads((data_dir / PACKAGE_FILE).read_text(encoding="utf-8"))


# ---- rules on the package's structure: each returns the problems it finds ----------------------

def rule_descriptor_parses(data_dir: Path) -> tuple[dict | None, list[Problem]]:
    """datapackage.json exists, is UTF-8 and is a JSON object."""
    path = data_dir / PACKAGE_FILE
    where = _rel(path)
    if not path.is_file():
        return None, [Problem(where, None, None, None, "the Data Package descriptor is missing")]
    text, problems = _decode(path)
    if problems:
        return None, problems
    try:
        descriptor = json.loads(text)
    except json.JSONDecodeError as err:
        return None, [Problem(where, None, None, None, f"invalid JSON at line {err.lineno}, column {err.colno}: {err.msg}")]
    if not isinstance(descriptor, dict):
        return None, [Problem(where, None, None, None, f"must be a JSON object, not {type(descriptor).__name__}")]
    return descriptor, []


def rule_descriptor_shape(descriptor: dict, where: str) -> list[Problem]:
    """Every resource has a name, a local CSV path in data/, and an inline schema whose fields have names and types."""
    problems: list[Problem] = []
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        return [Problem(where, None, "resources", resources, "must be a non-empty list of resources")]
    names: set[str] = set()
    for i, resource in enumerate(resources):
        at = f"resources[{i}]"
        if not isinstance(resource, dict):
            problems.append(Problem(where, None, at, resource, "must be an object"))
            continue
        name = resource.get("name")
        if not isinstance(name, str) or not re.match(r"^[a-z][a-z0-9_-]*$", name):
            problems.append(Problem(where, None, f"{at}.name", name, "must be a lowercase name"))
        elif name in names:
            problems.append(Problem(where, None, f"{at}.name", name, "duplicate resource name"))
        else:
            names.add(name)
            at = f"resources[{i}] ({name})"
        path = resource.get("path")
        if not isinstance(path, str) or not RESOURCE_PATH_RE.match(path):
            problems.append(Problem(where, None, f"{at}.path", path,
                                    "must be the name of a .csv file in data/ (no folders, URLs or other files)"))
        for key in ("dialect", "schema"):
            if key in resource and not isinstance(resource[key], dict):
                problems.append(Problem(where, None, f"{at}.{key}", resource[key],
                                        f"must be written inline as an object (no file or URL)"))
        schema = resource.get("schema")
        if schema is None:
            problems.append(Problem(where, None, f"{at}.schema", None, "missing: every resource needs a schema"))
            continue
        if not isinstance(schema, dict):
            continue
        fields = schema.get("fields")
        if not isinstance(fields, list) or not fields:
            problems.append(Problem(where, None, f"{at}.schema.fields", fields, "must be a non-empty list of fields"))
            continue
        seen: set[str] = set()
        for j, field in enumerate(fields):
            fat = f"{at}.schema.fields[{j}]"
            if not isinstance(field, dict):
                problems.append(Problem(where, None, fat, field, "must be an object"))
                continue
            fname = field.get("name")
            if not isinstance(fname, str) or not fname:
                problems.append(Problem(where, None, f"{fat}.name", fname, "every field needs a name"))
                continue
            if fname in seen:
                problems.append(Problem(where, None, f"{fat}.name", fname, "duplicate field name"))
            seen.add(fname)
            if "type" not in field:
                problems.append(Problem(where, None, f"{at}.schema.fields.{fname}.type", None,
                                        f"missing: every field needs a type ({', '.join(sorted(FIELD_TYPES))})"))
            elif field["type"] not in FIELD_TYPES:
                problems.append(Problem(where, None, f"{at}.schema.fields.{fname}.type", field["type"],
                                        f"unknown type (one of {', '.join(sorted(FIELD_TYPES))})"))
            if "constraints" in field and not isinstance(field["constraints"], dict):
                problems.append(Problem(where, None, f"{at}.schema.fields.{fname}.constraints",
                                        field["constraints"], "must be an object"))
    return problems


def rule_vocabulary_complete(descriptor: dict, where: str) -> list[Problem]:
    """Every enum value has its label, and the traits the code needs, beside it (edition.vocab)."""
    return [Problem(where, None, issue.field, issue.value, issue.message)
            for issue in vocab.Vocabulary(descriptor, where).issues()]


def _decode(path: Path) -> tuple[str, list[Problem]]:
    """A file's text; a clear problem (with the line) if it is too big or not UTF-8."""
    where = _rel(path)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        return "", [Problem(where, None, None, None, f"file is {size:,} bytes, over the limit of {MAX_FILE_BYTES:,}")]
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        column = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
        bad = raw[err.start: err.end]
        return "", [Problem(where, line, None, "0x" + bad.hex().upper(),
                            f"not UTF-8 (at byte column {column} of that line); save the file as UTF-8")]
    if text.startswith("\ufeff"):
        return "", [Problem(where, 1, None, None, "starts with a byte-order mark; save as UTF-8 without BOM")]
    return text, []


@dataclass
class CsvFile:
    """A CSV file read with the line number where each record starts (records may span lines)."""

    header: list[str]
    header_line: int
    records: list[tuple[int, list[str]]]  # (first line, cells); a blank line is an empty record

    def line_of(self, row_number: int) -> int | None:
        """The file line of frictionless's row_number (the header is row 1, blank rows count)."""
        if row_number == 1:
            return self.header_line
        index = row_number - 2
        return self.records[index][0] if 0 <= index < len(self.records) else None


def read_csv_file(path: Path) -> tuple[CsvFile | None, list[Problem]]:
    """Read a CSV file strictly: UTF-8, well quoted, with file line numbers kept."""
    text, problems = _decode(path)
    if problems:
        return None, problems
    # A field may be as long as the file (the size rule names a long one). csv's own limit, 131,072
    # characters, held only until frictionless's CSV reader was first imported (it raises the limit
    # for the process), so a long field read before any frictionless validation failed differently.
    if csv.field_size_limit() < MAX_FILE_BYTES:
        csv.field_size_limit(MAX_FILE_BYTES)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    header_line = 1
    try:
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                break
            if header is None:
                header, header_line = cells, start
            else:
                records.append((start, cells))
    except csv.Error as err:
        return None, [Problem(_rel(path), reader.line_num, None, None, f"malformed CSV: {err}")]
    if header is None:
        return None, [Problem(_rel(path), 1, None, None, "file is empty: a header row is needed")]
    return CsvFile(header, header_line, records), []


def rule_header_matches_schema(where: str, csv_file: CsvFile, schema_fields: list[str]) -> list[Problem]:
    """The header names exactly the schema's fields, in order; each mismatch names the column."""
    header = csv_file.header
    line = csv_file.header_line
    if header == schema_fields:
        return []
    problems: list[Problem] = []
    extra = [h for h in header if h not in schema_fields]
    missing = [f for f in schema_fields if f not in header]
    for name in extra:
        problems.append(Problem(where, line, name, None,
                                f"column {header.index(name) + 1} is not in the schema (expected columns: {', '.join(schema_fields)})"))
    for name in missing:
        problems.append(Problem(where, line, name, None, f"column missing from the header (the schema places it {schema_fields.index(name) + 1}th)"))
    duplicated = sorted({h for h in header if header.count(h) > 1})
    for name in duplicated:
        problems.append(Problem(where, line, name, None, "column appears more than once in the header"))
    if not problems:
        for position, (found, wanted) in enumerate(zip(header, schema_fields), 1):
            if found != wanted:
                problems.append(Problem(where, line, found, None,
                                        f"column {position} is '{found}' but the schema puts '{wanted}' there (columns out of order)"))
    return problems


def rule_rows_well_formed(where: str, csv_file: CsvFile) -> list[Problem]:
    """No blank lines; every row has as many cells as the header; not more than MAX_ROWS rows."""
    problems: list[Problem] = []
    if len(csv_file.records) > MAX_ROWS:
        problems.append(Problem(where, None, None, None,
                                f"{len(csv_file.records):,} rows, over the limit of {MAX_ROWS:,} rows per table"))
        return problems
    width = len(csv_file.header)
    for line, cells in csv_file.records:
        if not cells:
            problems.append(Problem(where, line, None, None, "blank line (remove it)"))
        elif len(cells) != width:
            problems.append(Problem(where, line, None, None,
                                    f"row has {len(cells)} cells but the header has {width} columns"))
    return problems


def structure_problems(data_dir: Path) -> tuple[dict | None, dict[str, CsvFile], list[Problem]]:
    """Check what must hold before any row can be validated: descriptor, files, encoding, headers."""
    where = _rel(data_dir / PACKAGE_FILE)
    descriptor, problems = rule_descriptor_parses(data_dir)
    if descriptor is None:
        return None, {}, problems
    problems = rule_descriptor_shape(descriptor, where) or rule_vocabulary_complete(descriptor, where)
    if problems:
        return None, {}, problems
    files: dict[str, CsvFile] = {}
    for resource in descriptor["resources"]:
        path = data_dir / resource["path"]
        if not path.is_file():
            problems.append(Problem(_rel(path), None, None, None, f"file of resource '{resource['name']}' is missing"))
            continue
        csv_file, found = read_csv_file(path)
        if csv_file is None:
            problems += found
            continue
        names = [f["name"] for f in resource["schema"]["fields"]]
        found = rule_header_matches_schema(_rel(path), csv_file, names) + rule_rows_well_formed(_rel(path), csv_file)
        problems += found
        files[resource["name"]] = csv_file
    return descriptor, files, problems


def frictionless_problems(data_dir: Path, files: dict[str, CsvFile] | None = None) -> list[Problem]:
    """Problems the maintained validator (frictionless) finds: types, required, enums, keys.

    What frictionless says of the whole package is what it says of the descriptor, then of each
    resource in order (frictionless.Package.validate): each of those answers is kept by the content
    it reads (_frictionless_findings), so a copy of data/ with one table changed validates that
    table (and the tables whose foreign keys look into it) again, and reuses the rest.
    Its row numbers count records; they are turned into file line numbers with ``files``.
    """
    where = _rel(data_dir / PACKAGE_FILE)
    try:
        task_findings, error_findings, paths = _frictionless_findings(data_dir)
    except FrictionlessException as err:
        return [Problem(where, None, None, None, f"invalid descriptor: {err}")]
    except Exception as err:  # noqa: BLE001 - a validator crash must still name the package, not trace back
        return [Problem(where, None, None, None, f"the validator could not read the package: {type(err).__name__}: {err}")]
    by_file = {}
    if files is not None:
        by_file = {paths.get(name): csv_file for name, csv_file in files.items()}
    problems: list[Problem] = []
    for place, number, field, cell, message in task_findings:
        path = _rel(data_dir / place) if place else _rel(data_dir)
        csv_file = by_file.get(place) if place else None
        if number is not None and csv_file is not None:
            number = csv_file.line_of(number) or number
        problems.append(Problem(path=path, row=number, field=field, value=cell, message=message))
    for message in error_findings:
        problems.append(Problem(where, None, None, None, message))
    return problems


# What frictionless found, as (file name, row number, field, cell, "type: note"); and the messages
# of report-level errors.
Finding = tuple[str | None, int | None, str | None, object, str]
_FRICTIONLESS_KEPT: dict[str, tuple[tuple[Finding, ...], tuple[str, ...]]] = {}  # the last 256, by content
_FRICTIONLESS_KEEP = 256


def _frictionless_findings(data_dir: Path) -> tuple[list[Finding], list[str], dict[str, str]]:
    """What frictionless.Package.validate reports of data/, the descriptor's part and each
    resource's part kept by the bytes that part reads. A resource's validation reads the descriptor,
    its own file and the files of the resources its foreign keys name, and nothing else, so an
    answer kept by those bytes is the one a new validation would give (tests/test_validation_cache.py
    compares the two on broken copies). An answer that names the folder itself is not kept."""
    descriptor_bytes = (data_dir / PACKAGE_FILE).read_bytes()
    package_key = "package\0" + hashlib.sha256(descriptor_bytes).hexdigest()
    package: Package | None = None
    folder_names = (str(data_dir), str(data_dir.resolve()))

    def opened() -> Package:
        nonlocal package
        if package is None:
            package = Package(str(data_dir / PACKAGE_FILE), basepath=str(data_dir))
        return package

    def keep(key: str, tasks: list[Finding], errors: list[str]) -> None:
        said = " ".join(str(f[3]) + f[4] for f in tasks) + " ".join(errors)
        if any(name in said for name in folder_names):
            return
        _keep(_FRICTIONLESS_KEPT, key, (tuple(tasks), tuple(errors)), _FRICTIONLESS_KEEP)

    # the descriptor first: frictionless stops at its metadata errors, before any resource
    if package_key not in _FRICTIONLESS_KEPT:
        checked = opened()  # a descriptor frictionless cannot read raises here, as it did before
        try:
            checked.to_descriptor(validate=True)
            errors: list[str] = []
        except FrictionlessException as exception:
            errors = [f"{error.type}: {error.note}" for error in exception.to_errors()]
        keep(package_key, [], errors)
        if errors:
            return [], errors, {}
    elif _FRICTIONLESS_KEPT[package_key][1]:
        return [], list(_FRICTIONLESS_KEPT[package_key][1]), {}
    descriptor = json.loads(descriptor_bytes)
    by_name = {r["name"]: r for r in descriptor["resources"]}
    task_findings: list[Finding] = []
    error_findings: list[str] = []
    for index, resource in enumerate(descriptor["resources"]):
        digest = hashlib.sha256(descriptor_bytes)
        digest.update(f"\0{index}\0{resource['name']}\0".encode())
        looked_up = [resource["name"]] + sorted({fk.get("reference", {}).get("resource") or resource["name"]
                                                 for fk in resource["schema"].get("foreignKeys", [])})
        for name in looked_up:
            target = by_name.get(name)
            file = data_dir / target["path"] if target else None
            digest.update(f"\0{name}\0".encode())
            digest.update(file.read_bytes() if file is not None and file.is_file() else b"\0missing\0")
        key = "resource\0" + digest.hexdigest()
        if key not in _FRICTIONLESS_KEPT:
            # the whole package if this validation built it already (a new descriptor), else a small one
            asked = package.resources[index] if package is not None else _resource_of(
                descriptor_bytes, data_dir, index, looked_up, opened)
            report = asked.validate(
                checklist=Checklist(), limit_errors=frictionless_settings.DEFAULT_LIMIT_ERRORS, limit_rows=None)
            tasks = [(Path(task.place).name if task.place else None, getattr(error, "row_number", None),
                      getattr(error, "field_name", None), getattr(error, "cell", None), f"{error.type}: {error.note}")
                     for task in report.tasks for error in task.errors]
            keep(key, tasks, [f"{error.type}: {error.note}" for error in report.errors])
            if key not in _FRICTIONLESS_KEPT:  # not kept: use it this once
                task_findings += tasks
                error_findings += [f"{error.type}: {error.note}" for error in report.errors]
                continue
        kept_tasks, kept_errors = _FRICTIONLESS_KEPT[key]
        task_findings += kept_tasks
        error_findings += kept_errors
    return task_findings, error_findings, {name: r["path"] for name, r in by_name.items()}


def _resource_of(descriptor_bytes: bytes, data_dir: Path, index: int, looked_up: list[str],
                 whole: Callable[[], Package]):
    """The package's resource ``index`` as frictionless sees it, in a package of only the resources
    its validation reads (itself, and those its foreign keys look into), which frictionless builds
    in a fifth of the time of all six; the whole package if that cannot be built (tests/
    test_validation_cache.py compares the answers with Package.validate's)."""
    descriptor = json.loads(descriptor_bytes)
    resources = descriptor["resources"]
    name = resources[index]["name"]
    if [r["name"] for r in resources].count(name) == 1:
        descriptor["resources"] = [r for r in resources if r["name"] in looked_up]
        try:
            return Package(descriptor, basepath=str(data_dir)).get_resource(name)
        except Exception:  # noqa: BLE001 - then ask the whole package, as Package.validate does
            pass
    return whole().resources[index]


def _raw_tables(data_dir: Path, descriptor: dict, files: Mapping[str, CsvFile] | None = None) -> dict[str, pd.DataFrame]:
    """Every table as strings, indexed by the file line each row starts on (header: line 1).
    ``files``: CSV files already read by structure_problems in this validation, by resource name."""
    tables = {}
    for resource in descriptor["resources"]:
        csv_file = (files or {}).get(resource["name"])
        if csv_file is None:
            csv_file, problems = read_csv_file(data_dir / resource["path"])
        if csv_file is None:
            raise DataError([str(p) for p in problems])
        rows = [cells for _, cells in csv_file.records if cells]
        lines = [line for line, cells in csv_file.records if cells]
        frame = pd.DataFrame(rows, columns=csv_file.header, dtype=str) if rows else pd.DataFrame(
            columns=csv_file.header, dtype=str)
        frame.index = lines
        tables[resource["name"]] = frame
    return tables


def load_bibliography(data_dir: Path = DATA_DIR) -> BibliographyData:
    """Parse references.bib (once per content in a process: callers must not change it)."""
    path = data_dir / BIB_FILE
    reads.note_read(path)
    return _parsed_bibliography(path)


_BIBLIOGRAPHIES: dict[str, BibliographyData] = {}  # by the file's content digest, the last four


def _keep(store: dict, key, value, limit: int) -> None:
    """Keep value under key in one of this module's content-keyed stores, dropping the oldest entry
    once the store holds ``limit``."""
    if len(store) >= limit:
        del store[next(iter(store))]
    store[key] = value


def _parsed_bibliography(path: Path) -> BibliographyData:
    """One parse per content of the file, wherever it lies: a build asks about ten times, and the
    data tests validate about a hundred copies of the data, most with the bibliography unchanged
    (each parse takes about 0.25 s). A file that does not parse raises each time it is asked."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest not in _BIBLIOGRAPHIES:
        _keep(_BIBLIOGRAPHIES, digest, parse_file(str(path), bib_format="bibtex"), 4)
    return _BIBLIOGRAPHIES[digest]


def _keys(cell: str) -> list[str]:
    return [key for key in cell.split(";") if key] if cell else []


def _parse_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def cited_in_text(paths: Iterable[Path]) -> dict[str, list[str]]:
    """Bibliography keys cited with {cite} roles in the given files: key -> files."""
    found: dict[str, list[str]] = {}
    for path in paths:
        where = _rel(path)  # once per file, not once per citation (it resolves the path)
        for match in CITE_RE.finditer(path.read_text(encoding="utf-8")):
            for key in match.group(1).split(","):
                found.setdefault(key.strip(), []).append(where)
    return found


def _rows(frame: pd.DataFrame) -> Iterator[tuple[int, dict]]:
    """(index, {column: value}) of each row: what iterrows (or to_dict("records")) gives for these
    tables of strings, without building a Series per row or boxing each value (the rules run it about
    forty times per validation, which the bad-input tests run a hundred times)."""
    columns = list(frame.columns)
    values = zip(*(frame[column].tolist() for column in columns))
    return zip(frame.index, [dict(zip(columns, row)) for row in values])


@dataclass
class CrossCheck:
    """What the cross-table rules read: the package's tables (as strings, indexed by file line),
    the parsed bibliography and the book's prose, read once and shared by every rule."""

    data_dir: Path
    descriptor: dict
    tables: dict[str, pd.DataFrame]
    bib: BibliographyData
    bib_text: str
    today: dt.date
    text_files: list[Path]

    @property
    def bib_path(self) -> str:
        return _rel(self.data_dir / BIB_FILE)

    @cached_property
    def bib_lines(self) -> dict[str, int]:
        return bib_entry_lines(self.bib_text)

    @cached_property
    def vocabulary(self) -> vocab.Vocabulary:
        return vocab.Vocabulary(self.descriptor, _rel(self.data_dir / PACKAGE_FILE))

    @cached_property
    def source_dates(self) -> dict[str, dt.date | None]:
        return dict(self.kept_for_bib("source dates", lambda: tuple(
            (key, source_date(dict(entry.fields))) for key, entry in self.bib.entries.items())))

    def kept_for_bib(self, what: str, compute: Callable[[], tuple]) -> tuple:
        """What ``compute`` finds in the bibliography alone (its entries and their lines), kept by the
        text of references.bib, which the parse and the lines come from: the data tests validate a
        hundred copies that share one bibliography. A tuple, so no caller can change it for the next."""
        key = (what, hashlib.sha256(self.bib_text.encode()).hexdigest())
        if key not in _BIB_KEPT:
            _keep(_BIB_KEPT, key, compute(), 32)
        return _BIB_KEPT[key]

    def rows(self, name: str) -> list[tuple[int, dict]]:
        """_rows of a table, built once per check: the rules only read them."""
        if name not in self._rows_of:
            self._rows_of[name] = list(_rows(self.tables[name]))
        return self._rows_of[name]

    @cached_property
    def _rows_of(self) -> dict[str, list[tuple[int, dict]]]:
        return {}

    @cached_property
    def cited_in_prose(self) -> dict[str, list[str]]:
        """cited_in_text of the prose files, which two rules ask about."""
        return cited_in_text(self.text_files)

    @cached_property
    def _paths(self) -> dict[str, str]:
        return {r["name"]: _rel(self.data_dir / r["path"]) for r in self.descriptor["resources"]}

    def path(self, name: str) -> str:
        """A table's file, as problems name it."""
        if sum(r["name"] == name for r in self.descriptor["resources"]) != 1:
            raise ValueError(f"not one resource named {name!r}")
        return self._paths[name]

    def each_table(self) -> Iterator[tuple[str, str, pd.DataFrame, dict[str, dict]]]:
        """(name, file, rows, schema fields by name) of every table."""
        for resource in self.descriptor["resources"]:
            name = resource["name"]
            yield name, self.path(name), self.tables[name], {f["name"]: f for f in resource["schema"]["fields"]}

    def each_row(self) -> Iterator[tuple[str, str, int, dict]]:
        """(table, file, file line, row) of every row of every table."""
        for name, path, _, _ in self.each_table():
            for row, record in self.rows(name):
                yield name, path, row, record

    def table(self, name: str) -> tuple[str, pd.DataFrame] | None:
        """(file, rows) of one table, or None if the package has no such table."""
        return (self.path(name), self.tables[name]) if name in self.tables else None


def read_bibliography_checked(data_dir: Path) -> tuple[BibliographyData | None, str, list[Problem]]:
    """references.bib read strictly: present, UTF-8, braces balanced, parsed (else the one problem found)."""
    bib_path = _rel(data_dir / BIB_FILE)
    if not (data_dir / BIB_FILE).is_file():
        return None, "", [Problem(bib_path, None, None, None, "bibliography file is missing")]
    bib_text, found = _decode(data_dir / BIB_FILE)
    found = found or rule_bib_braces_balanced(bib_path, bib_text)
    if found:
        return None, bib_text, found
    try:
        bib = load_bibliography(data_dir)
    except Exception as err:  # noqa: BLE001 - pybtex raises several kinds (PybtexError, syntax errors); each means an unreadable file
        return None, bib_text, [Problem(bib_path, getattr(err, "lineno", None), None, None, f"cannot parse bibliography: {err}")]
    return bib, bib_text, []


# ---- rules across tables, the bibliography and the prose: each takes a CrossCheck -------------

def rule_bib_keys_well_formed(check: CrossCheck) -> list[Problem]:
    """Every bibliography key is lowercase words joined by '-'."""
    return [Problem(check.bib_path, check.bib_lines.get(key), "key", key,
                    "bibliography key must be lowercase words joined by '-'")
            for key in check.bib.entries if not KEY_RE.match(key)]


def rule_bib_required_fields(check: CrossCheck) -> list[Problem]:
    """Every entry has title, url, urldate and howpublished, and a year unless its note says it is undated."""
    return [Problem(check.bib_path, *finding) for finding in check.kept_for_bib("required fields", lambda: tuple(
        (p.row, p.field, p.value, p.message) for p in _bib_required_fields(check)))]


def _bib_required_fields(check: CrossCheck) -> list[Problem]:
    problems = []
    for key, entry in check.bib.entries.items():
        at = check.bib_lines.get(key)
        for field in REQUIRED_BIB_FIELDS:
            if not entry.fields.get(field, "").strip():
                problems.append(Problem(check.bib_path, at, f"{key}.{field}", None, "required bibliography field is empty or missing"))
        if not entry.fields.get("year", "").strip() and UNDATED_MARK not in entry.fields.get("note", ""):
            problems.append(Problem(check.bib_path, at, f"{key}.year", None,
                                    f"publication year missing (an undated page says '{UNDATED_MARK}' in its note)"))
    return problems


def rule_bib_text_safe(check: CrossCheck) -> list[Problem]:
    """No bibliography field carries HTML or script, a disallowed character, or more than MAX_FIELD_CHARS."""
    return [Problem(check.bib_path, *finding) for finding in check.kept_for_bib("text safe", lambda: tuple(
        (p.row, p.field, p.value, p.message) for p in _bib_text_safe(check)))]


def _bib_text_safe(check: CrossCheck) -> list[Problem]:
    problems = []
    for key, entry in check.bib.entries.items():
        at = check.bib_lines.get(key)
        for field, value in entry.fields.items():
            problems += [Problem(check.bib_path, at, f"{key}.{field}", value, message)
                         for message in _bib_value_messages(value)]
    return problems


@lru_cache(maxsize=1 << 15)
def _bib_value_messages(value: str) -> tuple[str, ...]:
    """What rule_bib_text_safe says of a field's value, in its order (a pure function of the value)."""
    messages = []
    if HTMLISH_RE.search(value):
        messages.append("text carries HTML or script")
    messages += datatext.character_problems(value.replace("\n", " "))
    if len(value) > MAX_FIELD_CHARS:
        messages.append(f"{len(value):,} characters, over the limit of {MAX_FIELD_CHARS:,}")
    return tuple(messages)


def rule_bib_urls_and_visits(check: CrossCheck) -> list[Problem]:
    """Every entry's url is a well-formed web address and its urldate a past ISO date."""
    problems = []
    for key, entry in check.bib.entries.items():
        at = check.bib_lines.get(key)
        url = entry.fields.get("url", "")
        if url and not URL_RE.match(url):
            problems.append(Problem(check.bib_path, at, f"{key}.url", url, "malformed URL"))
        visited = entry.fields.get("urldate")
        urldate = _parse_date(visited or "")
        if visited and (urldate is None or urldate > check.today):
            problems.append(Problem(check.bib_path, at, f"{key}.urldate", visited, "not a past ISO date"))
    return problems


def rule_cells_are_safe_text(check: CrossCheck) -> list[Problem]:
    """Every cell passes rule_text_field: size, characters, and no markup but a note's roles."""
    problems = []
    for name, path, frame, fields in check.each_table():
        kinds = [(column, (name, column) in ROLE_FIELDS, field["type"] == "string") for column, field in fields.items()]
        for row, record in check.rows(name):
            for column, roles_allowed, is_text in kinds:
                value = record.get(column, "")
                if value:
                    problems += rule_text_field(path, row, column, value, roles_allowed, is_text)
    return problems


def rule_source_keys_known(check: CrossCheck) -> list[Problem]:
    """Every key in a row's sources is an entry of references.bib."""
    return [Problem(path, row, "sources", key, f"unknown source key (not in {BIB_FILE})")
            for _, path, row, record in check.each_row() if "sources" in record
            for key in _keys(record["sources"]) if key not in check.bib.entries]


def rule_actor_codes_known(check: CrossCheck) -> list[Problem]:
    """Every actor code in a list column (events.actors) is a place_id of places.csv."""
    places = check.tables.get("places")
    place_ids = set(places["place_id"]) if places is not None else set()
    return [Problem(path, row, column, code, "unknown place/actor code (not in places.csv)")
            for name, path, row, record in check.each_row() for column in ACTOR_LIST_FIELDS.get(name, [])
            for code in _keys(record[column]) if code not in place_ids]


def rule_row_dates_consistent(check: CrossCheck) -> list[Problem]:
    """Each paired date has its precision, is not in the future, is written at its precision, runs in
    order, and agrees with the row's after-the-essay flag (see _date_problems)."""
    return [problem for name, path, row, record in check.each_row()
            for problem in _date_problems(name, path, row, record, check.today, check.source_dates, check.vocabulary)]


def rule_no_future_dates(check: CrossCheck) -> list[Problem]:
    """No other date column holds a date after today."""
    problems = []
    for name, path, frame, fields in check.each_table():
        paired = {c for c, _ in DATE_PAIRS.get(name, [])}
        for column, field in fields.items():
            if field["type"] == "date" and column not in paired:
                for row, value in frame[column].items():
                    date = _parse_date(value) if value else None
                    if date and date > check.today:
                        problems.append(Problem(path, row, column, value, f"date is in the future (after {check.today.isoformat()})"))
    return problems


def rule_anchors_match_seed(check: CrossCheck) -> list[Problem]:
    """Every row anchored in the essay (exact, prefix, suffix) matches its paragraph of the seed."""
    return [problem for _, path, frame, _ in check.each_table() if "exact" in frame.columns
            for problem in _selector_problems(path, frame)]


def rule_notes_consistent(check: CrossCheck) -> list[Problem]:
    """A note cites only its own sources, an update is dated after the essay, and a note on a claim
    sits in the claim's paragraph."""
    found = check.table("annotations")
    claims = check.tables.get("claims")
    return list(_annotation_problems(*found, claims)) if found else []


def rule_notes_not_repeated(check: CrossCheck) -> list[Problem]:
    """No note repeats another's text word for word (rule_notes_distinct)."""
    found = check.table("annotations")
    return list(rule_notes_distinct(*found)) if found else []


def rule_note_roles_name_targets(check: CrossCheck) -> list[Problem]:
    """A note's {para} and {term} roles name a paragraph and a glossary entry (rule_note_roles_resolve)."""
    found = check.table("annotations")
    return list(rule_note_roles_resolve(*found, glossary_terms(ROOT))) if found else []


def rule_verdicts_rest_on_later_evidence(check: CrossCheck) -> list[Problem]:
    """Each scorecard verdict rests on dated evidence after the essay, none later than its as_of date."""
    found = check.table("scorecard")
    return list(_scorecard_problems(*found, check.today)) if found else []


def rule_later_dates_flagged(check: CrossCheck) -> list[Problem]:
    """A row with any date after the essay is flagged as later knowledge."""
    return [problem for name in LATER_FLAG_COVERS if (found := check.table(name))
            for problem in _later_dates_marked(*found, name)]


def rule_places_located(check: CrossCheck) -> list[Problem]:
    """Places the maps draw have coordinates, coordinates have a source, states their ISO code."""
    found = check.table("places")
    return list(_place_problems(*found, check.vocabulary)) if found else []


def rule_recipient_not_supplier(check: CrossCheck) -> list[Problem]:
    """No transfer goes from an actor to itself."""
    found = check.table("transfers")
    if not found:
        return []
    path, frame = found
    return [Problem(path, row, "recipient", record["recipient"], "recipient is the supplier")
            for row, record in _rows(frame) if record["supplier"] and record["supplier"] == record["recipient"]]


def rule_source_quality(check: CrossCheck) -> list[Problem]:
    """The bibliography's source-quality tiers, and what rows may rest on them (rules_sources.py)."""
    from edition import rules_sources

    paths = {name: check.path(name) for name in check.tables}
    return (list(rules_sources.entry_problems(check.bib, check.bib_path, Problem))
            + list(rules_sources.row_problems(check.tables, check.bib, paths, Problem)))


def rule_later_knowledge(check: CrossCheck) -> list[Problem]:
    """What a note or row reports is dated, and the after-the-essay mark follows the date (rules_later.py)."""
    from edition import rules_later

    paths = {name: check.path(name) for name in check.tables}
    problems = list(rules_later.row_problems(check.tables, paths, Problem))
    if "annotations" in check.tables:
        problems = list(rules_later.note_problems(check.tables["annotations"], paths["annotations"], Problem)) + problems
    return problems


def rule_one_verdict_per_claim(check: CrossCheck) -> list[Problem]:
    """Each claim is judged once, in the ledger or the scorecard as its type says (verdicts.py)."""
    from edition import verdicts

    if "claims" not in check.tables or "scorecard" not in check.tables:
        return []
    return [Problem(*p) for p in verdicts.verdict_problems(
        check.tables["claims"], check.tables["scorecard"], check.path("claims"), check.path("scorecard"),
        check.vocabulary)]


def rule_prose_citations_known(check: CrossCheck) -> list[Problem]:
    """Every key the book's prose cites with {cite} is an entry of references.bib."""
    return [Problem(files[0], None, "cite", key, f"unknown source key (not in {BIB_FILE})")
            for key, files in check.cited_in_prose.items() if key not in check.bib.entries]


def rule_bib_entries_cited(check: CrossCheck) -> list[Problem]:
    """Every bibliography entry is cited by some row's sources or by the prose."""
    used = {key for _, _, _, record in check.each_row() if "sources" in record for key in _keys(record["sources"])}
    used |= set(check.cited_in_prose)
    return [Problem(check.bib_path, check.bib_lines.get(key), "key", key, "bibliography entry is cited nowhere")
            for key in check.bib.entries if key not in used]


# In the order their problems are reported.
CROSS_RULES = (
    rule_bib_keys_well_formed, rule_bib_required_fields, rule_bib_text_safe, rule_bib_urls_and_visits,
    rule_cells_are_safe_text, rule_source_keys_known, rule_actor_codes_known, rule_row_dates_consistent,
    rule_no_future_dates, rule_anchors_match_seed, rule_notes_consistent, rule_notes_not_repeated,
    rule_note_roles_name_targets, rule_verdicts_rest_on_later_evidence, rule_later_dates_flagged,
    rule_places_located, rule_recipient_not_supplier, rule_source_quality, rule_later_knowledge,
    rule_one_verdict_per_claim, rule_prose_citations_known, rule_bib_entries_cited,
)


def cross_check(data_dir: Path, descriptor: dict, today: dt.date, text_files: list[Path] | None = None,
                files: Mapping[str, CsvFile] | None = None) -> tuple[CrossCheck | None, list[Problem]]:
    """What the cross-table rules read, or the problem that stops them (an unreadable bibliography)."""
    bib, bib_text, problems = read_bibliography_checked(data_dir)
    if bib is None:
        return None, problems
    text_files = text_files if text_files is not None else text_sources(data_dir.parent)
    return CrossCheck(data_dir, descriptor, _raw_tables(data_dir, descriptor, files), bib, bib_text, today, text_files), []


def cross_check_problems(
    data_dir: Path, descriptor: dict, today: dt.date, text_files: list[Path] | None = None,
    files: Mapping[str, CsvFile] | None = None,
) -> list[Problem]:
    """Checks frictionless cannot express, each a named rule (CROSS_RULES): bibliography, keys,
    places, dates, flags, markup, anchors, verdicts."""
    check, problems = cross_check(data_dir, descriptor, today, text_files, files)
    if check is None:
        return problems
    return [problem for rule in CROSS_RULES for problem in rule(check)]


# ---- rules on text ----------------------------------------------------------------------------

def rule_text_field(path: str, row: int, column: str, value: str, roles_allowed: bool,
                    is_text: bool = True) -> list[Problem]:
    """One cell's text: size, characters, and markup (only a note's roles; elsewhere none at all)."""
    return [Problem(path, row, column, value, message) for message in _text_messages(value, roles_allowed, is_text)]


@lru_cache(maxsize=1 << 15)
def _text_messages(value: str, roles_allowed: bool, is_text: bool) -> tuple[str, ...]:
    """What rule_text_field says of a value, wherever it stands: a pure function of the value, kept
    once per distinct value (the tests validate a hundred copies of data/ that share nearly every cell)."""
    messages = datatext.character_problems(value)
    if len(value) > MAX_FIELD_CHARS:
        messages.append(f"{len(value):,} characters, over the limit of {MAX_FIELD_CHARS:,} per field")
    if is_text:
        found = (datatext.markup_problems(value) if roles_allowed
                 else datatext.markup_problems(value, roles=(), emphasis=False))
        where = "a note may use only {cite:p}, {cite:t}, {para}, {term} and *emphasis*" if roles_allowed \
            else "this field is plain text"
        messages += [f"{message}; {where}" for message in found]
    return tuple(messages)


def rule_notes_distinct(path: str, frame: pd.DataFrame) -> Iterator[Problem]:
    """No note repeats another's text word for word."""
    first: dict[str, int] = {}
    for row, record in _rows(frame):
        text = " ".join(record["note"].split())
        if text in first:
            yield Problem(path, row, "note", record["note"], f"repeats the note in row {first[text]} word for word")
        else:
            first[text] = row


def rule_note_roles_resolve(path: str, frame: pd.DataFrame, terms: set[str] | None) -> Iterator[Problem]:
    """{para} names a paragraph of the essay; {term} names an entry of the glossary."""
    for row, record in _rows(frame):
        for token in datatext.tokens(record["note"]):
            if token.kind == "para" and token.content.isdigit() and not 1 <= int(token.content) <= PARAGRAPH_COUNT:
                yield Problem(path, row, "note", token.content, f"{{para}} names no paragraph (the essay has 1–{PARAGRAPH_COUNT})")
            if token.kind == "term" and terms is not None and datatext.term_target(token.content).lower() not in terms:
                yield Problem(path, row, "note", token.content, "{term} names no entry of the glossary (chapters/glossary.md)")


def glossary_terms(root: Path) -> set[str] | None:
    """The glossary's entries, lowercased (None if the book has no glossary page)."""
    path = root / "chapters" / "glossary.md"
    if not path.is_file():
        return None
    terms: set[str] = set()
    inside = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if re.match(r"^(```+|:::+)\{glossary\}", line):
            inside = True
        elif inside and re.match(r"^(```+|:::+)\s*$", line):
            inside = False
        elif inside and line.strip() and not line[0].isspace() and not line.startswith(":"):
            terms.add(line.strip().lower())
    return terms


BIB_ENTRY_RE = re.compile(r"^[ \t]*@(?P<type>\w+)\s*[{(]\s*(?P<key>[^,\s]+)\s*,", re.M)


def bib_entry_lines(text: str) -> dict[str, int]:
    """Line number of each entry's '@type{key,' in references.bib (a key given twice: its last entry)."""
    lines: dict[str, int] = {}
    line, counted = 1, 0
    for match in BIB_ENTRY_RE.finditer(text):  # line breaks counted once, from one entry to the next
        line += text.count("\n", counted, match.start())
        counted = match.start()
        lines[match.group("key")] = line
    return lines


def rule_bib_braces_balanced(path: str, text: str) -> list[Problem]:
    """Each entry closes its braces before the next '@' entry starts; the error names the entry's line."""
    return [Problem(path, *finding) for finding in _bib_brace_findings(text)]


@lru_cache(maxsize=8)
def _bib_brace_findings(text: str) -> tuple[tuple[int, str, None, str], ...]:
    """rule_bib_braces_balanced's (line, entry, value, message), a pure function of the file's text
    (kept for the last few texts: the data tests validate a hundred copies of one bibliography)."""
    depth = 0
    opened: tuple[str, int] | None = None
    for number, line in enumerate(text.splitlines(), 1):
        match = BIB_ENTRY_RE.match(line) or re.match(r"^\s*@(?P<type>\w+)\s*[{(]\s*(?P<key>)", line)
        if match and line.lstrip().startswith("@"):
            if depth > 0 and opened:
                key, start = opened
                return ((start, key or "entry", None,
                         f"entry opened at line {start} is not closed (a '}}' is missing) before the next entry at line {number}"),)
            depth = 0
            opened = (match.group("key"), number)
        stripped = re.sub(r"\\[{}]", "", line)
        depth += stripped.count("{") - stripped.count("}")
        if depth < 0 and opened:
            return ((number, opened[0] or "entry", None,
                     f"one '}}' too many (the entry opened at line {opened[1]})"),)
    if depth > 0 and opened:
        return ((opened[1], opened[0] or "entry", None,
                 "entry is not closed (a '}' is missing) before the end of the file"),)
    return ()


def precision_rank(vocabulary: "vocab.Vocabulary", table: str, column: str) -> dict[str, int]:
    """A precision column's values from finest (0) to coarsest, by the ISO characters each keeps."""
    chars = vocabulary.trait(table, column, "isoChars")
    return {value: rank for rank, value in enumerate(sorted(chars, key=lambda v: -chars[v]))}
MONTHS = {m: i for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}


def _truncate(date: dt.date, rank: int) -> tuple[int, ...]:
    return (date.year, date.month, date.day)[: 3 - rank]


def source_date(fields: dict) -> dt.date | None:
    """A bibliography entry's publication date, as precise as the entry gives it (earliest day)."""
    try:
        year = int(fields.get("year", ""))
    except ValueError:
        return None
    month = MONTHS.get(fields.get("month", "").strip().lower()[:3], 1)
    try:
        day = int(fields.get("day", "1"))
    except ValueError:
        day = 1
    return dt.date(year, month, day)


def _date_problems(name: str, path: str, row: int, record: pd.Series, today: dt.date,
                   source_dates: dict[str, dt.date | None] | None = None,
                   vocabulary: "vocab.Vocabulary | None" = None) -> Iterator[Problem]:
    dates: dict[str, dt.date | None] = {}
    for column, precision_column in DATE_PAIRS.get(name, []):
        value, precision = record.get(column, ""), record.get(precision_column, "")
        if bool(value) != bool(precision):
            yield Problem(path, row, precision_column, precision, f"a precision is needed exactly when {column} is given")
        date = _parse_date(value) if value else None
        dates[column] = date
        if date is None:
            continue
        if date > today:
            yield Problem(path, row, column, value, f"date is in the future (after {today.isoformat()})")
        if precision == "month" and date.day != 1:
            yield Problem(path, row, column, value, "month precision must be written as the 1st of the month")
        if precision == "year" and (date.month, date.day) != (1, 1):
            yield Problem(path, row, column, value, "year precision must be written as YYYY-01-01")
    precisions = {column: record.get(p, "") for column, p in DATE_PAIRS.get(name, [])}
    for earlier, later in DATE_ORDER.get(name, []):
        a, b = dates.get(earlier), dates.get(later)
        if a and b:
            # compare at the coarser of the two precisions: "1991" is not before 1991-11-13
            vocabulary = vocabulary or vocab.load()
            pairs = dict(DATE_PAIRS[name])
            coarser = max(precision_rank(vocabulary, name, pairs[earlier]).get(precisions[earlier], 0),
                          precision_rank(vocabulary, name, pairs[later]).get(precisions[later], 0))
            if _truncate(b, coarser) < _truncate(a, coarser):
                yield Problem(path, row, later, record[later], f"{later} is before {earlier} ({record[earlier]})")
    if name in AFTER_FLAG:
        column, flag = AFTER_FLAG[name]
        date = dates.get(column)
        if date is None and source_dates is not None:
            known = [source_dates[k] for k in _keys(record.get("sources", "")) if source_dates.get(k)]
            date = min(known) if known else None
            column = "earliest cited source"
        if date is not None and record.get(flag, "") in ("true", "false"):
            expected = date > ESSAY_DATE
            if (record[flag] == "true") != expected:
                yield Problem(path, row, flag, record[flag],
                              f"must be {str(expected).lower()}: {column} {date.isoformat()} is "
                              f"{'after' if expected else 'on or before'} the essay's date {ESSAY_DATE}")


def _selector_problems(path: str, frame: pd.DataFrame) -> Iterator[Problem]:
    """Each TextQuoteSelector matches the seed: exact once in its paragraph, prefix and suffix beside it."""
    from edition import essay

    parsed = essay.load()
    for row, record in _rows(frame):
        try:
            text = parsed.paragraph(int(record["paragraph"])).text
        except (ValueError, essay.SeedError):
            continue  # frictionless reports a bad paragraph number
        exact = record["exact"]
        count = text.count(exact) if exact else 0
        if count != 1:
            yield Problem(path, row, "exact", exact,
                          f"occurs {count} times in ¶{record['paragraph']}; an anchor must occur exactly once")
            continue
        start = text.index(exact)
        before, after = text[:start], text[start + len(exact):]
        if record["prefix"] and not before.endswith(record["prefix"]):
            yield Problem(path, row, "prefix", record["prefix"], f"is not the text before the anchor in ¶{record['paragraph']}")
        if record["suffix"] and not after.startswith(record["suffix"]):
            yield Problem(path, row, "suffix", record["suffix"], f"is not the text after the anchor in ¶{record['paragraph']}")


# Any date after the essay in these columns must sit in a row flagged as later knowledge.
LATER_FLAG_COVERS = {
    "transfers": ("public_after_essay", ["order_date", "first_delivery_date", "last_delivery_date", "public_date"]),
    "events": ("after_essay", ["start_date", "end_date"]),
}


def _later_dates_marked(path: str, frame: pd.DataFrame, name: str) -> Iterator[Problem]:
    flag, columns = LATER_FLAG_COVERS[name]
    for row, record in _rows(frame):
        if record[flag] == "true":
            continue
        for column in columns:
            date = _parse_date(record[column]) if record[column] else None
            if date and date > ESSAY_DATE:
                yield Problem(path, row, column, record[column],
                              f"falls after the essay ({ESSAY_DATE}) but the row's {flag} is not true")


def _scorecard_problems(path: str, frame: pd.DataFrame, today: dt.date) -> Iterator[Problem]:
    """Each verdict rests on dated evidence, none of it later than the row's as_of date."""
    for row, record in _rows(frame):
        as_of = _parse_date(record["as_of"]) if record["as_of"] else None
        dates = [_parse_date(d) for d in record["evidence_dates"].split(";") if d]
        for text, date in zip(record["evidence_dates"].split(";"), dates):
            if date is None:
                yield Problem(path, row, "evidence_dates", text, "not a valid ISO date")
            elif as_of and date > as_of:
                yield Problem(path, row, "evidence_dates", text, f"is later than the row's as_of date {record['as_of']}")
        if as_of and as_of <= ESSAY_DATE:
            yield Problem(path, row, "as_of", record["as_of"], f"a verdict must rest on evidence after the essay ({ESSAY_DATE})")
        if record["verdict"] != "too-early" and not any(d and d > ESSAY_DATE for d in dates):
            yield Problem(path, row, "evidence_dates", record["evidence_dates"],
                          "a verdict other than too-early needs evidence dated after the essay")


def _annotation_problems(path: str, frame: pd.DataFrame, claims: pd.DataFrame | None) -> Iterator[Problem]:
    claim_paragraph = dict(zip(claims["claim_id"], claims["paragraph"])) if claims is not None else {}
    for row, record in _rows(frame):
        listed = set(_keys(record["sources"]))
        for key in datatext.cited_keys(record["note"]):
            if key not in listed:
                yield Problem(path, row, "note", key, "cited in the note but missing from its sources")
        date = _parse_date(record["event_date"]) if record["event_date"] else None
        if record["kind"] == "update" and (date is None or date <= ESSAY_DATE):
            yield Problem(path, row, "event_date", record["event_date"],
                          f"an update needs the date of a development after the essay ({ESSAY_DATE})")
        claim = record["claim_id"]
        if claim and claim in claim_paragraph and claim_paragraph[claim] != record["paragraph"]:
            yield Problem(path, row, "paragraph", record["paragraph"],
                          f"differs from its claim {claim}'s paragraph ¶{claim_paragraph[claim]}")


def _place_problems(path: str, frame: pd.DataFrame, vocabulary: "vocab.Vocabulary | None" = None) -> Iterator[Problem]:
    vocabulary = vocabulary or vocab.load()
    # the kinds the maps draw: those the schema gives a marker (enumTraits of places.kind)
    drawn = {kind for kind, marker in vocabulary.trait("places", "kind", "marker").items() if marker}
    for row, record in _rows(frame):
        mapped = record["kind"] in drawn
        has_coords = bool(record["latitude"]) and bool(record["longitude"])
        if mapped and not has_coords:
            yield Problem(path, row, "latitude", record["latitude"], f"a {record['kind']} needs coordinates")
        if has_coords and not record["sources"]:
            yield Problem(path, row, "sources", "", "coordinates need a source")
        if record["kind"] == "state" and not record["iso3166_alpha3"]:
            yield Problem(path, row, "iso3166_alpha3", "", "a state needs its ISO 3166-1 alpha-3 code")


_validated_here: set[str] = set()
# what the bibliography alone yields, by (what, digest of references.bib's text): CrossCheck.kept_for_bib
_BIB_KEPT: dict[tuple[str, str], tuple] = {}


def validate(data_dir: Path = DATA_DIR, today: dt.date | None = None, text_files: list[Path] | None = None) -> None:
    """Raise DataError listing every problem in data/; return quietly if there are none.

    A passing validation is remembered by the hash of its inputs, so the several steps of one
    build (and an unchanged rebuild) do not repeat it; any change to the inputs validates again.
    """
    with reads.paused():
        _validate(data_dir, today or dt.date.today(), text_files)


def _validate(data_dir: Path, today: dt.date, text_files: list[Path] | None) -> None:
    text_files = text_files if text_files is not None else text_sources(data_dir.parent)
    digest = inputs_digest(data_dir, text_files, today)
    if digest in _validated_here or passed(digest):
        return
    descriptor, files, problems = structure_problems(data_dir)
    if problems or descriptor is None:
        # row checks on a malformed package would only add follow-on noise: name the cause first
        raise DataError([str(p) for p in problems])
    problems = frictionless_problems(data_dir, files)
    problems += cross_check_problems(data_dir, descriptor, today, text_files, files)
    if problems:
        raise DataError([str(p) for p in problems])
    _validated_here.add(digest)
    remember(digest)


def _typed(frame: pd.DataFrame, resource: dict) -> pd.DataFrame:
    out = frame.copy()
    for field in resource["schema"]["fields"]:
        name, kind = field["name"], field["type"]
        column = out[name].replace("", pd.NA)
        if kind == "date":
            out[name] = pd.to_datetime(column, format="%Y-%m-%d")
        elif kind == "integer":
            out[name] = pd.to_numeric(column).astype("Int64")
        elif kind == "number":
            out[name] = pd.to_numeric(column).astype("Float64")
        elif kind == "boolean":
            out[name] = column.map({"true": True, "false": False}).astype("boolean")
        else:
            out[name] = column.astype("string")
    return out.reset_index(drop=True)


class Tables(Mapping[str, pd.DataFrame]):
    """The package's tables by resource name, each read and typed when first asked for.

    Each table read is noted (edition.reads), so a build knows which tables an executed chapter
    used; a chapter that never looks at a table does not depend on it.
    """

    def __init__(self, data_dir: Path, descriptor: dict):
        self._data_dir = data_dir
        self._resources = {r["name"]: r for r in descriptor["resources"]}
        self._frames: dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._frames:
            resource = self._resources[name]
            path = self._data_dir / resource["path"]
            reads.note_read(self._data_dir / PACKAGE_FILE, path)
            raw = _raw_tables(self._data_dir, {"resources": [resource]})[name]
            self._frames[name] = _typed(raw, resource)
        return self._frames[name]

    def __contains__(self, name: object) -> bool:
        return name in self._resources

    def __iter__(self) -> Iterator[str]:
        return iter(self._resources)

    def __len__(self) -> int:
        return len(self._resources)


def load_tables(data_dir: Path = DATA_DIR, today: dt.date | None = None) -> Tables:
    """Validate data/ and return its tables as typed DataFrames, keyed by resource name."""
    validate(data_dir, today)
    return Tables(data_dir, read_descriptor(data_dir))


def source_profile(bib: BibliographyData | None = None) -> pd.DataFrame:
    """One row per bibliography entry: publisher, source-quality tier, dated, titled.

    Whether an entry is an original or a copy is its `quality` field's to say (rules_sources),
    not a guess from the publisher's wording.
    """
    bib = bib if bib is not None else load_bibliography()
    rows = []
    for key, entry in bib.entries.items():
        publisher = entry.fields.get("howpublished", "")
        rows.append({
            "key": key,
            "publisher": publisher,
            "dated": bool(entry.fields.get("year")),
            "title_seen": not entry.fields.get("title", "").startswith(("[Title not seen", "Untitled in stored copy")),
            "quality": entry.fields.get("quality", ""),
            "url": entry.fields.get("url", ""),
        })
    return pd.DataFrame(rows)
