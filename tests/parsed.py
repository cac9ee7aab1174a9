"""Built pages parsed once per test process (html.parser), shared by the tests that only read them.

About twenty tests each walk the built site with BeautifulSoup; parsing every page again for each
took about a tenth of the run's CPU. A page is parsed again when its file changes (its size or
modification time), so a test that rebuilds the site reads the new pages. The trees are shared:
a test must not change one (decompose, extract, edit attributes); it copies what it would change
(copy.copy of a tag copies its subtree).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from bs4 import BeautifulSoup


def page(path: Path) -> BeautifulSoup:
    """The parsed page at path, as it is now on disk."""
    stat = path.stat()
    return _parse(str(path.resolve()), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _parse(path: str, mtime_ns: int, size: int) -> BeautifulSoup:
    return BeautifulSoup(Path(path).read_text(encoding="utf-8"), "html.parser")


_IDS: dict[int, tuple[BeautifulSoup, dict]] = {}


def by_id(soup: BeautifulSoup) -> dict:
    """Each id of a parsed page with its (first) element, built once per tree: what soup.find(id=…)
    answers, without a walk of the whole page per lookup (the tests look up thousands)."""
    kept = _IDS.get(id(soup))
    if kept is None or kept[0] is not soup:
        ids: dict = {}
        for tag in soup.find_all(id=True):
            ids.setdefault(tag["id"], tag)
        kept = _IDS[id(soup)] = (soup, ids)
    return kept[1]
