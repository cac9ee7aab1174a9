"""Where the book's parts live on disk, found from the repository root."""

from __future__ import annotations

import os
from pathlib import Path


def _find_root() -> Path:
    # The package is installed editable from the repository, so the root is found by walking
    # up to the folder holding _config.yml; EDITION_ROOT overrides it (tests, relocated clones).
    override = os.environ.get("EDITION_ROOT")
    if override:
        return Path(override).resolve()
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "_config.yml").is_file() and (parent / "seeds").is_dir():
            return parent
    raise RuntimeError(f"cannot find the book's root (a folder with _config.yml) above {here}")


ROOT = _find_root()
SEEDS_DIR = ROOT / "seeds"
DATA_DIR = ROOT / "data"
STATIC_DIR = Path(__file__).resolve().parent / "static"


def toc_pages(root: Path = ROOT) -> list[str]:
    """Page names in the order _toc.yml presents them."""
    import yaml

    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    pages = [toc["root"]]
    for part in toc.get("parts", []):
        for chapter in part["chapters"]:
            pages.append(chapter["file"])
            pages.extend(section["file"] for section in chapter.get("sections", []))
    return pages
