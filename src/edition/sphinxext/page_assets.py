"""What every page loads: the theme's icon script dropped (the icon fonts stay), search scripts deferred.

pydata-sphinx-theme styles its icons twice: its CSS carries Font Awesome's web fonts, and it also
loads fontawesome.js (1.5 MB), which redraws the same icons as SVG. The fonts alone draw every
icon the book shows, so the script is left out of each page and out of _static. The theme also
loads Sphinx's search scripts and index synchronously in <head> on every page, for its search
dialog; they are deferred, which keeps their order and runs them before DOMContentLoaded.

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


def with_deferred_search(pagename: str, html: str) -> str:
    out, found = SEARCH_SCRIPT.subn(r'<script defer src="\1"></script>', html)
    if pagename != "search" and found != 3:
        raise ExtensionError(f"edition: {pagename}: expected the theme's 3 search scripts in <head>, found {found}")
    return out


def add_filters(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    context["edition_without_icon_script"] = without_icon_script
    context["edition_with_deferred_search"] = lambda html: with_deferred_search(pagename, html)


def add_templates(app: Sphinx, config: Config) -> None:
    config.templates_path.insert(0, str(TEMPLATES))


def setup(app: Sphinx) -> None:
    app.connect("config-inited", add_templates)
    app.connect("html-page-context", add_filters)
