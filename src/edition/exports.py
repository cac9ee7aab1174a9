"""Exports: annotations as W3C Web Annotation JSON-LD, claims as schema.org ClaimReview JSON-LD.

Both are written for other people's tools, so they carry nothing only this book can read: note
text goes out as plain text and as HTML with every ``{cite:p}`key``` resolved to its outlet,
title, date and link; every identifier is an absolute address under the published site; and
each annotation targets the essay's canonical URL, where any Web Annotation client can anchor it.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pandas as pd
import yaml

from edition import data, datatext, sources, verdicts, vocab
from edition import essay as essay_mod
from edition.paths import ANNOTATIONS_FILE, CLAIMS_FILE, DATA_DIR, DOWNLOADS, ROOT  # noqa: F401 (names of the exports)

EDITORS = "Editors of the annotated edition of The Persian-Russian Connection"
CONTENT_LICENSE = "https://creativecommons.org/licenses/by/4.0/"


class ExportError(ValueError):
    """A note cannot be exported as it stands; the message names the row and the problem."""


def site_url(root: Path = ROOT) -> str:
    """The published address of the book (``html.baseurl`` in _config.yml), ending in '/'."""
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    base = str(config["html"]["baseurl"])
    return base if base.endswith("/") else base + "/"


# --- citations -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Reference:
    """What a reader needs to find a source: outlet, title, date as precise as known, link."""

    key: str
    outlet: str
    title: str
    date: str
    url: str

    def text(self) -> str:
        parts = [self.outlet, f"\u201c{self.title}\u201d", self.date, self.url]
        return ", ".join(p for p in parts if p)

    def html(self) -> str:
        title = f"\u201c<a href=\"{html.escape(self.url, quote=True)}\">{html.escape(self.title)}</a>\u201d"
        parts = [html.escape(self.outlet), title, html.escape(self.date)]
        return f'<cite data-key="{html.escape(self.key, quote=True)}">' + ", ".join(p for p in parts if p) + "</cite>"


LATEX_ESCAPES = {r"\&": "&", r"\%": "%", r"\_": "_", r"\$": "$", r"\#": "#"}


def _plain(latex: str) -> str:
    """A BibTeX field as plain text: case-protecting braces dropped, the simple escapes resolved.
    Anything else LaTeX (a command) is refused rather than passed on to readers."""
    text = latex
    for escape, char in LATEX_ESCAPES.items():
        text = text.replace(escape, char)
    if "\\" in text:
        raise ExportError(f"bibliography field {latex!r} holds a LaTeX command the exports cannot render")
    return text.replace("{", "").replace("}", "").strip()


def references(data_dir: Path = DATA_DIR) -> dict[str, Reference]:
    """Every bibliography entry as a Reference, by key."""
    found = {}
    for key, entry in data.load_bibliography(data_dir).entries.items():
        fields = dict(entry.fields)
        found[key] = Reference(key=key, outlet=_plain(fields.get("howpublished", "")),
                               title=_plain(fields.get("title", "")), date=sources.entry_date(fields) or "undated",
                               url=fields.get("url", "").strip())
    return found


def resolve_note(note: str, refs: dict[str, Reference], where: str,
                 para_url: Callable[[int], str] | None = None) -> tuple[str, str]:
    """A note's data text (src/edition/datatext.py) as (plain text, HTML), for any client.

    ``{cite:p}`` becomes the sources in parentheses and ``{cite:t}`` the sources in the sentence,
    each as outlet, title, date (and in HTML a link); ``{para}`6``` becomes "¶6" (in HTML a link to
    where the edition shows the paragraph); ``{term}`` its words; ``*words*`` emphasis. Anything
    else in role form is an error rather than raw MyST in someone else's client.
    """
    plain: list[str] = []
    markup: list[str] = []
    for token in datatext.tokens(note):
        if token.kind == "text":
            leftover = datatext.ROLE_RE.search(token.content)
            if leftover:
                raise ExportError(f"{where}: note uses {leftover.group(0)!r}, which the exports cannot resolve; "
                                  f"data text allows {', '.join('{' + r + '}' for r in datatext.ROLES)}")
            plain.append(token.content)
            markup.append(html.escape(token.content, quote=False))
        elif token.kind in ("cite:p", "cite:t"):
            keys = [k.strip() for k in token.content.split(",") if k.strip()]
            missing = [k for k in keys if k not in refs]
            if missing:
                raise ExportError(f"{where}: cites {', '.join(missing)}, not in {data.BIB_FILE}")
            texts = "; ".join(refs[k].text() for k in keys)
            htmls = "; ".join(refs[k].html() for k in keys)
            plain.append(f"({texts})" if token.kind == "cite:p" else texts)
            markup.append(f"({htmls})" if token.kind == "cite:p" else htmls)
        elif token.kind == "para":
            label = f"\u00b6{int(token.content)}"
            plain.append(label)
            url = para_url(int(token.content)) if para_url else None
            markup.append(f'<a href="{html.escape(url, quote=True)}">{label}</a>' if url else label)
        elif token.kind == "term":
            plain.append(token.content)
            markup.append(html.escape(token.content, quote=False))
        elif token.kind == "emphasis":
            plain.append(token.content)
            markup.append(f"<em>{html.escape(token.content, quote=False)}</em>")
        else:
            raise ExportError(f"{where}: note uses {{{token.kind}}}, which the exports cannot resolve")
    return "".join(plain).strip(), "<p>" + "".join(markup).strip() + "</p>"


# --- when each note was written and last changed -----------------------------------------------------

def _iso(timestamp: float) -> str:
    return dt.datetime.fromtimestamp(int(timestamp), dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _git(root: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return result.stdout


def row_dates(path: Path, root: Path = ROOT) -> dict[str, tuple[str, str]]:
    """(created, modified) of each row of a CSV table, keyed by its first column, from git history.

    created is the author time of the commit that first added a line starting with the row's id;
    modified is the author time of the commit that last changed the row's line (``git blame``).
    A row not yet committed, a checkout without git, or a shallow clone (whose history is cut)
    fall back to the file's modification time: clone with full history for exact dates.
    """
    fallback = _iso(path.stat().st_mtime)
    lines = path.read_text(encoding="utf-8").split("\n")
    ids = [line.split(",", 1)[0] for line in lines[1:] if line]
    rel = str(path.resolve().relative_to(root.resolve()))
    shallow = _git(root, "rev-parse", "--is-shallow-repository")
    if shallow is None or shallow.strip() != "false":
        return {row_id: (fallback, fallback) for row_id in ids}
    created: dict[str, str] = {}
    log = _git(root, "log", "--reverse", "--no-color", "--format=%x00%at", "-p", "--unified=0", "--", rel) or ""
    when = None
    for line in log.split("\n"):
        if line.startswith("\x00"):
            when = _iso(float(line[1:]))
        elif line.startswith("+") and not line.startswith("+++") and when:
            created.setdefault(line[1:].split(",", 1)[0], when)
    modified: dict[str, str] = {}
    blame = _git(root, "blame", "--line-porcelain", "--", rel) or ""
    commit_time = None
    uncommitted = False
    for line in blame.split("\n"):
        if re.match(r"^[0-9a-f]{40} ", line):
            uncommitted = line.startswith("0" * 40)
        elif line.startswith("author-time "):
            commit_time = _iso(float(line.split()[1]))
        elif line.startswith("\t"):
            row_id = line[1:].split(",", 1)[0]
            modified[row_id] = fallback if uncommitted else commit_time
    dates = {}
    for row_id in ids:
        made = created.get(row_id, fallback)
        changed = modified.get(row_id, fallback)
        dates[row_id] = (made, max(made, changed))
    return dates


# --- W3C Web Annotation ------------------------------------------------------------------------------

def _selector(row: Any) -> dict[str, str]:
    selector = {"type": "TextQuoteSelector", "exact": row.exact}
    if isinstance(row.prefix, str) and row.prefix:
        selector["prefix"] = row.prefix
    if isinstance(row.suffix, str) and row.suffix:
        selector["suffix"] = row.suffix
    return selector


def annotations_url(site: str) -> str:
    return f"{site}{DOWNLOADS}/{ANNOTATIONS_FILE}"


def web_annotations(annotations: pd.DataFrame, essay: essay_mod.Essay, site: str | None = None,
                    dates: dict[str, tuple[str, str]] | None = None,
                    refs: dict[str, Reference] | None = None) -> dict[str, Any]:
    """An AnnotationCollection with one embedded AnnotationPage of every note, targeting the essay's
    canonical URL by text-quote selectors."""
    site = site or site_url()
    dates = dates if dates is not None else row_dates(DATA_DIR / "annotations.csv")
    refs = refs if refs is not None else references()
    collection_id = annotations_url(site)
    page_id = f"{collection_id}#page-1"
    creator = {"type": "Organization", "name": EDITORS, "homepage": site}
    pages = essay_mod.paragraph_pages(ROOT / "chapters")

    def para_url(number: int) -> str | None:
        return f"{page_url(site, 'chapters/' + pages[number])}#essay-p{number}" if number in pages else None
    items = []
    for row in annotations.itertuples():
        where = f"data/annotations.csv, annotation {row.annotation_id}, field 'note'"
        plain, markup = resolve_note(row.note, refs, where, para_url=para_url)
        purpose = vocab.trait("annotations", "kind", "motivation")[row.kind]
        created, modified = dates[row.annotation_id]
        item = {
            "id": f"{collection_id}#{row.annotation_id}",
            "type": "Annotation",
            "motivation": purpose,
            "created": created,
            "modified": modified,
            "creator": creator,
            "rights": CONTENT_LICENSE,
            "body": [
                {"type": "Choice", "items": [
                    {"type": "TextualBody", "value": plain, "format": "text/plain", "language": "en",
                     "purpose": purpose},
                    {"type": "TextualBody", "value": markup, "format": "text/html", "language": "en",
                     "purpose": purpose},
                ]},
                {"type": "TextualBody", "value": row.kind, "purpose": "tagging"},
            ],
            "target": {"source": essay.provenance.canonical_url, "selector": _selector(row)},
        }
        if not pd.isna(row.event_date):  # the latest development the note reports, as precisely as known
            precision = getattr(row, "event_date_precision", "day")
            item["dcterms:temporal"] = row.event_date.date().isoformat()[:vocab.trait("annotations", "event_date_precision", "isoChars").get(precision, 10)]
        items.append(item)
    label = f"Annotations on \u201c{essay.provenance.title}\u201d by {essay.provenance.publisher}"
    all_dates = [d for pair in dates.values() for d in pair] or [_iso(0)]
    return {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": label,
        "creator": creator,
        "created": min(d for d, _ in dates.values()) if dates else all_dates[0],
        "modified": max(all_dates),
        "rights": CONTENT_LICENSE,
        "total": len(items),
        "first": {
            "id": page_id,
            "type": "AnnotationPage",
            "partOf": collection_id,
            "startIndex": 0,
            "items": items,
        },
        "last": page_id,
    }


# --- schema.org ClaimReview ------------------------------------------------------------------------

def page_url(site: str, page: str) -> str:
    return f"{site}{page}.html"


def claim_anchor(claim_id: str, paragraph: int, annotations: pd.DataFrame, mode: str) -> str:
    """The in-page anchor a claim's review points at: its first margin note (which explains the
    status), or, in excerpt mode where notes are not shown, its paragraph."""
    notes = annotations[annotations["claim_id"] == claim_id]["annotation_id"].tolist()
    if mode == "full" and notes:
        return f"note-{notes[0].lower()}"
    return f"essay-p{paragraph}"


def claim_dates(claims: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """(published, modified) of each claim's review: when its row in claims.csv was first committed,
    and when that row or the scorecard row that judges it last changed (see :func:`row_dates`)."""
    ledger = row_dates(DATA_DIR / "claims.csv")
    scored = row_dates(DATA_DIR / "scorecard.csv")
    dates = {}
    for row in claims.itertuples():
        published, modified = ledger[row.claim_id]
        if row.judged_in != "ledger" and row.judged_in in scored:
            modified = max(modified, scored[row.judged_in][1])
        dates[row.claim_id] = (published, modified)
    return dates


def claim_reviews(claims: pd.DataFrame, essay: essay_mod.Essay, site: str | None = None,
                  pages: dict[int, str] | None = None, annotations: pd.DataFrame | None = None,
                  mode: str = "full", dates: dict[str, tuple[str, str]] | None = None) -> list[dict[str, Any]]:
    """One schema.org ClaimReview per claim of the essay, rated by its one verdict (the frame
    ``verdicts.claim_verdicts`` gives), each addressed to the page that shows the claim."""
    site = site or site_url()
    dates = dates if dates is not None else claim_dates(claims)
    pages = pages if pages is not None else {
        n: f"chapters/{stem}" for n, stem in essay_mod.paragraph_pages(ROOT / "chapters").items()}
    if annotations is None:
        annotations = data.load_tables()["annotations"]
    prov = essay.provenance
    organization = {"@type": "Organization", "name": EDITORS, "url": site}
    reviews = []
    for row in claims.itertuples():
        if row.paragraph not in pages:
            raise ExportError(f"data/claims.csv, claim {row.claim_id}: paragraph {row.paragraph} is on no page")
        here = page_url(site, pages[row.paragraph])
        reviews.append({
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "@id": f"{here}#claimreview-{row.claim_id.lower()}",
            "url": f"{here}#{claim_anchor(row.claim_id, row.paragraph, annotations, mode)}",
            "identifier": row.claim_id,
            "claimReviewed": row.summary,
            "datePublished": dates[row.claim_id][0][:10],
            "dateModified": dates[row.claim_id][1][:10],
            "inLanguage": "en",
            "author": organization,
            "publisher": organization,
            "license": CONTENT_LICENSE,
            "itemReviewed": {
                "@type": "Claim",
                "author": [{"@type": "Person", "name": name} for name in prov.authors],
                "datePublished": prov.published[:10],
                "appearance": {"@type": "CreativeWork", "url": prov.canonical_url, "name": prov.title},
                "firstAppearance": {"@type": "CreativeWork", "url": prov.canonical_url},
                "text": row.exact,
                "additionalType": row.claim_type,
            },
            "reviewRating": {
                "@type": "Rating", "ratingValue": verdicts.ratings()[row.verdict], "bestRating": 5, "worstRating": 1,
                "alternateName": verdicts.words(row.verdict),
                "ratingExplanation": verdicts.meaning(row.verdict),
            },
        })
    return reviews


def page_graph(reviews: list[dict[str, Any]], site: str) -> dict[str, Any]:
    """A page's ClaimReviews as one JSON-LD ``@graph`` in which what every review repeats (the
    editors, as author and publisher; the essay, where each claim appears) is one node that the
    reviews refer to by ``@id``: the same statements as the reviews written out in full
    (:func:`resolve_graph` gives those back), at a fraction of the bytes in a page's head."""
    shared: dict[str, dict[str, Any]] = {}

    def node_ref(value: dict[str, Any], node_id: str) -> dict[str, str]:
        node = {"@id": node_id, **value}
        if shared.setdefault(node_id, node) != node:
            raise ExportError(f"two different things named {node_id} in one page's ClaimReviews")
        return {"@id": node_id}

    graph = []
    for review in reviews:
        review = {k: v for k, v in review.items() if k != "@context"}
        for role in ("author", "publisher"):
            if review.get(role, {}).get("@type") == "Organization":
                review[role] = node_ref(review[role], f"{site}#editors")
        item = dict(review["itemReviewed"])
        if item.get("appearance", {}).get("url"):
            item["appearance"] = node_ref(item["appearance"], item["appearance"]["url"])
        review["itemReviewed"] = item
        graph.append(review)
    return {"@context": "https://schema.org", "@graph": [*shared.values(), *graph]}


def resolve_graph(graph: dict[str, Any]) -> list[dict[str, Any]]:
    """The ClaimReviews of a :func:`page_graph` written out in full (each ``{"@id": …}`` reference
    to a shared node replaced by that node), as :func:`claim_reviews` gives them (no @context)."""
    nodes = {n["@id"]: {k: v for k, v in n.items() if k != "@id"} for n in graph["@graph"]
             if n.get("@type") != "ClaimReview"}

    def resolved(value: Any) -> Any:
        if isinstance(value, dict):
            if set(value) == {"@id"} and value["@id"] in nodes:
                return resolved(nodes[value["@id"]])
            return {k: resolved(v) for k, v in value.items()}
        if isinstance(value, list):
            return [resolved(v) for v in value]
        return value

    return [resolved(n) for n in graph["@graph"] if n.get("@type") == "ClaimReview"]


def json_for_script(payload: Any) -> str:
    """JSON to embed in an HTML ``<script type="application/ld+json">`` block: '<', '>' and '&'
    escaped so that no text in the data can close the block or open markup."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def write(path: Path, payload: Any) -> bool:
    """Write JSON only if it changed (so an unchanged book does not re-read what links to it)."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":")) + "\n"
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True
