"""The mechanical part of the edition's style sheet (EDITING.md): date forms, spelling, numbers, percent.

The checks read the edition's own words only: chapter prose (not code cells, directives'
arguments, roles' targets or links), and the text columns of data/. Quotations are left alone.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pandas as pd

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
_MONTH = "(?:" + "|".join(MONTHS) + ")"
# The edition's own text in each table (ids, anchors copied from the essay, keys and enums excluded).
TEXT_COLUMNS = {
    "annotations": ("note",),
    "claims": ("summary",),
    "scorecard": ("criterion", "outcome", "reasoning"),
    "events": ("title", "summary"),
    "transfers": ("description", "quantity_note", "disagreement"),
    "places": ("notes",),
}
# British forms and the American ones the style sheet asks for.
BRITISH = {
    "cancelled": "canceled", "cancelling": "canceling", "labelled": "labeled", "labelling": "labeling",
    "travelled": "traveled", "travelling": "traveling", "modelling": "modeling", "modelled": "modeled",
    "fuelled": "fueled", "signalled": "signaled", "signalling": "signaling", "totalled": "totaled",
    "channelled": "channeled", "defence": "defense", "defences": "defenses", "offence": "offense",
    "licence": "license", "licences": "licenses", "programme": "program", "programmes": "programs",
    "centre": "center", "centres": "centers", "favour": "favor", "favoured": "favored",
    "favourable": "favorable", "honour": "honor", "behaviour": "behavior", "colour": "color",
    "neighbour": "neighbor", "neighbouring": "neighboring", "harbour": "harbor", "armour": "armor",
    "armoured": "armored", "endeavour": "endeavor", "rumoured": "rumored", "organisation": "organization",
    "organise": "organize", "organised": "organized", "recognise": "recognize", "recognised": "recognized",
    "recognising": "recognizing", "authorise": "authorize", "authorised": "authorized",
    "criticise": "criticize", "criticised": "criticized", "emphasise": "emphasize", "emphasised": "emphasized",
    "normalisation": "normalization", "normalise": "normalize", "realise": "realize", "realised": "realized",
    "apologise": "apologize", "mobilisation": "mobilization", "mobilise": "mobilize", "stabilise": "stabilize",
    "modernise": "modernize", "modernisation": "modernization", "characterise": "characterize",
    "characterised": "characterized", "characterisation": "characterization", "analyse": "analyze",
    "analysed": "analyzed", "catalogue": "catalog", "grey": "gray",
    "towards": "toward", "whilst": "while", "amongst": "among", "enrol": "enroll", "fulfil": "fulfill",
    "judgement": "judgment", "sceptical": "skeptical", "manoeuvre": "maneuver", "kerb": "curb",
}
# Proper names that keep their own spelling.
PROPER_NAMES = re.compile(r"Ministry of Defence|Defence (?:Ministry|Forces|Secretary|Committee)|defenceWeb|"
                          r"Centre for [A-Z]\w+|Labour Party|Cooperation Organisation", re.IGNORECASE)
NUMBER_WORDS = ("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
                "eighteen", "nineteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty",
                "ninety")
ORDINAL_WORDS = ("tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
                 "seventeenth", "eighteenth", "nineteenth", "twentieth", "thirtieth", "fortieth",
                 "fiftieth", "sixtieth", "seventieth", "eightieth", "ninetieth")

RULES: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("date", re.compile(rf"\b\d{{1,2}}(?:[–-]\d{{1,2}})? {_MONTH}\b"), "write month day, year (October 26, 2023)"),
    ("date", re.compile(r"\b\d{1,2} (?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.? \d{4}\b"),
     "write month day, year, the month in full (January 1, 2024)"),
    ("date", re.compile(r"\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.(?= ?\d)"),
     "spell the month out (January 17, 2025)"),
    ("date", re.compile(rf"\b{_MONTH} \d{{1,2}}(?:st|nd|rd|th)\b"), "no ordinal days (October 26)"),
    ("date", re.compile(rf"\b{_MONTH} \d{{1,2}} \d{{4}}\b"), "a comma between day and year (October 26, 2023)"),
    ("percent", re.compile(r"%|\bper cent\b", re.IGNORECASE), "write 'percent' (90 percent)"),
    ("spelling", re.compile(r"\b(?:" + "|".join(BRITISH) + r")\b", re.IGNORECASE), "American spelling"),
    ("number", re.compile(r"\b(?:" + "|".join(NUMBER_WORDS + ORDINAL_WORDS) + r")(?:-\w+)?\b", re.IGNORECASE),
     "numerals from 10 (and 10th) up"),
    ("undated", re.compile(r"\b(?:currently|to date|at present)\b", re.IGNORECASE),
     "date the statement instead ('As of March 2026, …')"),
)
# Quotations keep their source's form: “…” and "…" spans are not checked.
QUOTED = re.compile(r"“[^”]*”|\"[^\"\n]*\"|‘[^’]*’|(?<!\w)'[^'\n]*'(?!\w)")
ROLE_TARGET = re.compile(r"\{(?:cite(?::\w+)?|para|cutoff|verdict|download|doc|ref|numref)\}`[^`]*`")
TERM_ROLE = re.compile(r"\{term\}`([^`<]*?)(?:\s*<[^>]*>)?`")
LINK_TARGET = re.compile(r"\]\([^)]*\)")
INLINE_CODE = re.compile(r"`[^`]*`")


@dataclass(frozen=True)
class StyleProblem:
    where: str
    rule: str
    found: str
    advice: str

    def __str__(self) -> str:
        return f"{self.where}: {self.found!r} ({self.rule}: {self.advice})"


def own_words(text: str) -> str:
    """The edition's own words in a piece of MyST: quotations, role targets, links and code removed."""
    text = TERM_ROLE.sub(r"\1", text)
    text = ROLE_TARGET.sub(" ", text)
    text = LINK_TARGET.sub("]", text)
    text = INLINE_CODE.sub(" ", text)
    text = PROPER_NAMES.sub(" ", text)
    return QUOTED.sub(" ", text)


def check(text: str, where: str) -> Iterator[StyleProblem]:
    """Every breach of the mechanical rules in one piece of text."""
    words = own_words(text)
    for rule, pattern, advice in RULES:
        for match in pattern.finditer(words):
            yield StyleProblem(where, rule, match.group(0), advice)


def prose_lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, text) of a MyST page's prose: no front matter, code cells or directive arguments."""
    lines = path.read_text(encoding="utf-8").splitlines()
    in_front = bool(lines) and lines[0].strip() == "---"
    fence: str | None = None
    fence_is_code = False
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if in_front:
            if number > 1 and stripped == "---":
                in_front = False
            continue
        if fence is not None:
            if stripped == fence:
                fence = None
            elif not fence_is_code and not stripped.startswith(":"):
                yield number, line
            continue
        opening = re.match(r"^(`{3,}|~{3,})\s*(\{[\w-]+\})?(.*)$", stripped)
        if opening:
            fence = opening.group(1)
            # a code cell or plain code block is not prose; a directive's body (a caption) is
            fence_is_code = opening.group(2) in (None, "{code-cell}", "{code-block}", "{code}")
            continue
        yield number, line


def chapter_problems(paths: list[Path], root: Path) -> list[StyleProblem]:
    """Style breaches in the book's prose files."""
    found: list[StyleProblem] = []
    for path in paths:
        rel = path.relative_to(root) if path.is_relative_to(root) else path
        for number, line in prose_lines(path):
            found.extend(check(line, f"{rel}, line {number}"))
    return found


def data_problems(data_dir: Path) -> list[StyleProblem]:
    """Style breaches in the text columns of data/ and in the package's descriptions."""
    found: list[StyleProblem] = []
    descriptor = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        columns = TEXT_COLUMNS.get(resource["name"], ())
        frame = pd.read_csv(data_dir / resource["path"], dtype=str, keep_default_na=False)
        for index, record in frame.iterrows():
            for column in columns:
                if column in frame.columns and record[column]:
                    where = f"data/{resource['path']}, row {index + 2}, field '{column}'"
                    found.extend(check(record[column], where))

    def walk(node: object, trail: str) -> Iterator[StyleProblem]:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("description", "title") and isinstance(value, str):
                    yield from check(value, f"data/datapackage.json, {trail}{key}")
                else:
                    yield from walk(value, f"{trail}{key}.")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                yield from walk(value, f"{trail}{i}.")

    found.extend(walk(descriptor, ""))
    return found
