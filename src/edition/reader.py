"""The chapters' MyST text made readable in a notebook (JupyterLab, Binder, the .ipynb downloads).

JupyterLab renders Markdown cells as CommonMark: it knows nothing of the book's directives and
roles, so ``{essay} 6-8`` would show as an empty code block and ``{cite:p}`key``` as a raw key.
This module rewrites one Markdown cell's MyST into Markdown and HTML a notebook can show, from
the same seed, data and bibliography the book uses:

- ``{essay}`` blocks: the paragraphs with their ¶ numbers (or the excerpt, in excerpt mode) and
  the margin notes on each;
- citations: author or outlet, title, date, linked to the source;
- ``{para}``: ¶N, linked to the chapter that shows the paragraph when it is another chapter;
- ``{figure-panel}``: the caption, pointing at the figure drawn in the code cell's output;
- the claims ledger, the bibliography and the glossary as lists or tables;
- any other role or directive as its plain text.

Used by ``edition.lab`` (the contents manager ``make lab`` and Binder run), which swaps each
rewritten cell's text back to the original before saving, so the chapter file never changes.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from pathlib import Path

import yaml
from markupsafe import Markup

from edition import essay as essay_mod
from edition import markup
from edition.paths import ROOT

# ```{name} args ... ``` or :::{name} args ... ::: (3 or more fence characters, matched in pairs)
DIRECTIVE = re.compile(
    r"^(?P<fence>`{3,}|:{3,})\{(?P<name>[\w:-]+)\}[ \t]*(?P<args>[^\n]*)\n(?P<body>.*?)^(?P=fence)[ \t]*$",
    re.MULTILINE | re.DOTALL,
)
ROLE = re.compile(r"\{(?P<name>[\w:-]+)\}`(?P<text>[^`]*)`")
TARGET = re.compile(r"^\((?P<label>[\w.:-]+)\)=[ \t]*\n", re.MULTILINE)
OPTION = re.compile(r"^:[\w-]+:.*$\n?", re.MULTILINE)
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


@lru_cache(maxsize=1)
def _essay() -> essay_mod.Essay:
    return essay_mod.load()


@lru_cache(maxsize=1)
def _tables():
    from edition import data

    return data.load_tables()


@lru_cache(maxsize=1)
def _bibliography():
    from edition import data

    return data.load_bibliography()


@lru_cache(maxsize=1)
def essay_mode() -> str:
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    return config.get("sphinx", {}).get("config", {}).get("edition_essay_mode", "full")


@lru_cache(maxsize=1)
def paragraph_pages() -> dict[int, str]:
    return essay_mod.paragraph_pages(ROOT / "chapters")


# ---- inline roles ---------------------------------------------------------------------------

def _bib_text(value: str) -> str:
    """A BibTeX field as plain text: braces and the common escapes removed."""
    return re.sub(r"[{}]", "", value).replace("\\&", "&").replace("--", "–")


def citation(key: str) -> str:
    """One source as a reader sees it: author or outlet, “title,” date, linked to the source."""
    bib = _bibliography()
    if key not in bib.entries:
        raise KeyError(f"data/references.bib has no entry {key!r}")
    entry = bib.entries[key]
    fields = entry.fields
    authors = entry.persons.get("author", [])
    who = ", ".join(" ".join([*p.first_names, *p.middle_names, *p.prelast_names, *p.last_names]) for p in authors)
    outlet = _bib_text(fields.get("howpublished", fields.get("journal", fields.get("publisher", ""))))
    month = fields.get("month", "")
    month_name = next((m for m in MONTHS if month and m.lower().startswith(month.strip().lower()[:3])), month)
    date = " ".join(part for part in (fields.get("day", ""), month_name, fields.get("year", "")) if part)
    parts = [p for p in (_bib_text(who), outlet) if p]
    return str(markup.render("reader_citation", parts=parts, title=_bib_text(fields.get("title", key)), date=date,
                             url=fields.get("url", "")))


def _cite(text: str) -> str:
    keys = [k.strip() for k in text.split(",") if k.strip()]
    return "(" + "; ".join(citation(k) for k in keys) + ")"


def _label_and_target(text: str) -> tuple[str, str]:
    """`shown text <target>` or `target`."""
    match = re.fullmatch(r"(?s)\s*(.*?)\s*<([^<>]+)>\s*", text)
    return (match.group(1), match.group(2)) if match else (text, text)


def _para(text: str, page: str) -> str:
    number = int(text.strip())
    home = paragraph_pages().get(number)
    if home and home != page:
        return f"[¶{number}]({home}.md)"
    return f"¶{number}"


def _download(text: str, page: str) -> str:
    label, target = _label_and_target(text)
    if target.startswith("/"):
        return f"`{label}` (made by the book's build)"
    return f"[{label}]({target})"


def render_roles(text: str, page: str) -> str:
    """Inline MyST roles replaced by what a reader should see."""
    def one(match: re.Match) -> str:
        name, body = match.group("name"), match.group("text")
        if name.startswith("cite"):
            return _cite(body)
        if name == "para":
            return _para(body, page)
        if name == "download":
            return _download(body, page)
        if name in ("cutoff", "verdict"):  # values computed from data/ (edition.verdicts)
            from edition import verdicts

            if name == "cutoff":
                return verdicts.us_date(verdicts.evidence_cutoff(_tables()))
            claims = verdicts.claim_verdicts(_tables()).set_index("claim_id")
            return verdicts.words(claims.loc[body.strip(), "verdict"]) if body.strip() in claims.index else body
        if name in ("doc", "ref", "numref", "term", "abbr", "sup", "sub"):
            label, _ = _label_and_target(body)
            return label
        return body

    return ROLE.sub(one, text)


def data_text(text: str, page: str) -> str:
    """A text field from data/ (a margin note) as HTML, read by the edition's data-text tokenizer:
    plain text escaped, emphasis, citations, paragraph links and glossary terms, nothing else."""
    from edition import datatext

    out = []
    for token in datatext.tokens(str(text)):
        if token.kind == "text":
            out.append(_e(token.content))
        elif token.kind == "emphasis":
            out.append(f"<em>{_e(token.content)}</em>")
        elif token.kind.startswith("cite"):
            out.append(_cite(token.content))
        elif token.kind == "para":
            number = int(token.content)
            home = paragraph_pages().get(number)
            out.append(f'<a href="{_e(home)}.md">¶{number}</a>' if home and home != page else f"¶{number}")
        else:
            out.append(_e(token.content))
    return "".join(out)


# ---- directives ------------------------------------------------------------------------------

def essay_block(spec: str, page: str = "") -> str:
    """The essay's paragraphs, numbered, with the edition's notes on each (HTML)."""
    essay = _essay()
    numbers = essay_mod.parse_range(spec, len(essay.paragraphs))
    first, last = numbers[0], numbers[-1]
    span = f"¶{first}" if first == last else f"¶{first}–{last}"
    mode = essay_mode()
    notes = _tables()["annotations"] if mode == "full" else None
    paragraphs = []
    for number in numbers:
        para = essay.paragraph(number)
        if mode == "full":
            rows = notes[notes["paragraph"] == number]
            paragraphs.append({"anchor": para.anchor, "number": number, "text": para.text, "original": "",
                               "notes": [{"kind": r.kind, "html": Markup(data_text(r.note, page))}
                                         for r in rows.itertuples()]})
        else:
            paragraphs.append({"anchor": para.anchor, "number": number, "text": para.opening(),
                               "original": essay.provenance.canonical_url, "notes": []})
    return markup.render("reader_essay", span=span, paragraphs=paragraphs)


def figure_panel(name: str, caption: str, page: str) -> str:
    caption = " ".join(line.strip() for line in OPTION.sub("", caption).splitlines() if line.strip())
    return (f"**Figure ({name}).** {render_roles(caption, page)}\n\n"
            "*Drawn in the output of the code cell above when the chapter runs (Run All), followed by "
            "its summary, data and sources.*")


def claims_ledger(spec: str) -> str:
    essay = _essay()
    tables = _tables()
    numbers = (range(1, len(essay.paragraphs) + 1) if spec.strip() == "all"
               else essay_mod.parse_range(spec, len(essay.paragraphs)))
    from edition import verdicts

    claims = verdicts.claim_verdicts(tables)
    claims = claims[claims["paragraph"].isin(list(numbers))]
    headers = ("Claim", "Paragraph", "Type", "Verdict", "Evidence to", "In the edition's words")
    rows = [[c.claim_id, f"¶{c.paragraph}", c.claim_type,
             verdicts.words(c.verdict) + ("" if c.judged_in == "ledger" else f" (scorecard {c.judged_in})"),
             "" if str(c.evidence_to) == "NaT" else verdicts.us_date(c.evidence_to), c.summary]
            for c in claims.itertuples()]
    return markup.render("reader_ledger", headers=headers, rows=rows)


def bibliography() -> str:
    bib = _bibliography()
    keys = sorted(bib.entries, key=lambda k: _bib_text(bib.entries[k].fields.get("title", k)).lower())
    return "\n".join(f"- {citation(k)}" for k in keys)


def glossary(body: str, page: str) -> str:
    """A definition list (term, then indented definition) as bold terms with their text."""
    out, term, definition = [], None, []
    for line in body.splitlines() + [""]:
        if line and not line[0].isspace():
            if term:
                out.append(f"**{term}**: {' '.join(definition)}")
            term, definition = line.strip(), []
        elif line.strip():
            definition.append(line.strip())
    if term:
        out.append(f"**{term}**: {' '.join(definition)}")
    return "\n\n".join(render_roles(item, page) for item in out)


def directive(name: str, args: str, body: str, page: str) -> str:
    if name == "essay":
        return essay_block(args, page)
    if name == "figure-panel":
        return figure_panel(args.strip(), body, page)
    if name == "claims-ledger":
        return claims_ledger(args)
    if name == "bibliography":
        return bibliography()
    if name == "glossary":
        return glossary(body, page)
    if name == "essay-front-matter":
        prov = _essay().provenance
        return (f"*{_e(prov.title)}*, by {_e(' and '.join(prov.authors))}, {_e(prov.publisher)}, "
                f"{_e(prov.published)}: <{prov.canonical_url}>")
    if name in ("data-dictionary", "data-table"):
        return (f"*The book shows the {args.strip()} table's {name.replace('-', ' ')} here; the table is "
                f"[data/{args.strip()}.csv](../data/{args.strip()}.csv), described in "
                "[data/datapackage.json](../data/datapackage.json).*")
    if name in ("note", "tip", "important", "warning", "caution", "attention", "admonition", "seealso"):
        title = args.strip() or name.capitalize()
        text = render_roles(OPTION.sub("", body).strip(), page)
        return "\n".join(f"> {line}" if line else ">" for line in [f"**{title}**", "", *text.splitlines()])
    # anything else: its content as text
    return render_roles(OPTION.sub("", body).strip(), page)


def render_cell(source: str, page: str) -> str | None:
    """The cell's text for a notebook reader, or None when it holds no MyST to rewrite."""
    if not (DIRECTIVE.search(source) or ROLE.search(source) or TARGET.search(source)):
        return None
    text = TARGET.sub("", source)
    pieces, last = [], 0
    for match in DIRECTIVE.finditer(text):
        pieces.append(render_roles(text[last:match.start()], page))
        pieces.append(directive(match.group("name"), match.group("args"), match.group("body"), page))
        last = match.end()
    pieces.append(render_roles(text[last:], page))
    return "".join(pieces).strip("\n")


def page_of(path: str | Path) -> str:
    """The page name (file stem) of a chapter path."""
    return Path(path).stem
