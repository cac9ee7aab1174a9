"""What every page loads: the theme's icon script dropped (the icon fonts stay), search scripts only where used.

pydata-sphinx-theme styles its icons twice: its CSS carries Font Awesome's web fonts, and it also
loads fontawesome.js (1.5 MB), which redraws the same icons as SVG. The fonts alone draw every
icon the book shows, so the script is left out of each page and out of _static. The theme also
loads Sphinx's search scripts and index (about 130 KB) synchronously in <head> on every page,
for its search-as-you-type dialog. With that option off (the default, and this book's setting),
the dialog only sends the query to search.html, which loads the scripts itself, and nothing on
another page calls them: there they are left out. With the option on, they are deferred, which
keeps their order and runs them before DOMContentLoaded.

The themes' and extensions' other scripts (Sphinx's doctools and highlighting, the copy and
toggle buttons, the book theme's script, sphinx-design's tabs) are written as plain <script>
tags in <head>, each of which holds the page's first paint until it has been fetched and run
(Lighthouse lists them as render-blocking). Each of them waits for the document to be parsed
before it does anything, so they are deferred: they still run in the same order, before
DOMContentLoaded. documentation_options.js stays as it is: the inline scripts after it set
its values; and the search page keeps them all as they are, as its own search scripts call
doctools.js while they load. The edition's own theme-mode.js, which must run before first paint, is written
into the page (the Content-Security-Policy hashes it, edition.sphinxext.csp).

templates/layout.html passes the theme's own blocks through the two functions below, so the
theme's markup is kept and only these tags change. Each fails the build if its tag is not found
(a theme upgrade that moved it would otherwise undo the change unnoticed).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ExtensionError

TEMPLATES = Path(__file__).resolve().parent / "templates"
ICON_SCRIPT = re.compile(r'[ \t]*<script\b[^>]*\ssrc="[^"]*_static/scripts/fontawesome\.js[^"]*"[^>]*>\s*</script>\n?')
SEARCH_SCRIPT = re.compile(r'<script src="([^"]*(?:_static/searchtools|_static/language_data|searchindex)\.js)"></script>')
UNLOADED_ICON_SCRIPT = ("scripts/fontawesome.js", "scripts/fontawesome.js.LICENSE.txt")


def without_icon_script(html: str) -> str:
    out, found = ICON_SCRIPT.subn("", html)
    if found != 1:
        raise ExtensionError(f"edition: expected the theme's fontawesome.js tag once in <head>, found it {found} times")
    return out


def search_scripts(pagename: str, html: str, as_you_type: bool) -> str:
    """The theme's <head> with its search scripts deferred (search as you type) or left out (search page only)."""
    out, found = SEARCH_SCRIPT.subn(r'<script defer src="\1"></script>' if as_you_type else "", html)
    if pagename != "search" and found != 3:
        raise ExtensionError(f"edition: {pagename}: expected the theme's 3 search scripts in <head>, found {found}")
    return out


# scripts of the themes and extensions that only act once the document is parsed (checked by hand
# against each file: they wait for DOMContentLoaded or readyState); see the module's docstring
DEFERRED_SCRIPTS = ("doctools.js", "sphinx_highlight.js", "clipboard.min.js", "copybutton.js",
                    "scripts/sphinx-book-theme.js", "togglebutton.js", "design-tabs.js")


def defer_scripts(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """The page's copy of its script list, with DEFERRED_SCRIPTS deferred (Sphinx's assets are immutable)."""
    from sphinx.builders.html._assets import _JavaScript

    files = context.get("script_files")
    if not files or pagename == "search":
        return  # the search page's own scripts, synchronous, call doctools.js as they load
    out = []
    for js in files:
        name = str(js.filename or "").split("?")[0].removeprefix("_static/")
        if name in DEFERRED_SCRIPTS and not {"defer", "async"} & set(js.attributes):
            js = _JavaScript(js.filename, priority=js.priority, **js.attributes, defer="defer")
        out.append(js)
    context["script_files"] = out


def _on(value: Any) -> bool:
    return value is True or str(value).strip().lower() in ("true", "1", "yes")


def add_filters(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    context["edition_without_icon_script"] = without_icon_script
    as_you_type = _on(context.get("theme_search_as_you_type", False))
    context["edition_search_scripts"] = lambda html: search_scripts(pagename, html, as_you_type)


def add_templates(app: Sphinx, config: Config) -> None:
    config.templates_path.insert(0, str(TEMPLATES))


def setup(app: Sphinx) -> None:
    app.connect("config-inited", add_templates)
    app.connect("html-page-context", add_filters)
    app.connect("html-page-context", defer_scripts, priority=900)
