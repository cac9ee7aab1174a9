"""The data's vocabulary, read from the one place it lives: data/datapackage.json.

Every field with a closed set of values lists them in ``constraints.enum`` (which frictionless
checks) and, beside it, the words a reader sees for each in ``enumLabels``. Where the code treats
a value in its own way (a figure's marker or color, a verdict's rating, a note's symbol), the
value's ``enumTraits`` entry says how. Code asks this module for values, labels and traits and
restates none of them, so a new value is added in datapackage.json alone:

    "enum": [..., "new-value"],
    "enumLabels": {..., "new-value": "new value"},
    "enumTraits": {..., "new-value": {"marker": "circle"}}    (fields that have traits)

:func:`problems` is one of the validator's rules (run by ``make book`` before anything is built):
a value without its label, or without a trait the code needs (:data:`REQUIRED_TRAITS`), is
named there, with the file, the field and the value, before any page or figure asks for it.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from edition import reads
from edition.paths import DATA_DIR

PACKAGE_FILE = "datapackage.json"
LABELS = "enumLabels"
TRAITS = "enumTraits"
# The traits the code reads, per field: every value of the field must give each of them.
REQUIRED_TRAITS: dict[tuple[str, str], tuple[str, ...]] = {
    ("places", "kind"): ("marker",),  # null: not drawn on the actors map
    ("transfers", "status"): ("firm", "sentence"),
    ("transfers", "evidence"): ("phrase",),
    ("events", "certainty"): ("firm", "marker"),
    ("claims", "claim_type"): ("judgedIn",),
    ("claims", "status"): ("rating", "meaning"),
    ("annotations", "kind"): ("symbol", "motivation"),
    ("scorecard", "verdict"): ("rating", "meaning", "marker", "color"),
    **{(table, field): ("isoChars",) for table, field in (
        ("transfers", "order_date_precision"), ("transfers", "first_delivery_precision"),
        ("transfers", "last_delivery_precision"), ("transfers", "public_date_precision"),
        ("events", "start_precision"), ("events", "end_precision"),
        ("annotations", "event_date_precision"))},
}
# Where a trait's values are themselves a closed set the code relies on.
TRAIT_VALUES = {"judgedIn": ("ledger", "scorecard"), "firm": (True, False)}


class VocabularyError(ValueError):
    """The schema's vocabulary is incomplete; the message names file, field and value."""


class Issue(NamedTuple):
    """One gap in the vocabulary: where (field path in the descriptor), the value, what is wrong."""

    field: str
    value: object
    message: str


class Vocabulary:
    """The enum fields of one descriptor: values in order, their labels and traits."""

    def __init__(self, descriptor: dict, where: str = f"data/{PACKAGE_FILE}"):
        self.where = where
        self._fields: dict[tuple[str, str], dict] = {}
        for resource in descriptor.get("resources", []):
            for field in resource.get("schema", {}).get("fields", []):
                if isinstance(field, dict) and "enum" in (field.get("constraints") or {}):
                    self._fields[(resource["name"], field["name"])] = field

    def fields(self) -> list[tuple[str, str]]:
        """(table, field) of every field with a closed set of values."""
        return list(self._fields)

    def _field(self, table: str, field: str) -> dict:
        try:
            return self._fields[(table, field)]
        except KeyError:
            raise VocabularyError(f"{self.where}: field '{table}.{field}' has no enum of values") from None

    def values(self, table: str, field: str) -> tuple[str, ...]:
        """The field's values in the schema's order (the order figures and tables use)."""
        return tuple(self._field(table, field)["constraints"]["enum"])

    def labels(self, table: str, field: str) -> dict[str, str]:
        """Each value's words for readers, in the schema's order."""
        return {value: self.label(table, field, value) for value in self.values(table, field)}

    def label(self, table: str, field: str, value: str) -> str:
        """One value's words for readers (a clear error if the schema gives none)."""
        label = (self._field(table, field).get(LABELS) or {}).get(value)
        if not isinstance(label, str) or not label.strip():
            raise VocabularyError(f"{self.where}: field '{table}.{field}', value {value!r}: no label in {LABELS}")
        return label

    def traits(self, table: str, field: str, value: str) -> dict[str, Any]:
        """What the code needs to know of one value (its ``enumTraits`` entry)."""
        traits = (self._field(table, field).get(TRAITS) or {}).get(value, {})
        if not isinstance(traits, dict):
            raise VocabularyError(f"{self.where}: field '{table}.{field}', value {value!r}: its {TRAITS} entry "
                                  "must be an object")
        return traits

    def trait(self, table: str, field: str, name: str) -> dict[str, Any]:
        """One trait of every value: value -> trait, in the schema's order."""
        out = {}
        for value in self.values(table, field):
            traits = self.traits(table, field, value)
            if name not in traits:
                raise VocabularyError(f"{self.where}: field '{table}.{field}', value {value!r}: "
                                      f"{TRAITS} gives no {name!r}")
            out[value] = traits[name]
        return out

    def given(self, table: str, field: str, name: str) -> dict[str, Any]:
        """A trait only some values have: value -> trait for those that give it, in the schema's order."""
        return {v: t[name] for v in self.values(table, field) if name in (t := self.traits(table, field, v))}

    def having(self, table: str, field: str, name: str, wanted: Any = True) -> tuple[str, ...]:
        """The values whose trait ``name`` is ``wanted`` (e.g. the firm ratings)."""
        return tuple(v for v, t in self.trait(table, field, name).items() if t == wanted)

    def issues(self) -> list[Issue]:
        """Every gap: a value without a label or a required trait, a label or trait for no value."""
        found: list[Issue] = []
        for (table, name), field in self._fields.items():
            at = f"{table}.{name}"
            enum = field["constraints"]["enum"]
            if not isinstance(enum, list) or not all(isinstance(v, str) for v in enum):
                found.append(Issue(at, enum, "constraints.enum must be a list of strings"))
                continue
            labels = field.get(LABELS)
            if not isinstance(labels, dict):
                found.append(Issue(at, None, f"no {LABELS}: every value needs the words readers see for it"))
                labels = {}
            for value in enum:
                label = labels.get(value)
                if value not in labels:
                    found.append(Issue(at, value, f"value has no label in {LABELS}"))
                elif not isinstance(label, str) or not label.strip() or "<" in label:
                    found.append(Issue(at, value, f"label {label!r} in {LABELS} must be plain, non-empty text"))
            for extra in [v for v in labels if v not in enum]:
                found.append(Issue(at, extra, f"{LABELS} labels a value that constraints.enum does not list"))
            required = REQUIRED_TRAITS.get((table, name), ())
            traits = field.get(TRAITS)
            if traits is None and not required:
                continue
            if not isinstance(traits, dict):
                found.append(Issue(at, None, f"no {TRAITS}: the code needs {', '.join(required)} for every value"))
                continue
            for value in enum:
                entry = traits.get(value, None if required else {})
                if not isinstance(entry, dict):
                    found.append(Issue(at, value, f"value has no entry in {TRAITS} "
                                                  f"(the code needs {', '.join(required) or 'one'})"))
                    continue
                for trait in required:
                    if trait not in entry:
                        found.append(Issue(at, value, f"{TRAITS} gives no {trait!r}, which the code needs"))
                    elif trait in TRAIT_VALUES and entry[trait] not in TRAIT_VALUES[trait]:
                        found.append(Issue(at, value, f"{TRAITS} {trait!r} is {entry[trait]!r}; "
                                                      f"one of {', '.join(map(repr, TRAIT_VALUES[trait]))}"))
            for extra in [v for v in traits if v not in enum]:
                found.append(Issue(at, extra, f"{TRAITS} describes a value that constraints.enum does not list"))
        return found


def problems_text(vocabulary: Vocabulary) -> list[str]:
    """The issues as the validator prints them: file, field, value, what is wrong."""
    return [f"{vocabulary.where}, field '{i.field}'" + (f", value {i.value!r}" if i.value is not None else "")
            + f": {i.message}" for i in vocabulary.issues()]


@lru_cache(maxsize=4)
def _load(path: Path, mtime: float) -> Vocabulary:
    return Vocabulary(json.loads(path.read_text(encoding="utf-8")), where=f"{path.parent.name}/{path.name}")


def load(data_dir: Path | None = None) -> Vocabulary:
    """The vocabulary of the package in ``data_dir`` (default: the book's data/), re-read when it changes."""
    path = (data_dir or DATA_DIR) / PACKAGE_FILE
    reads.note_read(path)
    return _load(path, path.stat().st_mtime)


def values(table: str, field: str) -> tuple[str, ...]:
    return load().values(table, field)


def labels(table: str, field: str) -> dict[str, str]:
    return load().labels(table, field)


def label(table: str, field: str, value: Any) -> str:
    """A value's label for readers; '' for a missing value (NA, None, empty)."""
    try:
        if value is None or value != value or value == "":  # NaN and pandas NA compare unequal or raise
            return ""
    except TypeError:
        return ""
    return load().label(table, field, str(value))


def trait(table: str, field: str, name: str) -> dict[str, Any]:
    return load().trait(table, field, name)


def having(table: str, field: str, name: str, wanted: Any = True) -> tuple[str, ...]:
    return load().having(table, field, name, wanted)


def given(table: str, field: str, name: str) -> dict[str, Any]:
    return load().given(table, field, name)
