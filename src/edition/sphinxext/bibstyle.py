"""The bibliography's style: titles exactly as the pages gave them, full dates, a short link.

sphinxcontrib-bibtex formats every entry again on every build, an unchanged one included (about
1 s for some 470 entries, most of it in decoding LaTeX). Here each formatted entry is kept with
the environment, under everything in the entry, and reused while the style is the
same: the files that define it and the versions of the libraries that format (STYLE_FILES,
STYLE_PACKAGES). An edited entry is formatted again; an edited style formats them all again, and
the pages that cite or list sources are read again, so that they show the new rendering
(:func:`note_style_dependency`).

The entries are also kept on disk beside the book (DISK_CACHE, one file per style digest, written
when a build formatted any entry anew), for a build without a saved environment: after
`make clean`, or in a copy of the book that carries the folder. They are looked up under the
same keys, so a build uses them exactly where it would have formatted the same entry the same way.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from importlib.metadata import PackageNotFoundError, entry_points, version
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pybtex.plugin
from edition.lazy import lazy_module
from pybtex.plugin import register_plugin
from pybtex.style import FormattedEntry
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.template import field, href, join, optional, sentence, words

rules_sources = lazy_module("edition.rules_sources")  # its TIERS name the quality tiers; loaded when an entry is formatted
MONTHS = {m[:3].lower(): m for m in ["January", "February", "March", "April", "May", "June", "July", "August",
                                       "September", "October", "November", "December"]}


class EditionStyle(UnsrtStyle):
    """unsrt, but without sentence-casing titles (which turned 'Iran' into 'iran'), with dates
    written as the house style has them ("May 6, 1983"), and with the link shown as its host
    rather than the whole address twice. A dollar sign, escaped in the file for biber, is shown
    as the sign itself (pybtex decodes \\& but leaves \\$ as typed)."""

    default_sorting_style = "none"
    # entry -> its formatted entry, lent by the build (see keep_formatted_entries)
    formatted: dict[tuple, Any] | None = None
    previously: dict[tuple, Any] = {}
    formatted_anew = False  # whether this build formatted an entry it had not kept

    def format_entry(self, label, entry, bib_data=None):
        if self.formatted is None or bib_data is not None:
            return self._format_entry(label, entry, bib_data)
        key = entry_fingerprint(entry)
        kept = self.formatted.get(key) or self.previously.get(key)
        if kept is None:
            kept = self._format_entry(label, entry, None)
            EditionStyle.formatted_anew = True
        elif kept.label != label:
            # numbered anew (the order of first citation changed): pybtex's format_entry makes the
            # text from the entry alone and puts the label beside it (test_bibstyle checks this)
            kept = FormattedEntry(kept.key, kept.text, label)
        self.formatted[key] = kept
        return kept

    def _format_entry(self, label, entry, bib_data=None):
        fields = {name: value.replace("\\$", "$") for name, value in entry.fields.items()}
        copy = entry.__class__(entry.type, fields=fields, persons=entry.persons)
        copy.key = entry.key
        entry = copy
        month = entry.fields.get("month", "")
        if month:
            entry.fields["month"] = MONTHS.get(month.strip().lower()[:3], month)
        quality = entry.fields.get("quality", "")
        if quality:
            entry.fields["qualitylabel"] = rules_sources.TIERS.get(quality, quality).lower()
        url = entry.fields.get("url", "")
        if url:
            entry.fields["urlhost"] = urlsplit(url).netloc.removeprefix("www.")
        return super().format_entry(label, entry, bib_data=bib_data)

    def get_misc_template(self, e):
        return join(sep=" ")[
            optional[sentence[self.format_names("author")]],
            sentence[field("title")],
            sentence[field("howpublished"), optional[words[optional[field("month")],
                                                           optional[join[field("day"), ","]],
                                                           field("year")]]],
            optional[sentence[field("note")]],
            optional[sentence[join["Source quality: ", field("qualitylabel", raw=True)]]],
            optional[sentence[join[href(field("url", raw=True))[field("urlhost", raw=True)],
                                   optional[join[", consulted ", field("urldate", raw=True)]]]]],
        ]


def register_installed_plugins() -> None:
    """Hold pybtex's installed plugins in its runtime registry, so a lookup is a dictionary access.

    pybtex finds an installed plugin (a backend, a style) by reading every installed package's
    entry points, and does so on each lookup; sphinxcontrib-bibtex looks one up for each citation
    it resolves, several hundred a build, which cost about 5 s of an unchanged rebuild. The same
    classes are registered under the same names, read once; runtime plugins are searched first.
    """
    installed = entry_points()  # read once
    runtime = pybtex.plugin._RUNTIME_PLUGINS
    for base in pybtex.plugin._DEFAULT_PLUGINS:
        for group in (base, f"{base}.aliases", f"{base}.suffixes"):
            for point in installed.select(group=group):
                if point.name in runtime.get(group, {}):
                    continue  # registered at run time already (this book's style): that one wins, as before
                try:
                    klass = point.load()
                except ImportError:
                    continue  # an optional plugin that cannot load fails at its lookup, as before
                runtime.setdefault(group, {})[point.name] = klass


def entry_fingerprint(entry) -> tuple:
    """Everything in an entry that its formatting reads: type, key, fields in order, persons."""
    parts = ("first_names", "middle_names", "prelast_names", "last_names", "lineage_names")
    persons = tuple((role, tuple(tuple(tuple(getattr(person, part)) for part in parts) for person in people))
                    for role, people in entry.persons.items())
    return (entry.type, entry.key, tuple(entry.fields.items()), persons)


# What the formatting of an entry depends on besides the entry: this module, the tiers it names
# (rules_sources), and the libraries that do the formatting.
STYLE_FILES = (Path(__file__).resolve(), Path(__file__).resolve().parents[1] / "rules_sources.py")
STYLE_PACKAGES = ("pybtex", "latexcodec", "sphinxcontrib-bibtex", "pybtex-docutils")


def style_digest() -> str:
    digest = hashlib.sha256()
    for path in STYLE_FILES:
        digest.update(path.read_bytes())
    for name in STYLE_PACKAGES:
        try:
            digest.update(f"{name}=={version(name)}".encode())
        except PackageNotFoundError:
            digest.update(f"{name} absent".encode())
    return digest.hexdigest()


MEMO = "edition_formatted_bibliography"  # on the environment: {"style": digest, "entries": {...}}
DISK_CACHE = "_build/.bibliography"  # under the book's folder, as the icon fonts' (make clean keeps it)


def _disk_file(app, digest: str) -> Path | None:
    return None if app is None else Path(app.srcdir) / DISK_CACHE / f"{digest}.pickle"


def _read_disk(app, digest: str) -> dict[tuple, Any]:
    path = _disk_file(app, digest)
    try:
        entries = pickle.loads(path.read_bytes()) if path is not None else {}
    except Exception:  # absent, partly written or from another pybtex: formatted anew
        return {}
    return entries if isinstance(entries, dict) else {}


def _write_disk(app, digest: str, entries: dict[tuple, Any]) -> None:
    path = _disk_file(app, digest)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}")
        partial.write_bytes(pickle.dumps(entries, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(partial, path)
        for stale in path.parent.glob("*.pickle"):
            if stale != path:
                stale.unlink(missing_ok=True)  # another style's entries: never looked up again
    except OSError:
        pass  # a read-only checkout formats again next time; it only cannot keep them


def lend_formatted_entries(app, env) -> list[str]:
    """Before sphinxcontrib-bibtex formats the entries: hand the style what the last build kept
    (with the environment, or else on disk)."""
    kept = getattr(env, MEMO, None)
    digest = style_digest()
    if isinstance(kept, dict) and kept.get("style") == digest:
        EditionStyle.previously = kept["entries"]
    else:
        EditionStyle.previously = _read_disk(app, digest)
    EditionStyle.formatted, EditionStyle.formatted_anew = {}, False
    env.edition_bibliography_style = digest
    return []


def keep_formatted_entries(app, env) -> list[str]:
    """After: keep exactly the entries this build formatted or reused, with the environment, and
    on disk when any was formatted anew."""
    if EditionStyle.formatted is not None:
        setattr(env, MEMO, {"style": env.edition_bibliography_style, "entries": EditionStyle.formatted})
        if EditionStyle.formatted_anew:
            _write_disk(app, env.edition_bibliography_style, EditionStyle.formatted)
    EditionStyle.formatted, EditionStyle.previously, EditionStyle.formatted_anew = None, {}, False
    return []


def note_style_dependency(app, doctree) -> None:
    """A page that cites or lists sources depends on the files that define the style."""
    env = app.env
    domain = env.domains.get("cite")
    if domain is None:
        return
    docname = env.docname
    cites = any(ref.docname == docname for ref in domain.citation_refs)
    lists = any(key.docname == docname for key in domain.bibliographies)
    if cites or lists:
        for path in STYLE_FILES:
            env.note_dependency(str(path))


def register() -> None:
    register_plugin("pybtex.style.formatting", "edition", EditionStyle)
    register_installed_plugins()


def setup(app) -> dict[str, Any]:
    register()
    # sphinxcontrib-bibtex formats the entries in its env-updated handler (default priority 500)
    app.connect("env-updated", lend_formatted_entries, priority=100)
    app.connect("env-updated", keep_formatted_entries, priority=900)
    app.connect("doctree-read", note_style_dependency)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
