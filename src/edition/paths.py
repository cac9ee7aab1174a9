"""Where the book's parts live on disk, found from the repository root."""

from __future__ import annotations

import os
from pathlib import Path


ROOT_ENV = "EDITION_ROOT"


def is_root(folder: Path) -> bool:
    """A checkout of the edition: its book configuration, seed and data side by side."""
    return (folder / "_config.yml").is_file() and (folder / "seeds").is_dir() and (folder / "data").is_dir()


def _find_root() -> Path:
    """The repository the package reads its seed and data from.

    The package holds only code; the essay (seeds/) and the data (data/) stay in the repository.
    Found, in order: the EDITION_ROOT setting; the folders above the package (an editable install
    in a clone); the folders from the working directory up (a kernel started at the repository's
    root or in chapters/, as JupyterLab and Binder start it, with the package installed normally).
    """
    override = os.environ.get(ROOT_ENV)
    if override:
        root = Path(override).expanduser().resolve()
        if not is_root(root):
            raise RuntimeError(
                f"{ROOT_ENV}={override!r} is not a checkout of the edition: {root} needs _config.yml, "
                "seeds/ and data/. Set it to the folder you cloned the repository into."
            )
        return root
    here = Path(__file__).resolve()
    cwd = Path.cwd().resolve()
    for start in (here.parent, cwd):
        for folder in (start, *start.parents):
            if is_root(folder):
                return folder
    raise RuntimeError(
        f"cannot find the edition's repository (a folder with _config.yml, seeds/ and data/) above the "
        f"package ({here.parent}) or the working directory ({cwd}). Run from inside a clone, or set "
        f"{ROOT_ENV}=/path/to/the/clone."
    )


ROOT = _find_root()
SEEDS_DIR = ROOT / "seeds"
DATA_DIR = ROOT / "data"
STATIC_DIR = Path(__file__).resolve().parent / "static"
# The built site's downloads folder and the exports in it (edition.exports writes them; named here
# so that the build can look for them without loading the exports and the data layer)
DOWNLOADS = "downloads"  # the site folder that holds every export and the data package
ANNOTATIONS_FILE = "annotations.jsonld"
CLAIMS_FILE = "claims.jsonld"


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
