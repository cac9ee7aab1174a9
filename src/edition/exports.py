"""Exports: annotations as W3C Web Annotation JSON-LD, claims as schema.org ClaimReview JSON-LD."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from edition import essay as essay_mod
from edition import verdicts

EDITORS = "The editors of the annotated edition of \"The Persian-Russian Connection\""
MOTIVATION = {"source": "linking", "context": "describing", "caveat": "assessing", "update": "commenting"}


def _selector(row: Any) -> dict[str, str]:
    selector = {"type": "TextQuoteSelector", "exact": row.exact}
    if isinstance(row.prefix, str) and row.prefix:
        selector["prefix"] = row.prefix
    if isinstance(row.suffix, str) and row.suffix:
        selector["suffix"] = row.suffix
    return selector


def web_annotations(annotations: pd.DataFrame, essay: essay_mod.Essay) -> dict[str, Any]:
    """An AnnotationCollection whose items target the essay's canonical URL by text-quote selectors."""
    source = essay.provenance.canonical_url
    items = []
    for row in annotations.itertuples():
        body = [{"type": "TextualBody", "value": row.note, "format": "text/markdown", "purpose": MOTIVATION[row.kind]}]
        body.append({"type": "TextualBody", "value": row.kind, "purpose": "tagging"})
        item = {
            "id": f"urn:persian-russian-connection:annotation:{row.annotation_id}",
            "type": "Annotation",
            "motivation": MOTIVATION[row.kind],
            "creator": {"type": "Organization", "name": EDITORS},
            "body": body,
            "target": {"source": source, "selector": _selector(row)},
        }
        if row.kind == "update" and not pd.isna(row.event_date):
            item["dcterms:temporal"] = row.event_date.date().isoformat()
        items.append(item)
    return {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": "urn:persian-russian-connection:annotations",
        "type": "AnnotationCollection",
        "label": f"Annotations on '{essay.provenance.title}'",
        "total": len(items),
        "first": {"type": "AnnotationPage", "items": items},
    }


def claim_reviews(claims: pd.DataFrame, essay: essay_mod.Essay) -> list[dict[str, Any]]:
    """One schema.org ClaimReview per claim, rated by its one verdict (``verdicts.claim_verdicts``)."""
    prov = essay.provenance
    reviews = []
    for row in claims.itertuples():
        reviews.append({
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "identifier": row.claim_id,
            "claimReviewed": row.summary,
            "datePublished": row.evidence_to.date().isoformat() if not pd.isna(row.evidence_to) else prov.published[:10],
            "author": {"@type": "Organization", "name": EDITORS},
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
                "@type": "Rating", "ratingValue": verdicts.RATING[row.verdict], "bestRating": 5, "worstRating": 1,
                "alternateName": verdicts.words(row.verdict),
            },
        })
    return reviews


def write(path: Path, payload: Any) -> bool:
    """Write JSON only if it changed (so an unchanged book does not re-read what links to it)."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":")) + "\n"
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True
