"""Pre-build checks run by `make book`: the seed's hash and parse, and the data package."""

from __future__ import annotations

import sys

from edition import data, essay


def main() -> int:
    """Verify the seed and validate data/; print what is wrong and return non-zero if anything is."""
    try:
        parsed = essay.load()
        data.validate()
    except (essay.SeedError, data.DataError) as err:
        print(f"edition check failed:\n{err}", file=sys.stderr)
        return 1
    print(f"edition check: seed verified ({len(parsed.paragraphs)} body paragraphs); data package valid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
