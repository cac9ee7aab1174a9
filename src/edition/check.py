"""Pre-build checks run by `make book`: the seed's hash and parse, and the data package."""

from __future__ import annotations

import sys

from edition import essay, validated


class CheckFailed(Exception):
    """The seed or the data is not what the book may be built from; the message says where."""


def verify() -> tuple[essay.Essay, str]:
    """Verify the seed and validate data/, the validation skipped (and pandas and frictionless not
    even loaded) when these very inputs passed before. Returns the parsed essay and how the data
    stands; raises CheckFailed with the seed's or the validator's message."""
    try:
        parsed = essay.load()
    except essay.SeedError as err:
        raise CheckFailed(str(err)) from err
    if validated.known_valid():
        return parsed, "valid (unchanged since it was validated)"
    from edition import data

    try:
        data.validate()
    except data.DataError as err:
        raise CheckFailed(str(err)) from err
    return parsed, "valid"


def main() -> int:
    """Verify the seed and validate data/; print what is wrong and return non-zero if anything is."""
    try:
        parsed, state = verify()
    except CheckFailed as err:
        print(f"edition check failed:\n{err}", file=sys.stderr)
        return 1
    print(f"edition check: seed verified ({len(parsed.paragraphs)} body paragraphs); data package {state}")
    return 0

if __name__ == "__main__":
    sys.exit(main())
