"""The record of passing validations of data/, by the hash of everything a validation reads.

Kept apart from edition.data, and free of its heavy imports (pandas, frictionless), so that
`make book` finds at once that an unchanged book was validated already (edition.check). The one
record of validations: edition.data.validate reads and writes it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from edition.paths import DATA_DIR, ROOT, SEEDS_DIR

VALIDATED_DIR = ROOT / "_build" / ".validated"
# the code a validation runs, whose change makes an earlier pass count for nothing
VALIDATOR_FILES = ("data.py", "datatext.py", "essay.py", "rules_sources.py", "rules_later.py", "verdicts.py", "vocab.py")


def text_sources(root: Path = ROOT) -> list[Path]:
    """The book's prose files that may cite sources."""
    files = sorted((root / "chapters").glob("*.md")) + [root / "index.md"]
    return [path for path in files if path.is_file()]


def inputs_digest(data_dir: Path, text_files: list[Path], today: dt.date) -> str:
    """Hash of everything a validation depends on: data, prose citing it, seed, validator code, date."""
    digest = hashlib.sha256(today.isoformat().encode())
    files = sorted(data_dir.glob("*")) + list(text_files) + sorted(SEEDS_DIR.glob("*"))
    files += [Path(__file__).with_name(n) for n in VALIDATOR_FILES]
    for path in files:
        if path.is_file():
            digest.update(str(path).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def passed(digest: str) -> bool:
    """Whether a validation of exactly these inputs passed before."""
    return (VALIDATED_DIR / digest).exists()


def known_valid(today: dt.date | None = None) -> bool:
    """Whether the book's data, as it is now, passed a validation before (edition.data.validate's
    default inputs): if so, neither the validator nor pandas need be loaded to know it."""
    return passed(inputs_digest(DATA_DIR, text_sources(ROOT), today or dt.date.today()))


def remember(digest: str) -> None:
    try:
        VALIDATED_DIR.mkdir(parents=True, exist_ok=True)
        (VALIDATED_DIR / digest).touch()
    except OSError:
        pass  # a read-only checkout still validates; it only cannot remember
