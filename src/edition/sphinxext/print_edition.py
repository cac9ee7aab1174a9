"""The print edition's hooks in the site: the print stylesheet and a link to the PDF on every page."""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

from edition.pdf import PDF_NAME

PDF_LINK_CLASS = "edition-pdf-link"


def add_pdf_link(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """End each page's article with a link to the whole book as a PDF (made by `make pdf`)."""
    if doctree is None or "body" not in context:
        return
    href = context["pathto"](PDF_NAME, 1)
    context["body"] += (
        f'<p class="{PDF_LINK_CLASS} edition-no-print"><a href="{href}" download>'
        "The whole book as a PDF</a> (A4, with every note, figure and source).</p>"
    )


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_css_file("edition/print.css", media="print")
    app.connect("html-page-context", add_pdf_link)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
