"""The bibliography's style: titles exactly as the pages gave them, full dates, a short link."""

from __future__ import annotations

from urllib.parse import urlsplit

from edition.rules_sources import TIERS
from pybtex.plugin import register_plugin
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.template import field, href, join, optional, sentence, words

MONTHS = {m[:3].lower(): m for m in ["January", "February", "March", "April", "May", "June", "July", "August",
                                       "September", "October", "November", "December"]}


class EditionStyle(UnsrtStyle):
    """unsrt, but without sentence-casing titles (which turned 'Iran' into 'iran'), with the day and
    month spelled out, and with the link shown as its host rather than the whole address twice."""

    default_sorting_style = "none"

    def format_entry(self, label, entry, bib_data=None):
        copy = entry.__class__(entry.type, fields=dict(entry.fields), persons=entry.persons)
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
            sentence[field("howpublished"), optional[words[optional[field("day")], optional[field("month")],
                                                           field("year")]]],
            optional[sentence[field("note")]],
            optional[sentence[join["Source quality: ", field("qualitylabel", raw=True)]]],
            optional[sentence[join[href[field("url", raw=True), field("urlhost", raw=True)],
                                   optional[join[", consulted ", field("urldate", raw=True)]]]]],
        ]


def register() -> None:
    register_plugin("pybtex.style.formatting", "edition", EditionStyle)
