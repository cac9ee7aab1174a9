"""Data text: the small language of text fields in data/, read by the edition and never by MyST.

A note may use exactly the inline forms the edition defines for data text, and nothing else:

- ``{cite:p}`key1,key2``` and ``{cite:t}`key``` — citations into the bibliography;
- ``{para}`6``` — a link to a paragraph of the essay;
- ``{term}`Su-35``` — a glossary term, named as the glossary names it;
- ``*words*`` — plain emphasis.

Everything between them is plain text: it becomes a docutils Text node, so ``<script>``,
```` ```{raw} html ````, ``# heading`` or ``{include}`` can only ever be shown as the characters
they are. :func:`problems` tells validation what in a text is not allowed, so that such input
stops the build with a clear message instead of reaching the page as odd-looking text.
Other text fields (titles, summaries, descriptions) are plain text: no roles at all.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

ROLES = ("cite:p", "cite:t", "para", "term")
# a role of any name: {name}`content`
ROLE_RE = re.compile(r"\{(?P<name>[A-Za-z][\w:.-]*)\}`(?P<content>[^`\n]*)`")
KEY_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TERM_RE = re.compile(r"^[^<>{}`*]+$")
PARA_RE = re.compile(r"^[1-9][0-9]*$")

# Markup of MyST, reStructuredText or HTML that data text must not carry, with what to call it.
FORBIDDEN = [
    (re.compile(r"(^|\n)\s*(```|~~~|:::)"), "a directive or code fence"),
    (re.compile(r"(^|\n)\s*\.\.\s+\w[\w:-]*::"), "a reStructuredText directive"),
    (re.compile(r"(^|\n)\s{0,3}#{1,6}(\s|$)"), "a heading"),
    (re.compile(r"(^|\n)\s{0,3}(={3,}|-{3,})\s*(\n|$)"), "a heading underline or rule"),
    (re.compile(r"<\s*/?\s*[A-Za-z!?][^\s>]*>?"), "raw HTML"),
    (re.compile(r"&(#\d+|#x[0-9A-Fa-f]+|[A-Za-z]+);"), "an HTML entity"),
    (re.compile(r"!\["), "an image"),
    (re.compile(r"\]\(|\]\[|^\s*\[[^\]]*\]:", re.M), "a Markdown link"),
    (re.compile(r"\{\{|\}\}"), "a substitution"),
    (re.compile(r"\|[\w -]+\|_?"), "a substitution"),
    (re.compile(r"`"), "a backtick (code or a role the edition does not define)"),
    (re.compile(r"\*\*|__"), "strong emphasis (only *emphasis* is allowed)"),
    (re.compile(r"\{[A-Za-z][\w:.-]*\}"), "a directive or role name in braces"),
    (re.compile(r"javascript:|vbscript:|data:[a-z]+/", re.I), "a script or data URL"),
    (re.compile(r"(?<![\w/])(https?|ftp|file)://", re.I), "a bare URL (cite a bibliography entry instead)"),
    (re.compile(r"\\"), "a backslash escape"),
]
# Characters that make text lie about itself: bidirectional overrides, zero-width characters.
BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
CONTROL_NAMES = {"\0": "NUL", "\n": "line break", "\r": "carriage return", "\t": "tab"}
ZERO_WIDTH = set("\u200b\u200c\u200d\u2060\ufeff\u180e")


@dataclass(frozen=True)
class Token:
    """One piece of data text: ``kind`` is 'text', 'emphasis' or a role name."""

    kind: str
    content: str


def tokens(text: str, roles: tuple[str, ...] = ROLES, emphasis: bool = True) -> list[Token]:
    """Split text into plain text, emphasis and role tokens. Unknown roles stay plain text."""
    return list(_tokens(text, tuple(roles), emphasis))


# The checks below are pure functions of their arguments, and validation asks them about the same
# cells again and again (every rule, every validation of a copy of data/ in the tests): each is
# computed once per distinct argument and kept as a tuple, and the public function hands out a new
# list each time, so no caller can change what the next one gets.
_CACHE_SIZE = 1 << 15


@lru_cache(maxsize=_CACHE_SIZE)
def _tokens(text: str, roles: tuple[str, ...], emphasis: bool) -> tuple[Token, ...]:
    out: list[Token] = []
    pos = 0
    pattern = _pattern(roles, emphasis)
    for match in pattern.finditer(text):
        if match.start() > pos:
            out.append(Token("text", text[pos:match.start()]))
        if match.group("role"):
            out.append(Token(match.group("role"), match.group("rcontent")))
        else:
            out.append(Token("emphasis", match.group("econtent")))
        pos = match.end()
    if pos < len(text):
        out.append(Token("text", text[pos:]))
    return tuple(out)


@lru_cache(maxsize=64)
def _pattern(roles: tuple[str, ...], emphasis: bool) -> re.Pattern[str]:
    names = "|".join(re.escape(r) for r in roles) or r"(?!)"
    role = rf"\{{(?P<role>{names})\}}`(?P<rcontent>[^`\n]+)`"
    emph = r"(?<![*\w])\*(?P<econtent>[^*\s\n](?:[^*\n]*[^*\s\n])?)\*(?![*\w])" if emphasis else r"(?!)"
    return re.compile(f"{role}|{emph}")


def character_problems(text: str) -> list[str]:
    """Control, bidirectional-override and zero-width characters; whitespace-only text."""
    return list(_character_problems(text))


def flagged_character(ch: str) -> bool:
    """Whether character_problems reports the character ``ch``."""
    return (ch in BIDI or ch in ZERO_WIDTH or unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs")
            or ch in "\u2028\u2029")


@lru_cache(maxsize=_CACHE_SIZE)
def _character_problems(text: str) -> tuple[str, ...]:
    found: list[str] = []
    if text and not text.strip():
        found.append("is only whitespace")
    if text.isprintable():
        # Every character reported below is one str.isprintable() rejects (categories C* and
        # Zl/Zp; tests/test_datatext.py checks this for every code point), so printable text,
        # nearly every cell, has none of them.
        return tuple(found)
    for ch in dict.fromkeys(text):
        if not flagged_character(ch):
            continue
        if ch in BIDI:
            found.append(f"contains the bidirectional control character U+{ord(ch):04X} ({_name(ch)})")
        elif ch in ZERO_WIDTH:
            found.append(f"contains the zero-width character U+{ord(ch):04X} ({_name(ch)})")
        else:
            label = CONTROL_NAMES.get(ch) or _name(ch)
            found.append(f"contains the control character U+{ord(ch):04X} ({label})")
    return tuple(found)


def _name(ch: str) -> str:
    return unicodedata.name(ch, f"U+{ord(ch):04X}")


def markup_problems(text: str, roles: tuple[str, ...] = ROLES, emphasis: bool = True) -> list[str]:
    """What in ``text`` is markup other than the allowed roles and emphasis (empty if none)."""
    return list(_markup_problems(text, tuple(roles), emphasis))


@lru_cache(maxsize=_CACHE_SIZE)
def _markup_problems(text: str, roles: tuple[str, ...], emphasis: bool) -> tuple[str, ...]:
    found: list[str] = []
    plain_parts: list[str] = []
    for token in _tokens(text, roles, emphasis):
        if token.kind == "text":
            plain_parts.append(token.content)
            continue
        plain_parts.append(" ")  # keep the pieces apart so checks do not join across a role
        problem = _role_problem(token)
        if problem:
            found.append(problem)
    plain = "".join(plain_parts)
    unknown = ROLE_RE.search(plain)
    if unknown:
        allowed = ", ".join("{" + r + "}" for r in roles) or "none"
        found.append(f"uses the role {{{unknown.group('name')}}}, which data text may not use (allowed: {allowed})")
    for pattern, label in FORBIDDEN:
        match = pattern.search(plain)
        if match and not (unknown and label.startswith("a backtick")):
            found.append(f"contains {label}: {match.group(0).strip()!r}")
    if emphasis and "*" in plain:
        found.append("contains a '*' that is not plain *emphasis*")
    elif not emphasis and _pattern((), True).search(plain):
        found.append("contains *emphasis*, which a plain text field cannot show")
    return tuple(found)


def _role_problem(token: Token) -> str | None:
    if token.kind in ("cite:p", "cite:t"):
        keys = [k.strip() for k in token.content.split(",")]
        bad = [k for k in keys if not KEY_RE.match(k)]
        return f"{{{token.kind}}} has a malformed key {bad[0]!r}" if bad else None
    if token.kind == "para":
        return None if PARA_RE.match(token.content) else f"{{para}} needs one paragraph number, not {token.content!r}"
    if token.kind == "term":
        return None if TERM_RE.match(token.content) else (
            f"{{term}} must name a glossary entry as the glossary writes it, not {token.content!r}")
    if token.kind == "emphasis":
        inner = markup_problems(token.content, roles=(), emphasis=False)
        return f"emphasis {inner[0]}" if inner else None
    return None


def cited_keys(text: str) -> list[str]:
    """Bibliography keys the text cites, in order."""
    return [k.strip() for t in tokens(text) if t.kind in ("cite:p", "cite:t") for k in t.content.split(",")]


def term_target(content: str) -> str:
    """The glossary entry a {term} names."""
    return content.strip()
