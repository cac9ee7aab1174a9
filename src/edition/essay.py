"""The essay: its seed file, provenance, and its parts (header, body paragraphs, author notes)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from edition import reads
from edition.paths import SEEDS_DIR

PROVENANCE_FILE = "provenance.yml"


class SeedError(ValueError):
    """The seed file is missing, altered, or not shaped as the parser expects."""


@dataclass(frozen=True)
class Provenance:
    """Bibliographic facts about the essay, from ``seeds/provenance.yml``."""

    file: str
    sha256: str
    title: str
    authors: tuple[str, ...]
    publisher: str
    credit_note: str
    published: str
    published_as_shown: str
    canonical_url: str
    section_labels: tuple[str, ...]
    rights: str


@dataclass(frozen=True)
class Paragraph:
    """One body paragraph: its number (1-based), text and line in the seed."""

    number: int
    text: str
    line: int

    @property
    def anchor(self) -> str:
        """The stable HTML id of this paragraph across the book."""
        return f"essay-p{self.number}"

    def opening(self, words: int = 12) -> str:
        """The paragraph's first ``words`` words, with an ellipsis if cut."""
        parts = self.text.split()
        head = " ".join(parts[:words])
        return head + (" …" if len(parts) > words else "")


@dataclass(frozen=True)
class Header:
    """The essay's header block as the seed gives it."""

    section_labels: tuple[str, ...]
    title: str
    byline: str
    date_line: str
    standfirst: str
    photo_caption: str
    credit: str


@dataclass(frozen=True)
class Essay:
    """The parsed essay."""

    provenance: Provenance
    header: Header
    paragraphs: tuple[Paragraph, ...]
    author_notes: tuple[str, ...]
    footer: str

    def paragraph(self, number: int) -> Paragraph:
        """Body paragraph ``number`` (1-based); a clear error if out of range."""
        if not 1 <= number <= len(self.paragraphs):
            raise SeedError(
                f"essay has paragraphs 1–{len(self.paragraphs)}; no paragraph {number}"
            )
        return self.paragraphs[number - 1]


def load_provenance(seeds_dir: Path = SEEDS_DIR) -> Provenance:
    """Read ``provenance.yml`` from ``seeds_dir``."""
    path = seeds_dir / PROVENANCE_FILE
    if not path.is_file():
        raise SeedError(f"{path}: provenance file missing")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as err:
        raise SeedError(f"{path}: not UTF-8 (byte {err.start}): save the file as UTF-8") from err
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise SeedError(f"{path}{where}: not valid YAML: {getattr(err, 'problem', None) or err}") from err
    if not isinstance(raw, dict):
        raise SeedError(f"{path}: must be a YAML mapping of fields, not {type(raw).__name__} ({raw!r:.40})")
    fields = Provenance.__dataclass_fields__
    missing = [name for name in fields if name not in raw]
    if missing:
        raise SeedError(f"{path}: missing field(s): {', '.join(missing)}")
    values = {name: raw[name] for name in fields}
    for name in ("authors", "section_labels"):
        if not isinstance(values[name], list) or not all(isinstance(v, str) and v.strip() for v in values[name]):
            raise SeedError(f"{path}: field '{name}', value {values[name]!r:.60}: must be a list of names")
        values[name] = tuple(values[name])
    for name in fields:
        if name not in ("authors", "section_labels") and (not isinstance(values[name], str) or not values[name].strip()):
            raise SeedError(f"{path}: field '{name}', value {values[name]!r:.60}: must be non-empty text")
    return Provenance(**values)


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def verify_seed(seeds_dir: Path = SEEDS_DIR) -> Path:
    """Return the seed's path after checking its hash against the provenance file."""
    prov = load_provenance(seeds_dir)
    path = seeds_dir / prov.file
    if not path.is_file():
        raise SeedError(f"{path}: seed file named in {PROVENANCE_FILE} is missing")
    actual = sha256_of(path)
    if actual != prov.sha256:
        raise SeedError(
            f"{path}: seed hash mismatch: sha256 is {actual}, but {PROVENANCE_FILE} "
            f"requires {prov.sha256}. The essay must be the byte-exact copy; "
            "refusing to build from an altered seed."
        )
    return path


_BLANK = re.compile(r"^\s*$")


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """Split text into blocks of non-blank lines, each with its first line number."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if _BLANK.match(line):
            if current:
                blocks.append((start, current))
                current = []
        else:
            if not current:
                start = number
            current.append(line.rstrip())
    if current:
        blocks.append((start, current))
    return blocks


def parse(text: str, provenance: Provenance, source: str = "seed") -> Essay:
    """Split the seed's text into header, body paragraphs, author notes and footer."""
    blocks = _blocks(text)
    if len(blocks) < 9:
        raise SeedError(f"{source}: expected a header, body and notes; found {len(blocks)} blocks")

    def expect(index: int, lines: int, what: str) -> list[str]:
        line_no, block = blocks[index]
        if len(block) != lines:
            raise SeedError(
                f"{source}, line {line_no}: the {what} should be {lines} line(s), "
                f"found {len(block)}: {block[0][:60]!r}"
            )
        return block

    (labels,) = expect(0, 1, "section labels")
    if labels != " ".join(provenance.section_labels):
        raise SeedError(
            f"{source}, line {blocks[0][0]}: section labels {labels!r} do not match "
            f"provenance {provenance.section_labels!r}"
        )
    (title,) = expect(1, 1, "title")
    if title != provenance.title:
        raise SeedError(f"{source}, line {blocks[1][0]}: title {title!r} != provenance title")
    byline, date_line = expect(2, 2, "byline and date line")
    (standfirst,) = expect(3, 1, "standfirst")
    (caption,) = expect(4, 1, "photo caption")
    credit = " ".join(expect(5, 2, "publisher credit"))

    # Author notes: the last block before the footer whose every line starts with an author's name.
    *rest, (footer_line, footer_block) = blocks[6:]
    notes_line, notes = rest[-1]
    for line in notes:
        if not any(line.startswith(author) for author in provenance.authors):
            raise SeedError(
                f"{source}, line {notes_line}: expected author notes starting with "
                f"{' or '.join(provenance.authors)}, found {line[:60]!r}"
            )
    body = rest[:-1]
    paragraphs = []
    for number, (line_no, block) in enumerate(body, start=1):
        if len(block) != 1:
            raise SeedError(
                f"{source}, line {line_no}: body paragraph {number} spans {len(block)} lines"
            )
        paragraphs.append(Paragraph(number=number, text=block[0], line=line_no))

    header = Header(
        section_labels=provenance.section_labels,
        title=title,
        byline=byline,
        date_line=date_line,
        standfirst=standfirst,
        photo_caption=caption,
        credit=credit,
    )
    return Essay(
        provenance=provenance,
        header=header,
        paragraphs=tuple(paragraphs),
        author_notes=tuple(notes),
        footer=" ".join(footer_block),
    )


def load(seeds_dir: Path = SEEDS_DIR) -> Essay:
    """Verify and parse the essay in ``seeds_dir``."""
    if seeds_dir.is_dir():
        reads.note_read(*sorted(p for p in seeds_dir.iterdir() if p.is_file()))
    return _load(seeds_dir)


@lru_cache(maxsize=4)
def _load(seeds_dir: Path) -> Essay:
    path = verify_seed(seeds_dir)
    prov = load_provenance(seeds_dir)
    return parse(path.read_text(encoding="utf-8"), prov, source=str(path))


load.cache_clear = _load.cache_clear  # type: ignore[attr-defined]


def parse_range(spec: str, count: int) -> list[int]:
    """Turn ``"3-5"`` or ``"1, 4, 6-7"`` into paragraph numbers, each within 1..count."""
    numbers: list[int] = []
    for part in spec.replace(" ", "").split(","):
        match = re.fullmatch(r"(\d+)(?:[-–](\d+))?", part)
        if not match:
            raise SeedError(f"paragraph range {spec!r}: cannot read {part!r}")
        lo = int(match.group(1))
        hi = int(match.group(2) or lo)
        if lo > hi or lo < 1 or hi > count:
            raise SeedError(f"paragraph range {spec!r}: {part!r} is outside 1–{count}")
        numbers.extend(range(lo, hi + 1))
    return numbers


ESSAY_DIRECTIVE_RE = re.compile(r"^```\{essay\}\s+(.+?)\s*$", re.MULTILINE)


def paragraph_pages(chapters_dir: Path) -> dict[int, str]:
    """Which chapter page renders each body paragraph, read from the chapters' essay directives."""
    pages: dict[int, str] = {}
    for path in sorted(chapters_dir.glob("*.md")):
        for match in ESSAY_DIRECTIVE_RE.finditer(path.read_text(encoding="utf-8")):
            for number in parse_range(match.group(1), 10_000):
                pages[number] = path.stem
    return pages
