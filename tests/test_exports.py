"""The machine-readable exports, checked with the tools other people use on them.

- the W3C Web Annotation test suite's JSON Schemas (vendored in tests/schemas) on the
  annotation collection, its page and every annotation;
- JSON-LD expansion (pyld) against the vendored W3C context, with nothing dropped;
- every text-quote selector anchored, Hypothesis-style, on the seed and on the rendered page;
- each chapter page's embedded schema.org ClaimReview, parsed from the built HTML;
- the downloadable Data Package validated by `frictionless validate` where it lands.
"""

from __future__ import annotations

import copy
import functools
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from pyld import jsonld
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

import parsed
from edition import data, essay, exports, verdicts
from edition.sphinxext import downloads
from test_data import TODAY
from test_html import soup_of

SCHEMAS = Path(__file__).parent / "schemas"
SUITE = SCHEMAS / "w3c-web-annotation-tests"
CONTEXT_URL = "http://www.w3.org/ns/anno.jsonld"


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return data.load_tables(today=TODAY)


@pytest.fixture(scope="module")
def collection(built_html: Path) -> dict:
    """The annotation collection as the built site serves it."""
    return json.loads((built_html / exports.DOWNLOADS / exports.ANNOTATIONS_FILE).read_text(encoding="utf-8"))


# --- the W3C test suite's schemas ----------------------------------------------------------------

def _suite_registry() -> Registry:
    resources = []
    for path in SUITE.rglob("*.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resource = Resource.from_contents(schema, default_specification=DRAFT4)
        resources.append((path.name, resource))  # the suite refers to definitions by bare file name
    return Registry().with_resources(resources)


REGISTRY = _suite_registry()


def assertions(test_file: str) -> list[tuple[str, dict]]:
    """The schemas a suite .test file lists, each with its name."""
    listed = json.loads((SUITE / test_file).read_text(encoding="utf-8"))["assertions"]
    return [(name, json.loads((SUITE / name).read_text(encoding="utf-8"))) for name in listed]


@functools.lru_cache(maxsize=None)
def _validator(name: str) -> jsonschema.Draft4Validator:
    schema = json.loads((SUITE / name).read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema, registry=REGISTRY, format_checker=jsonschema.FormatChecker())


def failures(instance: dict, schemas: list[tuple[str, dict]]) -> list[str]:
    """Schemas that do not give their expected result on the instance."""
    found = []
    for name, schema in schemas:
        valid = _validator(name).is_valid(instance)
        if valid != (schema.get("expectedResult", "valid") == "valid"):
            found.append(f"{name}: {schema.get('errorMessage', '')}")
    return found


MUSTS = {"annotation": "annotations/annotationMusts.test", "collection": "collections/collectionMusts.test",
         "page": "collections/pages/pageMusts.test"}
# Optional features the edition claims to implement: each suite schema must pass.
IMPLEMENTED = {
    "annotation": ["annotations/3.3.1-annotationCreatedImplemented.json",
                   "annotations/3.3.1-annotationModifiedImplemented.json",
                   "annotations/3.3.1-annotationCreatorImplemented.json",
                   "annotations/3.3.5-annotationMotivationImplemented.json",
                   "annotations/3.3.6-annotationRightsImplemented.json",
                   "annotations/specificResource/4.2.4-textQuoteSelector.json"],
    "collection": ["collections/3.3.1-collectionCreatedImplemented.json",
                   "collections/3.3.1-collectionModifiedImplemented.json",
                   "collections/5.1-collectionFirstImplemented.json",
                   "collections/5.1-collectionTotalImplemented.json",
                   "collections/5.1-collectionLabelImplemented.json"],
    "page": ["collections/pages/5.2-pagePartOfImplemented.json",
             "collections/pages/5.2-pageStartIndexImplemented.json"],
}


def suite_problems(collection: dict) -> list[str]:
    problems = []
    # An annotation inside a page shares the page's @context; on its own, as the suite tests it
    # (and as a client that extracts one holds it), it carries that context itself.
    alone = [{"@context": collection["@context"], **item} for item in collection["first"]["items"]]
    for kind, instances in (("collection", [collection]), ("page", [collection]), ("annotation", alone)):
        schemas = assertions(MUSTS[kind])
        schemas += [(name, json.loads((SUITE / name).read_text(encoding="utf-8"))) for name in IMPLEMENTED[kind]]
        for instance in instances:
            problems += [f"{kind} {instance.get('id')}: {f}" for f in failures(instance, schemas)]
    return problems


def test_the_collection_its_page_and_every_annotation_pass_the_w3c_suite(collection: dict) -> None:
    assert len(assertions(MUSTS["annotation"])) > 40  # the suite is really there
    assert suite_problems(collection) == []
    page = collection["first"]
    # what the model requires of a page and the suite checks only when present
    assert page["id"].startswith(collection["id"]) and page["partOf"] == collection["id"]
    assert page["startIndex"] == 0 and len(page["items"]) == collection["total"]


def test_the_suite_rejects_what_the_model_forbids(collection: dict) -> None:
    broken = copy.deepcopy(collection)
    # the two annotations broken here are enough: the others pass the suite in the test above
    broken["first"]["items"] = broken["first"]["items"][:2]
    broken["first"]["items"][0]["created"] = "27 November 2026"
    del broken["first"]["items"][1]["target"]
    broken["first"]["startIndex"] = -1
    problems = suite_problems(broken)
    assert any("annotationCreated" in p for p in problems)
    assert any("targetKeyFound" in p for p in problems)
    assert any("pageStartIndex" in p for p in problems)


# --- JSON-LD, offline, against the vendored W3C context -----------------------------------------------

def _context_loader():
    document = json.loads((SCHEMAS / "w3c-anno-context" / "anno.jsonld").read_text(encoding="utf-8"))
    # The vendored copy (2017) predates W3C's addition of `assessing` to the published context
    # (w3c/web-annotation issue 444); add that one term, as the live context has it.
    document["@context"].setdefault("assessing", "oa:assessing")

    def load(url: str, options: dict | None = None) -> dict:
        if url != CONTEXT_URL:
            raise jsonld.JsonLdError(f"offline: no document for {url}", "jsonld.LoadDocumentError",
                                     code="loading document failed")
        return {"contextUrl": None, "documentUrl": url, "document": document}
    return load


def _leaves(node, skip_context: bool = True) -> int:
    """Scalar values in a JSON tree (the @context excluded)."""
    if isinstance(node, dict):
        if "@value" in node:  # an expanded value object: its datatype or language is not a value of ours
            return 1
        return sum(_leaves(v) for k, v in node.items() if not (skip_context and k == "@context"))
    if isinstance(node, list):
        return sum(_leaves(v) for v in node)
    return 1


# Expansion resolves a string it cannot map to a term against the document's base; a base
# that nothing real uses shows which values were left unnamed.
NO_BASE = "http://unresolved.invalid/"


def _iris(node) -> list[str]:
    """Every @id and @type string in an expanded JSON-LD tree."""
    if isinstance(node, list):
        return [iri for item in node for iri in _iris(item)]
    if not isinstance(node, dict) or "@value" in node:
        return []
    found = []
    for key, value in node.items():
        if key in ("@id", "@type"):
            found += value if isinstance(value, list) else [value]
        else:
            found += _iris(value)
    return found


def expansion_losses(document: dict) -> list[str]:
    """What JSON-LD expansion loses or cannot name: terms the context does not define are dropped
    (fewer values come out than went in), and values of vocabulary-typed terms it does not know
    resolve against the base instead of naming a W3C term."""
    expanded = jsonld.expand(copy.deepcopy(document), {"documentLoader": _context_loader(), "base": NO_BASE})
    # expansion turns every kept scalar into exactly one value object, @id or @type string
    losses = [f"{_leaves(document) - _leaves(expanded)} value(s) dropped"] if _leaves(document) != _leaves(expanded) else []
    losses += [f"not a term of the context: {iri.removeprefix(NO_BASE)}"
               for iri in _iris(expanded) if iri.startswith(NO_BASE)]
    return losses


def test_json_ld_expansion_against_the_w3c_context_drops_nothing(collection: dict) -> None:
    assert expansion_losses(collection) == []
    expanded = jsonld.expand(copy.deepcopy(collection), {"documentLoader": _context_loader()})
    text = json.dumps(expanded)
    assert "http://www.w3.org/ns/activitystreams#startIndex" in text
    assert "http://www.w3.org/ns/oa#assessing" in text  # caveats are assessments


def test_the_expansion_check_notices_an_undefined_term(collection: dict) -> None:
    broken = copy.deepcopy(collection)
    broken["first"]["items"][0]["colour"] = "red"
    broken["first"]["items"][1]["body"][1]["purpose"] = "grading"  # not a W3C motivation
    assert expansion_losses(broken) == ["1 value(s) dropped", "not a term of the context: grading"]


# --- what the bodies say ------------------------------------------------------------------------------

def test_bodies_are_plain_text_and_html_with_sources_spelled_out(collection: dict, tables) -> None:
    refs = exports.references()
    notes = tables["annotations"].set_index("annotation_id")
    for item in collection["first"]["items"]:
        note_id = item["id"].rsplit("#", 1)[1]
        keys = [k.strip() for m in data.CITE_RE.finditer(notes.loc[note_id, "note"]) for k in m.group(1).split(",")]
        choice, tag = item["body"]
        plain, markup = choice["items"]
        assert (plain["format"], markup["format"]) == ("text/plain", "text/html")
        assert tag == {"type": "TextualBody", "value": notes.loc[note_id, "kind"], "purpose": "tagging"}
        for body in (plain, markup):
            assert "{cite" not in body["value"] and "`" not in body["value"], note_id
        soup = BeautifulSoup(markup["value"], "html.parser")
        cites = soup.select("cite")
        assert [c["data-key"] for c in cites] == keys, note_id
        for cite, key in zip(cites, keys):
            ref = refs[key]
            assert cite.a["href"] == ref.url and cite.a.get_text() == ref.title
            assert cite.get_text().startswith(ref.outlet) and ref.date in cite.get_text()
            assert ref.url in plain["value"] and ref.title in plain["value"] and ref.date in plain["value"]
        assert item["target"]["source"] == essay.load().provenance.canonical_url
        assert item["created"] <= item["modified"]


def test_every_form_of_data_text_is_resolved_and_nothing_else_passes() -> None:
    refs = exports.references()
    key = next(iter(refs))
    plain, markup = exports.resolve_note(
        f"Said so {{cite:p}}`{key}`; {{cite:t}}`{key}` agrees on {{term}}`Shahed` in {{para}}`6`, *twice*.",
        refs, "here", para_url=lambda n: f"https://example.org/p#essay-p{n}")
    ref = refs[key]
    assert plain == f"Said so ({ref.text()}); {ref.text()} agrees on Shahed in \u00b66, twice."
    soup = BeautifulSoup(markup, "html.parser")
    assert [a["href"] for a in soup.select("a")] == [ref.url, ref.url, "https://example.org/p#essay-p6"]
    assert soup.select_one("em").get_text() == "twice" and "{" not in soup.get_text()
    with pytest.raises(exports.ExportError, match=r"here: note uses '\{doc\}`intro`'"):
        exports.resolve_note("See {doc}`intro`.", refs, "here")
    with pytest.raises(exports.ExportError, match="cites no-such-key"):
        exports.resolve_note("{cite:p}`no-such-key`", refs, "here")


def test_the_served_exports_are_what_the_data_gives(built_html: Path, collection: dict, tables) -> None:
    site = exports.site_url()
    assert collection == exports.web_annotations(tables["annotations"], essay.load(), site=site)
    served = json.loads((built_html / exports.DOWNLOADS / exports.CLAIMS_FILE).read_text(encoding="utf-8"))
    assert served == exports.claim_reviews(verdicts.claim_verdicts(tables), essay.load(), site=site,
                                           annotations=tables["annotations"])


# --- anchoring: a Hypothesis-style text-quote matcher ------------------------------------------------

def anchor_count(text: str, selector: dict) -> int:
    """Places in text where the selector's exact phrase stands with its prefix before and suffix after."""
    exact, prefix, suffix = selector["exact"], selector.get("prefix", ""), selector.get("suffix", "")
    count, start = 0, text.find(exact)
    while start != -1:
        end = start + len(exact)
        if text[max(0, start - len(prefix)):start] == prefix and text[end:end + len(suffix)] == suffix:
            count += 1
        start = text.find(exact, start + 1)
    return count


def rendered_texts(built_html: Path) -> dict[int, str]:
    """Each essay paragraph's text as a browser's textContent gives it on the built pages."""
    texts = {}
    for number, stem in essay.paragraph_pages(data.ROOT / "chapters").items():
        box = parsed.by_id(soup_of(built_html, f"chapters/{stem}")).get(f"essay-p{number}")
        texts[number] = box.select_one(".essay-text").get_text()
    return texts


def test_every_selector_anchors_exactly_once_on_the_seed(collection: dict, tables) -> None:
    parsed = essay.load()
    paragraphs = dict(zip(tables["annotations"]["annotation_id"], tables["annotations"]["paragraph"]))
    for item in collection["first"]["items"]:
        note_id = item["id"].rsplit("#", 1)[1]
        selector = item["target"]["selector"]
        assert anchor_count(parsed.paragraph(int(paragraphs[note_id])).text, selector) == 1, note_id
    assert anchor_count("a b a b", {"exact": "a", "suffix": " b"}) == 2  # the matcher counts every place


def test_every_selector_anchors_exactly_once_on_the_rendered_page(built_html: Path, collection: dict, tables) -> None:
    texts = rendered_texts(built_html)
    paragraphs = dict(zip(tables["annotations"]["annotation_id"], tables["annotations"]["paragraph"]))
    misses = []
    for item in collection["first"]["items"]:
        note_id = item["id"].rsplit("#", 1)[1]
        if anchor_count(texts[int(paragraphs[note_id])], item["target"]["selector"]) != 1:
            misses.append(note_id)
    assert misses == [], f"{len(misses)} of {collection['total']} selectors do not anchor on the rendered text"


# --- ClaimReview in the pages --------------------------------------------------------------------------

def embedded_reviews(soup: BeautifulSoup) -> list[dict]:
    """The page's ClaimReviews written out in full. In the page the editors and the essay are one
    node each, which every review refers to by @id rather than repeating."""
    blocks = soup.select('script[type="application/ld+json"]')
    found = []
    for block in blocks:
        payload = json.loads(block.string)
        assert payload["@context"] == "https://schema.org"
        reviews = [n for n in payload["@graph"] if n["@type"] == "ClaimReview"]
        shared = [n for n in payload["@graph"] if n["@type"] != "ClaimReview"]
        assert sorted(n["@type"] for n in shared) == ["CreativeWork", "Organization"] and len(reviews) >= 1
        assert all(set(r["author"]) == {"@id"} and r["publisher"] == r["author"] for r in reviews)
        found += exports.resolve_graph(payload)
    return found


def test_each_page_embeds_the_claim_reviews_of_the_claims_it_shows(root: Path, built_html: Path, tables) -> None:
    site = exports.site_url()
    pages = essay.paragraph_pages(root / "chapters")
    claims = verdicts.claim_verdicts(tables).set_index("claim_id")
    dates = exports.claim_dates(claims.reset_index())
    seen = {}
    for stem in sorted(set(pages.values())):
        page = f"chapters/{stem}"
        soup = soup_of(built_html, page)
        for review in embedded_reviews(soup):
            claim = review["identifier"]
            assert claim not in seen, f"{claim} embedded on {seen.get(claim)} and {page}"
            seen[claim] = page
            row = claims.loc[claim]
            assert pages[int(row["paragraph"])] == stem, claim
            assert review["@type"] == "ClaimReview"
            # what Google's fact-check markup requires, and what the issue asks for
            here = f"{site}{page}.html#"
            assert review["url"].startswith(here) and parsed.by_id(soup).get(review["url"][len(here):]), review["url"]
            assert review["@id"].startswith(here) and review["@id"] != review["url"]
            assert review["claimReviewed"] == row["summary"]
            assert review["datePublished"] == dates[claim][0][:10] <= review["dateModified"] == dates[claim][1][:10]
            assert review["author"] == {"@type": "Organization", "name": exports.EDITORS, "url": site}
            rating = review["reviewRating"]
            assert rating["@type"] == "Rating" and rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
            assert rating["alternateName"] == verdicts.words(row["verdict"])
            assert rating["ratingValue"] == verdicts.ratings()[row["verdict"]]
            item = review["itemReviewed"]
            assert item["@type"] == "Claim" and item["appearance"]["url"] == essay.load().provenance.canonical_url
            assert item["text"] == row["exact"]
    assert set(seen) == set(claims.index)
    for page in ("chapters/claims-ledger", "chapters/glossary", "index"):
        assert not embedded_reviews(soup_of(built_html, page)), page


def test_the_json_in_a_page_cannot_close_its_script_block() -> None:
    text = exports.json_for_script({"claimReviewed": "</script><script>alert(1)</script> & more"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["claimReviewed"].startswith("</script>")


def test_the_ledger_page_describes_the_rating_scale(built_html: Path) -> None:
    soup = soup_of(built_html, "chapters/claims-ledger")
    rows = [[cell.get_text(strip=True) for cell in row.select("td")]
            for row in soup.select("table.edition-rating-scale tbody tr")]
    assert rows == [[str(value), verdicts.words(verdict), verdicts.meaning(verdict)]
                    for verdict, value in sorted(verdicts.ratings().items(), key=lambda item: -item[1])]
    assert set(verdicts.ratings().values()) == {1, 2, 3, 4, 5}


# --- the Data Package where it lands ----------------------------------------------------------------

FRICTIONLESS = Path(sys.executable).parent / "frictionless"


def frictionless_validate(descriptor: Path) -> dict:
    result = subprocess.run([str(FRICTIONLESS), "validate", "--json", descriptor.name],
                            capture_output=True, text=True, cwd=descriptor.parent)
    report = json.loads(result.stdout)
    assert (result.returncode == 0) == report["valid"], result.stderr[-2000:]
    return report


def test_the_downloaded_folder_validates_where_it_lands(built_html: Path, tmp_path: Path) -> None:
    landed = tmp_path / "elsewhere" / downloads.PACKAGE_FOLDER
    shutil.copytree(built_html / exports.DOWNLOADS / downloads.PACKAGE_FOLDER, landed)
    report = frictionless_validate(landed / data.PACKAGE_FILE)
    assert report["valid"], json.dumps(report["tasks"], indent=1)[:3000]
    descriptor = json.loads((landed / data.PACKAGE_FILE).read_text(encoding="utf-8"))
    assert descriptor["profile"] == "tabular-data-package"
    assert len(report["tasks"]) == len(descriptor["resources"]) == 6
    assert all(task["stats"]["rows"] > 0 for task in report["tasks"])


def test_the_downloaded_zip_is_one_folder_that_validates(built_html: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(built_html / exports.DOWNLOADS / downloads.ZIP_NAME) as archive:
        names = archive.namelist()
        archive.extractall(tmp_path)
    assert {name.split("/")[0] for name in names} == {downloads.PACKAGE_FOLDER}
    report = frictionless_validate(tmp_path / downloads.PACKAGE_FOLDER / data.PACKAGE_FILE)
    assert report["valid"] and len(report["tasks"]) == 6
    # the check can fail: a table missing from the folder is reported
    (tmp_path / downloads.PACKAGE_FOLDER / "claims.csv").unlink()
    assert not frictionless_validate(tmp_path / downloads.PACKAGE_FOLDER / data.PACKAGE_FILE)["valid"]


def test_the_download_links_point_into_the_folder(built_html: Path) -> None:
    soup = soup_of(built_html, "chapters/data-and-sources")
    hrefs = {a["href"] for a in soup.select("a.edition-site-file")}
    assert f"../{exports.DOWNLOADS}/{downloads.ZIP_NAME}" in hrefs
    for name in downloads.package_files():
        assert f"../{exports.DOWNLOADS}/{downloads.PACKAGE_FOLDER}/{name}" in hrefs, name
    assert not soup.select("a[href*='_downloads/']")


def test_created_and_modified_come_from_each_rows_history(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "data").mkdir(parents=True)
    table = repo / "data" / "annotations.csv"

    def commit(text: str, when: str) -> None:
        table.write_text(text, encoding="utf-8")
        env = {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "HOME": str(tmp_path),
               "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
               "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org", "PATH": "/usr/bin:/bin"}
        subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True, env=env)
        subprocess.run(["git", "-C", str(repo), "commit", "-qm", "x"], check=True, env=env)

    subprocess.run(["git", "-C", str(repo), "init", "-q"], check=True)
    commit("annotation_id,note\nA01-1,first\nA01-2,second\n", "2026-11-20T10:00:00+00:00")
    commit("annotation_id,note\nA01-1,first, revised\nA01-2,second\nA01-3,third\n", "2026-11-25T12:30:00+00:00")
    dates = exports.row_dates(table, root=repo)
    assert dates == {"A01-1": ("2026-11-20T10:00:00Z", "2026-11-25T12:30:00Z"),
                     "A01-2": ("2026-11-20T10:00:00Z", "2026-11-20T10:00:00Z"),
                     "A01-3": ("2026-11-25T12:30:00Z", "2026-11-25T12:30:00Z")}


# --- CITATION.cff through the Citation File Format project's converter -----------------------------

CFFCONVERT = Path(sys.executable).parent.parent / "cffconvert" / "bin" / "cffconvert"


def test_citation_cff_converts_to_bibtex_with_the_editors_as_one_entity(root: Path) -> None:
    import yaml
    from pybtex.database import parse_string

    assert CFFCONVERT.is_file(), f"{CFFCONVERT} missing: `make install` creates it (requirements-cffconvert.txt)"
    citation = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["type"] == "dataset"
    assert citation["license"] == ["MIT", "CC-BY-4.0"]
    ((author),) = citation["authors"]
    assert set(author) <= {"name", "website", "alias", "email", "address"} and "family-names" not in author

    checked = subprocess.run([str(CFFCONVERT), "-i", str(root / "CITATION.cff"), "--validate"],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    converted = subprocess.run([str(CFFCONVERT), "-i", str(root / "CITATION.cff"), "-f", "bibtex"],
                               capture_output=True, text=True)
    assert converted.returncode == 0, converted.stderr
    entry = next(iter(parse_string(converted.stdout, "bibtex").entries.values()))
    (person,) = entry.persons["author"]
    # one entity: no given or middle name for a style to abbreviate, and the parts rejoin to the name
    assert person.first_names == [] and person.middle_names == [], person
    assert " ".join(person.prelast_names + person.last_names) == author["name"]
    assert entry.fields["title"] == citation["title"]


def test_the_entity_check_catches_a_group_read_as_a_person(root: Path, tmp_path: Path) -> None:
    from pybtex.database import parse_string

    old = tmp_path / "CITATION.cff"
    old.write_text((root / "CITATION.cff").read_text(encoding="utf-8").replace(
        "the editors of the annotated", "The editors of the annotated"), encoding="utf-8")
    converted = subprocess.run([str(CFFCONVERT), "-i", str(old), "-f", "bibtex"], capture_output=True, text=True)
    (person,) = next(iter(parse_string(converted.stdout, "bibtex").entries.values())).persons["author"]
    assert person.first_names == ["The"]  # what the previous name gave BibTeX: a person called "The"


# --- the two extension markup errors, fixed in the written pages ------------------------------------

def test_no_paragraph_inside_summary_and_no_aria_controls_on_labels(built_html: Path) -> None:
    toggles = labels = 0
    for page in built_html.rglob("*.html"):
        soup = parsed.page(page)
        for summary in soup.select("summary"):
            # <summary> admits phrasing content only (HTML Living Standard)
            assert not summary.find(["p", "div", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6"]), \
                f"{page.relative_to(built_html)}: {summary}"
            toggles += bool(summary.select("span.admonition-title"))
        for label in soup.select("label.sd-tab-label"):
            labels += 1
            assert not label.has_attr("aria-controls"), f"{page.relative_to(built_html)}: {label}"
            radio = parsed.by_id(soup).get(label["for"])
            assert radio.name == "input" and parsed.by_id(soup).get(radio["aria-controls"]) is not None, label["for"]
            assert "sd-tab-content" in parsed.by_id(soup).get(radio["aria-controls"])["class"]
    assert toggles > 10 and labels > 10  # both fixes were exercised


def test_a_pages_claim_review_graph_says_what_the_reviews_say_in_full(tables) -> None:
    parsed = essay.load()
    site = exports.site_url()
    reviews = exports.claim_reviews(verdicts.claim_verdicts(tables), parsed, site=site)
    page = [r for r in reviews if "/chapters/06-" in r["url"]]
    graph = exports.page_graph(page, site)
    assert exports.resolve_graph(graph) == [{k: v for k, v in r.items() if k != "@context"} for r in page]
    assert len(exports.json_for_script(graph)) < 0.9 * len(exports.json_for_script(
        {"@context": "https://schema.org", "@graph": page}))
    clash = [dict(page[0], author={"@type": "Organization", "name": "Someone else", "url": site}), page[1]]
    with pytest.raises(exports.ExportError, match="two different things"):
        exports.page_graph(clash, site)
