"""Pre-build checks run by `make book`: the seed's hash and parse, and the data package."""

from __future__ import annotations

import sys

import hashlib
import shutil
from pathlib import Path

from edition import data, essay
from edition.paths import ROOT

CACHE_DIR = ROOT / "_build" / ".jupyter_cache"
DOCTREES_DIR = ROOT / "_build" / ".doctrees"
STAMP = ROOT / "_build" / "execution-inputs.sha256"


def inputs_digest(root: Path = ROOT) -> str:
    """Hash of what executed cells depend on besides their own code: the package and the data."""
    digest = hashlib.sha256()
    files = sorted((root / "src" / "edition").rglob("*.py")) + sorted((root / "data").glob("*"))
    files += [root / "constraints.txt"]
    for path in files:
        if path.is_file():
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def refresh_execution_cache() -> bool:
    """Drop the execution cache and doctrees when the package or data changed; True if dropped.

    myst-nb keys its cache on each notebook's own code, so a chapter whose cells call a changed
    figure builder, or read changed data, would otherwise keep showing stale output.
    """
    digest = inputs_digest()
    if STAMP.is_file() and STAMP.read_text().strip() == digest:
        return False
    dropped = CACHE_DIR.exists()
    shutil.rmtree(CACHE_DIR, ignore_errors=True)
    # Sphinx's pickled doctrees hold the old outputs too; without them every page is read again
    shutil.rmtree(DOCTREES_DIR, ignore_errors=True)
    STAMP.parent.mkdir(parents=True, exist_ok=True)
    STAMP.write_text(digest + "\n")
    return dropped


def main() -> int:
    """Verify the seed and validate data/; print what is wrong and return non-zero if anything is."""
    try:
        parsed = essay.load()
        data.validate()
    except (essay.SeedError, data.DataError) as err:
        print(f"edition check failed:\n{err}", file=sys.stderr)
        return 1
    print(f"edition check: seed verified ({len(parsed.paragraphs)} body paragraphs); data package valid")
    if refresh_execution_cache():
        print("edition check: package or data changed since the last build; execution cache cleared")
    return 0


if __name__ == "__main__":
    sys.exit(main())
