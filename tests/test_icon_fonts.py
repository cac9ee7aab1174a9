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


def test_a_build_that_starts_from_an_already_cut_site_cuts_again_from_the_theme(tmp_path: Path) -> None:
    # atomic_output starts a rebuild from a copy of the published site, whose stylesheet and fonts
    # are already cut, and Sphinx leaves a newer static file in place: the cut must read the theme's
    # own files, or the second build stops on a stylesheet of 20 rules.
    import shutil
    from types import SimpleNamespace

    import pydata_sphinx_theme

    theme_dir = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme"
    out = tmp_path / "html"
    for relative in (icon_fonts.STYLESHEET, icon_fonts.FONTS):
        source = theme_dir / "static" / relative
        target = out / "_static" / relative
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    (out / "index.html").write_text('<i class="fa-brands fa-github"></i><i class="fa-solid fa-sun"></i>', encoding="utf-8")
    theme = SimpleNamespace(get_theme_dirs=lambda: [str(theme_dir)])
    app = SimpleNamespace(outdir=str(out), srcdir=str(tmp_path), builder=SimpleNamespace(name="html", theme=theme))
    icon_fonts.cut_icons(app, None)
    first = {p: p.read_bytes() for p in sorted((out / "_static").rglob("*")) if p.is_file()}
    assert ".fa-github:before" in (out / "_static" / icon_fonts.STYLESHEET).read_text(encoding="utf-8")
    icon_fonts.cut_icons(app, None)  # the output now holds the cut copies
    second = {p: p.read_bytes() for p in sorted((out / "_static").rglob("*")) if p.is_file()}
    assert second == first


def test_cutting_a_font_tells_the_build_log_nothing_unless_it_warns(built_html: Path, caplog) -> None:
    """fontTools reports every table it prunes at INFO; a clean build printed some 80 such lines."""
    import logging

    font = next(built_html.glob("_static/**/fa-brands-400.woff2"))
    with caplog.at_level(logging.INFO):
        logging.getLogger("fontTools").setLevel(logging.NOTSET)  # as a fresh build process finds it
        cut = icon_fonts.cut_font(font.read_bytes(), {0xF09B}, "woff2")
    assert TTFont(io.BytesIO(cut)).getBestCmap().keys() >= {0xF09B}
    chatter = [r.getMessage()[:80] for r in caplog.records if r.name.startswith("fontTools") and r.levelno < logging.WARNING]
    assert not chatter, chatter[:3]
