"""Docutils nodes for data text (see :mod:`edition.datatext`), built without any markup parser.

Plain text becomes Text nodes; ``*words*`` an emphasis node; and each allowed role is handed to
the very role function Sphinx registered for it ({cite:p} and {cite:t} from sphinxcontrib-bibtex,
{term} from Sphinx, {para} from this edition), so a citation in a note looks and links exactly as
it does in the chapters' prose. Nothing else in the text is interpreted.
"""

from __future__ import annotations

from docutils import nodes
from docutils.parsers.rst import roles
from sphinx.util.docutils import SphinxDirective

from edition import datatext


def inline_nodes(text: str, directive: SphinxDirective, source: str,
                 allowed: tuple[str, ...] = datatext.ROLES, emphasis: bool = True) -> list[nodes.Node]:
    """The inline nodes of one data text, ``source`` naming where it came from (file:line)."""
    out: list[nodes.Node] = []
    lineno = directive.lineno
    for token in datatext.tokens(text, allowed, emphasis):
        if token.kind == "text":
            out.append(nodes.Text(_shown(token.content)))
        elif token.kind == "emphasis":
            out.append(nodes.emphasis(_shown(token.content), _shown(token.content)))
        else:
            out.extend(_role(token, directive, source, lineno))
    return out


def _shown(text: str) -> str:
    """Text as shown: docutils treats NUL as its escape mark, so one is shown as U+FFFD instead."""
    return text.replace("\0", "\ufffd")


def paragraph(text: str, directive: SphinxDirective, source: str, classes: list[str] | None = None,
              allowed: tuple[str, ...] = datatext.ROLES, emphasis: bool = True) -> nodes.paragraph:
    """One paragraph of data text."""
    para = nodes.paragraph("", "", *inline_nodes(text, directive, source, allowed, emphasis), classes=classes or [])
    para.source, para.line = source, None
    return para


def _role(token: datatext.Token, directive: SphinxDirective, source: str, lineno: int) -> list[nodes.Node]:
    reporter = directive.state.document.reporter
    function, messages = roles.role(token.kind, directive.state_machine.language, lineno, reporter)
    if function is None:  # only roles the edition's own extensions register are ever asked for
        raise directive.error(f"{source}: the role {{{token.kind}}} is not available in this build")
    rawtext = f"{{{token.kind}}}`{token.content}`"
    made, problems = function(token.kind, rawtext, token.content, lineno, directive.state.inliner, {}, [])
    for node in made:
        for child in node.traverse(include_self=True):
            if isinstance(child, nodes.Element) and not child.get("source"):
                child.source = source
    return [*made, *messages, *problems]
