"""The site's downloads folder and the claim reviews embedded in the pages.

``downloads/`` in the built site holds everything a reader or a program may take away, at
stable addresses (never Sphinx's hashed ``_downloads/``):

- ``persian-russian-connection-data/``: the Data Package as a folder (descriptor, tables,
  bibliography side by side, so its relative paths resolve where it lands);
- ``persian-russian-connection-data.zip``: the same folder as one archive;
- ``annotations.jsonld`` (W3C Web Annotation) and ``claims.jsonld`` (schema.org ClaimReview).

The ``{site-file}`` role links to them from a page. Each chapter page that shows a claim also
embeds that claim's ClaimReview as JSON-LD (a data block, not a script a browser runs).

Making the exports loads and types every table and reads the git history of each (about 1 s).
A build that carries the published site over (edition.sphinxext.atomic_output) keeps its
downloads as they are when nothing they are made from has changed since they were written:
the data and seed files (content and modification time, which dates an uncommitted row), the
chapters (which page shows which paragraph), the package code, the git commit checked out, the
site address and the essay mode (:func:`downloads_digest`, kept beside the environment).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import subprocess
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective, SphinxRole

from edition import essay, validated
from edition.lazy import lazy_module
from edition.paths import ANNOTATIONS_FILE, CLAIMS_FILE, DATA_DIR, DOWNLOADS, ROOT
from edition.sphinxext import doctable, inputs

# loaded when a download or a page is made (edition.lazy): an unchanged build makes none
data = lazy_module("edition.data")
exports = lazy_module("edition.exports")
verdicts = lazy_module("edition.verdicts")

logger = logging.getLogger(__name__)

PACKAGE_FOLDER = "persian-russian-connection-data"
ZIP_NAME = f"{PACKAGE_FOLDER}.zip"
# a fixed timestamp keeps the archive byte-identical across builds of the same data
ZIP_TIME = (2023, 10, 26, 0, 0, 0)


def package_files(data_dir: Path = DATA_DIR) -> list[str]:
    """The Data Package's files: descriptor, bibliography, then every resource's table."""
    descriptor = data.read_descriptor(data_dir)
    return [data.PACKAGE_FILE, data.BIB_FILE] + [r["path"] for r in descriptor["resources"]]


def site_files(data_dir: Path = DATA_DIR) -> set[str]:
    """Every path under downloads/ that the build writes (a folder ends in '/')."""
    return {exports.ANNOTATIONS_FILE, exports.CLAIMS_FILE, ZIP_NAME, f"{PACKAGE_FOLDER}/",
            *(f"{PACKAGE_FOLDER}/{name}" for name in package_files(data_dir))}


def package_zip(data_dir: Path = DATA_DIR) -> bytes:
    """The Data Package as one zip holding one folder."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in package_files(data_dir):
            info = zipfile.ZipInfo(f"{PACKAGE_FOLDER}/{name}", date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, (data_dir / name).read_bytes())
    return buffer.getvalue()


def _write_bytes(path: Path, content: bytes) -> None:
    if not path.exists() or path.read_bytes() != content:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def site_url(app: Sphinx) -> str:
    base = app.config.html_baseurl or exports.site_url()
    return base if base.endswith("/") else base + "/"


@lru_cache(maxsize=4)
def _reviews(site: str, mode: str) -> tuple[dict[str, Any], ...]:
    tables = data.load_tables()
    return tuple(exports.claim_reviews(verdicts.claim_verdicts(tables), essay.load(), site=site,
                                       annotations=tables["annotations"], mode=mode))


RECORD = "edition-downloads.json"  # in the doctree folder: what the published downloads were made from


def downloads_digest(app: Sphinx) -> str:
    """A hash of everything the downloads are made from (see the module's docstring)."""
    digest = hashlib.sha256(f"{site_url(app)}\n{app.config.edition_essay_mode}\n{inputs.code_digest()}\n".encode())
    for path in inputs.data_files() + validated.text_sources(ROOT):
        digest.update(f"{path}\n{path.stat().st_mtime_ns}\n".encode())
        digest.update(path.read_bytes())
    try:  # the history that dates each row (exports.row_dates)
        head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD", "--is-shallow-repository"],
                              capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        head = "no git history"
    digest.update(head.encode())
    return digest.hexdigest()


def _recorded(app: Sphinx) -> str | None:
    try:
        return json.loads((Path(app.doctreedir) / RECORD).read_text(encoding="utf-8")).get("inputs")
    except (OSError, ValueError, AttributeError):
        return None


def write_downloads(app: Sphinx, exception: Exception | None) -> None:
    """Fill the site's downloads/ folder once the pages are written."""
    if exception is not None or app.builder.name not in ("html", "dirhtml"):
        return
    target = Path(app.outdir) / DOWNLOADS
    digest = downloads_digest(app)
    if getattr(app, "edition_carried_over", False) and _recorded(app) == digest \
            and all((target / name).exists() for name in (ANNOTATIONS_FILE, CLAIMS_FILE, ZIP_NAME, PACKAGE_FOLDER)):
        logger.info("edition: downloads kept; nothing they are made from has changed")
        return  # the carried-over site's downloads were made from these very inputs
    (Path(app.doctreedir) / RECORD).unlink(missing_ok=True)
    if _write_all(app, target):
        (Path(app.doctreedir) / RECORD).write_text(json.dumps({"inputs": digest}), encoding="utf-8")


def _write_all(app: Sphinx, target: Path) -> bool:
    folder = target / PACKAGE_FOLDER
    files = package_files()
    if folder.is_dir():
        for stale in folder.iterdir():
            if stale.name not in files:
                shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
    for name in files:
        _write_bytes(folder / name, (DATA_DIR / name).read_bytes())
    _write_bytes(target / ZIP_NAME, package_zip())
    tables = data.load_tables()
    site = site_url(app)
    try:
        collection = exports.web_annotations(tables["annotations"], essay.load(), site=site)
    except exports.ExportError as err:
        logger.warning(str(err), type="edition", subtype="exports")
        return False
    exports.write(target / exports.ANNOTATIONS_FILE, collection)
    exports.write(target / exports.CLAIMS_FILE, list(_reviews(site, app.config.edition_essay_mode)))
    return True


def embed_claim_reviews(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Each page that shows essay paragraphs carries, in its head, the ClaimReviews of their claims."""
    shown = set(getattr(app.env, "edition_paragraphs", {}).get(pagename, []))
    if not shown:
        return
    try:
        here = exports.page_url(site_url(app), pagename) + "#"
        reviews = [r for r in _reviews(site_url(app), app.config.edition_essay_mode) if r["url"].startswith(here)]
    except exports.ExportError as err:
        logger.warning(str(err), location=pagename, type="edition", subtype="exports")
        return
    if not reviews:
        return
    graph = exports.page_graph(reviews, site_url(app))
    block = f'<script type="application/ld+json" id="edition-claim-reviews">{exports.json_for_script(graph)}</script>\n'
    context["metatags"] = context.get("metatags", "") + block


class SiteFileRole(SphinxRole):
    """``{site-file}`annotations.jsonld``` or ``{site-file}`the zip <persian-russian-connection-data.zip>```:
    a link to a file in the site's downloads/ folder, relative to the page, checked to exist."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        match = re.fullmatch(r"\s*(?:(.*?)\s*<([^<>]+)>|([^<>]+))\s*", self.text, re.DOTALL)
        title, path = (match.group(1), match.group(2)) if match and match.group(2) else (None, (match.group(3) if match else ""))
        path = path.strip()
        known = site_files()
        if path not in known:
            msg = self.inliner.reporter.error(
                f"site-file role: {path!r} is not written to {exports.DOWNLOADS}/; have {', '.join(sorted(known))}",
                line=self.lineno)
            return [], [msg]
        depth = self.env.docname.count("/")
        uri = "../" * depth + f"{exports.DOWNLOADS}/{path}"
        ref = nodes.reference("", "", refuri=uri, classes=["edition-site-file"])
        ref += nodes.literal(text=title or path) if not title else nodes.Text(title)
        return [ref], []


class RatingScaleDirective(SphinxDirective):
    """``{rating-scale}``: the ClaimReview rating of each verdict, with what it means."""

    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(str(DATA_DIR / "datapackage.json"))  # the verdicts' words and meanings
        rows = [doctable.row([str(value), verdicts.words(verdict), verdicts.meaning(verdict)])
                for verdict, value in rating_scale()]
        return [doctable.table("edition-rating-scale", ["Rating", "Verdict", "Meaning"], (10, 22, 68), rows)]


def rating_scale() -> list[tuple[str, int]]:
    """(verdict, rating) from best to worst; ties in the schema's order, the ledger's verdicts first."""
    return sorted(verdicts.ratings().items(), key=lambda item: -item[1])


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_role("site-file", SiteFileRole())
    app.add_directive("rating-scale", RatingScaleDirective)
    app.connect("html-page-context", embed_claim_reviews)
    app.connect("build-finished", write_downloads)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
