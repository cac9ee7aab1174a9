"""The ``essay`` directive and ``para`` role: the essay's paragraphs rendered from the seed."""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective, SphinxRole

from edition import essay as essay_mod

logger = logging.getLogger(__name__)

MODES = ("full", "excerpt")


def _essay(env: BuildEnvironment) -> essay_mod.Essay:
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
            box += nodes.paragraph(para.text, para.text, classes=["essay-text"])
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
    sequence: list[tuple[int, str]] = []
    for doc in reading_order(env):
        sequence.extend((n, doc) for n in placed.get(doc, []))
    for doc in placed:
        if doc not in reading_order(env):
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
