"""The theme's icon fonts and stylesheet, cut to the icons the book shows (edition.sphinxext.icon_fonts)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from sphinx.errors import ExtensionError

from edition.sphinxext import icon_fonts


def synthetic_stylesheet() -> str:
    rules = [f'.fa-icon{i}:before{{content:"\\f{i:03x}"}}' for i in range(1200)]
    rules.append('.fa-github:before{content:"\\f09b"}')
    rules.append('.fa-close:before,.fa-xmark:before{content:"\\f00d"}')
    return ".x{color:red}" + "".join(rules) + '.y:after{content:"\\f105"}'


def test_the_stylesheet_keeps_only_the_icons_in_use_and_their_aliases() -> None:
    css, chars = icon_fonts.cut_stylesheet(synthetic_stylesheet(), {"github", "icon7"}, {"xmark", "not-an-icon"})
    assert ".fa-github:before" in css and ".fa-icon7:before" in css and ".fa-close:before,.fa-xmark:before" in css
    assert ".fa-icon8:before" not in css and css.startswith(".x{color:red}") and css.endswith('.y:after{content:"\\f105"}')
    assert chars == {0xF09B, 0xF007, 0xF00D}
    assert icon_fonts.stylesheet_chars(css) >= {0xF09B, 0xF105} and icon_fonts.stylesheet_chars("a{--i:\"\uf058\"}") == {0xF058}


def test_an_icon_a_page_names_but_the_stylesheet_lacks_stops_the_build() -> None:
    with pytest.raises(ExtensionError, match="not-there"):
        icon_fonts.cut_stylesheet(synthetic_stylesheet(), {"github", "not-there"})
    with pytest.raises(ExtensionError, match="changed shape"):
        icon_fonts.cut_stylesheet('.fa-github::before{content:"\\f09b"}', {"github"})


def test_every_icon_the_built_pages_name_is_defined_and_every_icon_character_is_in_the_fonts(built_html: Path) -> None:
    static = built_html / "_static"
    pages, _ = icon_fonts.used_names(built_html)
    assert {"bars", "magnifying-glass", "sun", "moon", "github"} <= pages
    css = (static / icon_fonts.STYLESHEET).read_text(encoding="utf-8")
    defined = {name for rule in icon_fonts.ICON_RULE.finditer(css) for name in icon_fonts.ICON_NAME.findall(rule[0])}
    assert pages <= defined, f"icons without a rule: {sorted(pages - defined)}"
    assert len(defined) < 100, "the stylesheet still carries every Font Awesome icon"
    needed = set()
    for sheet in static.rglob("*.css"):
        needed |= icon_fonts.stylesheet_chars(sheet.read_text(encoding="utf-8", errors="replace"))
    fonts = sorted((static / icon_fonts.FONTS).glob("*.woff2"))
    assert {f.name for f in fonts} == {"fa-brands-400.woff2", "fa-regular-400.woff2", "fa-solid-900.woff2"}
    covered = set()
    for font in fonts:
        data = font.read_bytes()
        assert len(data) < 12_000, f"{font.name}: {len(data)} bytes, not cut"
        cmap = TTFont(io.BytesIO(data)).getBestCmap()
        assert cmap and set(cmap) <= needed, f"{font.name} keeps characters no stylesheet names"
        covered |= set(cmap)
    assert needed <= covered, f"icon characters in no font: {sorted(hex(c) for c in needed - covered)}"
    # the fonts the stylesheet names are the ones cut
    for url in re.findall(r"url\(([^)]*fontawesome[^)]*)\)", css):
        assert (static / "styles" / url.split("?")[0]).resolve().is_file(), url
