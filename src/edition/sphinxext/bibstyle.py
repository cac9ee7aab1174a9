"""The bibliography's style: titles exactly as the pages gave them, full dates, a short link."""

from __future__ import annotations

from importlib.metadata import entry_points
from urllib.parse import urlsplit

import pybtex.plugin
from edition.rules_sources import TIERS
from pybtex.plugin import register_plugin
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.template import field, href, join, optional, sentence, words

MONTHS = {m[:3].lower(): m for m in ["January", "February", "March", "April", "May", "June", "July", "August",
                                       "September", "October", "November", "December"]}


class EditionStyle(UnsrtStyle):
    """unsrt, but without sentence-casing titles (which turned 'Iran' into 'iran'), with dates
    written as the house style has them ("May 6, 1983"), and with the link shown as its host
    rather than the whole address twice. A dollar sign, escaped in the file for biber, is shown
    as the sign itself (pybtex decodes \\& but leaves \\$ as typed)."""

    default_sorting_style = "none"

    def format_entry(self, label, entry, bib_data=None):
        fields = {name: value.replace("\\$", "$") for name, value in entry.fields.items()}
        copy = entry.__class__(entry.type, fields=fields, persons=entry.persons)
        copy.key = entry.key
        entry = copy
        month = entry.fields.get("month", "")
        if month:
            entry.fields["month"] = MONTHS.get(month.strip().lower()[:3], month)
        quality = entry.fields.get("quality", "")
        if quality:
            entry.fields["qualitylabel"] = TIERS.get(quality, quality).lower()
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
            optional[sentence[join[href[field("url", raw=True), field("urlhost", raw=True)],
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


def register() -> None:
    register_plugin("pybtex.style.formatting", "edition", EditionStyle)
    register_installed_plugins()
