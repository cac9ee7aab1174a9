"""The ``essay`` directive and ``para`` role: the essay's paragraphs rendered from the seed."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective, SphinxRole

from edition import essay as essay_mod
from edition import vocab
from edition.lazy import lazy_module
from edition.sphinxext import datatext
from edition.sphinxext.htmlnodes import element
from edition.sphinxext.inputs import note_data_dependencies

if TYPE_CHECKING:
    import pandas as pd

# loaded when a page is read (edition.lazy): an unchanged build reads none
data = lazy_module("edition.data")
verdicts = lazy_module("edition.verdicts")
rules_later = lazy_module("edition.rules_later")

logger = logging.getLogger(__name__)

MODES = ("full", "excerpt")


@lru_cache(maxsize=1)
def _tables() -> dict[str, pd.DataFrame]:
    """The validated tables, loaded once per build process."""
    return data.load_tables()


def note_label(paragraph: int, index: int) -> str:
    """A note's visible number: ¶6's third note is 6.3."""
    return f"{paragraph}.{index}"


def note_id(annotation_id: str) -> str:
    """The stable anchor of a note (also a cross-reference label)."""
    return f"note-{annotation_id.lower()}"


def marker_id(annotation_id: str) -> str:
    """The anchor of a note's marker in the essay's text: where the note links back to."""
    return f"ref-{annotation_id.lower()}"


def spans_of(text: str, notes: pd.DataFrame) -> list[tuple[int, int, list[int]]]:
    """(start, end, note positions) for each distinct anchored span, in reading order."""
    spans: dict[tuple[int, int], list[int]] = {}
    for position, exact in enumerate(notes["exact"]):
        start = text.index(exact)
        spans.setdefault((start, start + len(exact)), []).append(position)
    return sorted(((a, b, members) for (a, b), members in spans.items()), key=lambda s: (s[1], s[0]))


@lru_cache(maxsize=1)
def claim_verdicts() -> dict[str, str]:
    """Each claim's one verdict (edition.verdicts: the ledger's or its scorecard row's), as its notes show it."""
    claims = verdicts.claim_verdicts(_tables())
    return {row.claim_id: str(row.verdict) for row in claims.itertuples() if isinstance(row.verdict, str) and row.verdict}


def data_rows_sharing_sources(keys: list[str]) -> list[str]:
    """Transfer and event ids whose rows cite any of these sources."""
    tables = _tables()
    wanted = set(keys)
    found = []
    for name, id_column in (("transfers", "transfer_id"), ("events", "event_id")):
        frame = tables[name]
        hits = frame[frame["sources"].map(lambda cell: bool(wanted & set(str(cell).split(";"))))]
        found.extend(hits[id_column].tolist())
    return found


def _essay(env: BuildEnvironment) -> essay_mod.Essay:
    note_data_dependencies(env)  # every caller renders from the seed or the data
    return essay_mod.load()


def _placed(env: BuildEnvironment) -> dict[str, list[int]]:
    """Which body paragraphs each document renders (kept on the environment)."""
    if not hasattr(env, "edition_paragraphs"):
        env.edition_paragraphs = {}
    return env.edition_paragraphs


class EssayDirective(SphinxDirective):
    """Render chosen body paragraphs of the essay, e.g. ``{essay} 3-5``."""

    required_arguments = 1
    final_argument_whitespace = True
    has_content = False

    def run(self) -> list[nodes.Node]:
        essay = _essay(self.env)
        try:
            numbers = essay_mod.parse_range(self.arguments[0], len(essay.paragraphs))
        except essay_mod.SeedError as err:
            raise self.error(str(err)) from err
        mode = self.config.edition_essay_mode
        if mode not in MODES:
            raise self.error(
                f"_config.yml: edition_essay_mode is {mode!r}; expected one of {', '.join(MODES)}"
            )
        _placed(self.env).setdefault(self.env.docname, []).extend(numbers)

        outer = nodes.container(classes=["essay-excerpt", f"essay-mode-{mode}"])
        label = nodes.paragraph(classes=["essay-source-label"])
        first, last = numbers[0], numbers[-1]
        span = f"¶{first}" if first == last else f"¶{first}–{last}"
        label += nodes.Text(f"From the essay, {span}")
        outer += label
        for number in numbers:
            outer += self._paragraph(essay, essay.paragraph(number), mode)
        return [outer]

    def _paragraph(
        self, essay: essay_mod.Essay, para: essay_mod.Paragraph, mode: str
    ) -> nodes.Element:
        box = nodes.container(classes=["essay-paragraph"], ids=[para.anchor], names=[para.anchor])
        self.state.document.note_explicit_target(box)
        marker = nodes.paragraph(classes=["essay-pnum"])
        marker += nodes.reference(
            "", f"¶{para.number}", refid=para.anchor, classes=["essay-pnum-link"],
            reftitle=f"Link to paragraph {para.number}",
        )
        box += marker
        if mode == "full":
            notes = _tables()["annotations"]
            notes = notes[notes["paragraph"] == para.number].reset_index(drop=True)
            box += self._annotated_text(para, notes)
            if len(notes):
                box["classes"].append("has-notes")
                box += self._notes(para, notes)
        else:
            text = nodes.paragraph(classes=["essay-text", "essay-text-excerpt"])
            text += nodes.Text(para.opening())
            text += nodes.Text(" ")
            text += nodes.reference(
                "", f"Read ¶{para.number} in the original at Lawfare",
                refuri=essay.provenance.canonical_url, classes=["essay-original-link"],
            )
            box += text
        return box

    def _annotated_text(self, para: essay_mod.Paragraph, notes: pd.DataFrame) -> nodes.paragraph:
        """The paragraph's text, exactly the seed's: anchored phrases are spans that name their
        notes (lit only while a note or its marker is hovered or focused), and each marker is an
        empty link whose number CSS draws from ``data-note``, so no character is added to the text."""
        text = para.text
        out = nodes.paragraph(classes=["essay-text"])
        spans = spans_of(text, notes)
        cuts = sorted({0, len(text), *[a for a, _, _ in spans], *[b for _, b, _ in spans]})
        ends: dict[int, list[list[int]]] = {}
        for a, b, members in spans:
            ends.setdefault(b, []).append(members)
        for left, right in zip(cuts, cuts[1:]):
            covering = [(b - a, m) for a, b, m in spans if a <= left and right <= b]
            piece = text[left:right]
            if covering:
                innermost = min(covering)[1]  # the innermost span's kind styles the segment
                names = [f"anno-for-{notes.loc[m, 'annotation_id'].lower()}" for _, ms in covering for m in ms]
                out += nodes.inline(piece, piece, classes=["anno-hl", f"anno-{notes.loc[innermost[0], 'kind']}", *names])
            else:
                out += nodes.Text(piece)
            for members in ends.get(right, []):
                group = element("sup", classes=["anno-marker"])
                for position in members:
                    row = notes.loc[position]
                    label = note_label(para.number, position + 1)
                    group += element(
                        "a", classes=["anno-ref", f"anno-{row['kind']}"], ids=[marker_id(row["annotation_id"])],
                        href=f"#{note_id(row['annotation_id'])}", data_note=label,
                        aria_label=f"Note {label}, {vocab.label('annotations', 'kind', row['kind'])}",
                    )
                out += group
        return out

    def _notes(self, para: essay_mod.Paragraph, notes: pd.DataFrame) -> nodes.Element:
        """The paragraph's notes: in the page margin level with their markers on wide screens,
        opened one at a time from a marker on narrow ones (notes.js); all listed without JavaScript."""
        import pandas as pd

        box = element("div", classes=["essay-notes"])
        judged = claim_verdicts()
        for position, row in notes.iterrows():
            kind_name = vocab.label("annotations", "kind", row["kind"])
            symbol = vocab.trait("annotations", "kind", "symbol")[row["kind"]]
            anchor = note_id(row["annotation_id"])
            label = note_label(para.number, position + 1)
            # "sidenote" lets the book theme fold its page contents away while notes fill the margin
            note = element("div", classes=["essay-note", f"anno-{row['kind']}", "sidenote"], ids=[anchor],
                           role="note", aria_label=f"Note {label}")
            note["names"] = [anchor]
            self.state.document.note_explicit_target(note)
            head = nodes.paragraph(classes=["essay-note-head"])
            head += element("a", nodes.Text(label), classes=["essay-note-number"],
                            href=f"#{marker_id(row['annotation_id'])}",
                            aria_label=f"{label}: back to the note's place in the essay")
            kind_text = f" {symbol} {kind_name[:1].upper()}{kind_name[1:]}"
            if rules_later.note_is_later(row["event_date"]):  # from the date, whatever the note's kind
                chars = vocab.trait("annotations", "event_date_precision", "isoChars")
                shown = row["event_date"].date().isoformat()[: chars.get(row["event_date_precision"], 10)]
                kind_text += f" · {shown} (after the essay)"
            head += nodes.inline("", kind_text, classes=["essay-note-kind"])
            verdict = judged.get(row["claim_id"]) if not pd.isna(row["claim_id"]) else None
            if verdict:
                head += nodes.Text(" ")
                head += element("span", element("span", nodes.Text("verdict on the claim: "), classes=["visually-hidden"]),
                                nodes.Text(verdicts.words(verdict)),
                                classes=["essay-note-verdict", f"verdict-{verdict}"],
                                title=f"The edition's verdict on claim {row['claim_id']}")
            note += head
            # data text: only the roles the edition defines, never parsed as MyST (edition.datatext)
            note += datatext.paragraph(row["note"], self, f"data/annotations.csv:{row['annotation_id']}")
            rows = data_rows_sharing_sources(str(row["sources"]).split(";"))
            if rows:
                refs = nodes.paragraph(classes=["essay-note-data"])
                refs += nodes.Text("Data: ")
                for i, row_id in enumerate(rows[:6]):
                    if i:
                        refs += nodes.Text(", ")
                    refs += addnodes.pending_xref("", nodes.inline("", row_id), refdomain="std", reftype="ref",
                                                  reftarget=f"row-{row_id.lower()}", refexplicit=True, refwarn=True)
                note += refs
            box += note
        return box


class EssayFrontMatterDirective(SphinxDirective):
    """The essay's header and author notes, from the seed: ``{essay-front-matter}``."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        essay = _essay(self.env)
        header, prov = essay.header, essay.provenance
        mode = self.config.edition_essay_mode
        box = nodes.container(classes=["essay-front-matter"])
        rows = [
            ("Title", header.title),
            ("Authors", header.byline),
            ("Published", f"{header.date_line} (as the page shows it), by {prov.publisher}"),
            ("Sections", "; ".join(header.section_labels)),
        ]
        if mode == "full":
            rows.append(("Standfirst", header.standfirst))
            rows += [("About the authors", note) for note in essay.author_notes]
        field_list = nodes.field_list(classes=["essay-front-fields"])
        for name, value in rows:
            field = nodes.field()
            field += nodes.field_name(name, name)
            body = nodes.field_body()
            body += nodes.paragraph(value, value)
            field += body
            field_list += field
        box += field_list
        link = nodes.paragraph()
        link += nodes.Text("Original: ")
        link += nodes.reference("", prov.canonical_url, refuri=prov.canonical_url)
        box += link
        return [box]


def _ref(target: str, text: str) -> addnodes.pending_xref:
    ref = addnodes.pending_xref("", refdomain="std", reftype="ref", reftarget=target, refexplicit=True, refwarn=True)
    ref += nodes.inline("", text)
    return ref


class ParaRole(SphinxRole):
    """Link to a body paragraph wherever it is rendered: ``{para}`6``` gives ¶6."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        essay = _essay(self.env)
        try:
            (number,) = essay_mod.parse_range(self.text, len(essay.paragraphs))
        except (essay_mod.SeedError, ValueError):
            msg = self.inliner.reporter.error(
                f"para role: {self.text!r} is not one paragraph number 1–{len(essay.paragraphs)}",
                line=self.lineno,
            )
            return [], [msg]
        para = essay.paragraph(number)
        ref = addnodes.pending_xref(
            "", refdomain="std", reftype="ref", reftarget=para.anchor,
            refexplicit=True, refwarn=True,
        )
        ref += nodes.inline("", f"¶{number}", classes=["essay-para-ref"])
        return [ref], []


def purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _placed(env).pop(docname, None)


def merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    _placed(env).update(getattr(other, "edition_paragraphs", {}))


def reading_order(env: BuildEnvironment) -> list[str]:
    """Documents in the order the table of contents presents them."""
    order: list[str] = []

    def walk(doc: str) -> None:
        if doc in order:
            return
        order.append(doc)
        for child in env.toctree_includes.get(doc, []):
            walk(child)

    walk(env.config.root_doc)
    return order


def check_coverage(app: Sphinx, env: BuildEnvironment) -> None:
    """Every body paragraph is rendered exactly once, in the essay's order."""
    count = len(_essay(env).paragraphs)
    placed = _placed(env)
    order = reading_order(env)
    sequence: list[tuple[int, str]] = []
    for doc in order:
        sequence.extend((n, doc) for n in placed.get(doc, []))
    for doc in placed:
        if doc not in order:
            logger.warning("essay paragraphs rendered in %s, which is not in the TOC", doc,
                           location=doc, type="edition", subtype="coverage")
    seen: dict[int, str] = {}
    for number, doc in sequence:
        if number in seen:
            logger.warning("essay ¶%d is rendered twice: in %s and %s", number, seen[number], doc,
                           location=doc, type="edition", subtype="coverage")
        seen[number] = doc
    missing = [n for n in range(1, count + 1) if n not in seen]
    if missing:
        logger.warning("essay paragraphs never rendered: %s", ", ".join(f"¶{n}" for n in missing),
                       type="edition", subtype="coverage")
    numbers = [n for n, _ in sequence]
    if numbers != sorted(numbers):
        logger.warning("essay paragraphs are out of reading order: %s", numbers,
                       type="edition", subtype="coverage")


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("edition_essay_mode", "full", "env", [str])
    app.add_directive("essay", EssayDirective)
    app.add_directive("essay-front-matter", EssayFrontMatterDirective)
    app.add_role("para", ParaRole())
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    app.connect("env-check-consistency", check_coverage)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
