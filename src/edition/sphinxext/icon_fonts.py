"""The theme's Font Awesome icons cut to the ones the book shows: fonts and stylesheet.

pydata-sphinx-theme draws its icons (menu, search, theme switch, download, GitHub…) with Font
Awesome's web fonts: 300 KB of WOFF2 for 2,000 icons, of which the book shows about twenty, and
a stylesheet with one rule per icon (86 KB of its 400). The fonts are fetched at the highest
priority as soon as the page's header is laid out, so on a phone's connection they compete with
the page's own text (Lighthouse counts them in first paint). After the HTML build:

- the icons in use are the ``fa-*`` class names in the built pages and in the scripts under
  _static (the theme's scripts set a few classes themselves);
- the stylesheet keeps the icon rules of those names and drops the others;
- each Font Awesome font keeps the glyphs of those icons plus every other private-use character
  any stylesheet in _static names, escaped or written out (the theme's own rules and its
  ``--pst-icon-*`` variables: chevrons, admonition and link icons), and nothing else.

A name that is written in a page but not found in the stylesheet, or a stylesheet rule of an
unexpected shape, stops the build: a theme upgrade must not leave a blank icon unnoticed.
The stylesheet and fonts are always cut from the theme's own files, never from the copies in
the output folder: a build that starts from a copy of the published site (atomic_output) finds
the copies already cut, and Sphinx does not copy a static file over one that is newer.
The cut fonts are cached in _build/.icon-fonts by a digest of the font and the characters kept,
so a rebuild does not redo them.
"""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

STYLESHEET = "styles/pydata-sphinx-theme.css"
FONTS = "vendor/fontawesome/webfonts"
# an icon rule as Font Awesome 6 writes it: .fa-name:before,.fa-alias:before{content:"\f00d"}
ICON_RULE = re.compile(r'(?P<selectors>(?:\.fa-[a-z0-9-]+:{1,2}before,?)+)\{content:"(?P<char>\\[0-9a-f]{1,6})"\}')
ICON_NAME = re.compile(r"\.fa-([a-z0-9-]+):{1,2}before")
# a class attribute or a script string naming an icon
USED_NAME = re.compile(r"\bfa-([a-z0-9]+(?:-[a-z0-9]+)*)")
# a character of the private-use area (where Font Awesome's icons are) named in a stylesheet, as
# an escape ("\f107") or written out (the theme's --pst-icon-* variables)
CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{4,6})")
PRIVATE_USE = range(0xE000, 0xF900)
PRIVATE_USE_CHAR = re.compile(f"[{chr(PRIVATE_USE.start)}-{chr(PRIVATE_USE.stop - 1)}]")
# fa-* classes that style an icon rather than name one (sizes, families, animation)
NOT_ICONS = {"solid", "regular", "brands", "lg", "xs", "sm", "xl", "2xl", "fw", "spin", "pulse", "inverse",
             "border", "pull-left", "pull-right", "stack", "stack-1x", "stack-2x", "flip", "rotate-90",
             "rotate-180", "rotate-270", "beat", "fade", "bounce", "shake", "ul", "li", "1x", "2x", "3x", "xmarks"}
CACHE = "_build/.icon-fonts"


def used_names(outdir: Path) -> tuple[set[str], set[str]]:
    """Icon names in the built pages' class attributes, and "fa-" names in the scripts under _static."""
    pages: set[str] = set()
    for page in outdir.rglob("*.html"):
        if "_static" in page.relative_to(outdir).parts:
            continue
        for classes in re.findall(r'class="([^"]*\bfa-[^"]*)"', page.read_text(encoding="utf-8")):
            pages.update(USED_NAME.findall(classes))
    scripts: set[str] = set()
    for script in (outdir / "_static").rglob("*.js"):
        if "plotly" in script.name:
            continue  # plotly.js draws with SVG; its "fa-" strings are not Font Awesome's
        scripts.update(USED_NAME.findall(script.read_text(encoding="utf-8", errors="replace")))
    return pages - NOT_ICONS, scripts - NOT_ICONS


def cut_stylesheet(css: str, names: set[str], maybe: set[str] = frozenset()) -> tuple[str, set[int]]:
    """The stylesheet with only the icon rules of `names` (and of `maybe`, names a script may
    set, where the stylesheet defines them); and the characters those rules draw."""
    kept_chars: set[int] = set()
    defined: set[str] = set()

    def one(match: re.Match[str]) -> str:
        rule_names = set(ICON_NAME.findall(match.group("selectors")))
        defined.update(rule_names)
        if rule_names & (names | maybe):
            kept_chars.add(int(match.group("char")[1:], 16))
            return match.group(0)
        return ""

    out, count = ICON_RULE.subn(one, css)
    if count < 1000:
        raise ExtensionError(f"edition: {STYLESHEET}: found {count} Font Awesome icon rules, expected about 2,000; "
                             "the theme's stylesheet changed shape (see edition.sphinxext.icon_fonts)")
    missing = sorted(n for n in names if n not in defined)
    if missing:
        raise ExtensionError(f"edition: icons used by the pages but not defined in {STYLESHEET}: {missing}")
    return out, kept_chars


def stylesheet_chars(css: str) -> set[int]:
    """Private-use characters a stylesheet names, escaped or written out."""
    escaped = {int(code, 16) for code in CSS_ESCAPE.findall(css)}
    written = {ord(ch) for ch in set(PRIVATE_USE_CHAR.findall(css))}
    return {c for c in escaped | written if c in PRIVATE_USE}


def cut_font(data: bytes, chars: set[int], flavor: str | None) -> bytes:
    import logging

    from fontTools import subset
    from fontTools.ttLib import TTFont

    # fontTools reports each table it prunes at INFO, which reached the build's output (some 80
    # lines per clean build); its warnings still do
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    options = subset.Options()
    options.flavor = flavor
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = TTFont(io.BytesIO(data))
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(unicodes=sorted(chars))
    subsetter.subset(font)
    out = io.BytesIO()
    font.flavor = flavor
    font.save(out)
    return out.getvalue()


def cut_fonts(source: Path, fonts: Path, chars: set[int], cache: Path) -> None:
    """Each font of the theme's `source` folder, cut to `chars`, written over its copy in `fonts`."""
    cache.mkdir(parents=True, exist_ok=True)
    key = ",".join(f"{c:x}" for c in sorted(chars))
    for path in sorted(source.glob("fa-*")):
        flavor = {".woff2": "woff2", ".ttf": None}.get(path.suffix, "skip")
        if flavor == "skip":
            continue
        data = path.read_bytes()
        digest = hashlib.sha256(data + key.encode()).hexdigest()[:20]
        cached = cache / f"{path.stem}-{digest}{path.suffix}"
        if not cached.is_file():
            cached.write_bytes(cut_font(data, chars, flavor))
        (fonts / path.name).write_bytes(cached.read_bytes())


def theme_static(app: Sphinx, relative: str) -> Path:
    """The theme's own copy of a static file or folder, not the one in the output folder (the
    theme's dir comes before its base themes', and its files are the ones Sphinx publishes)."""
    found = [Path(d) / "static" / relative for d in app.builder.theme.get_theme_dirs()]
    found = [p for p in found if p.exists()]
    if not found:
        raise ExtensionError(f"edition: the theme ships no static/{relative} (see edition.sphinxext.icon_fonts)")
    return found[0]


def cut_icons(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.name not in ("html", "dirhtml"):
        return
    outdir = Path(app.outdir)
    stylesheet = outdir / "_static" / STYLESHEET
    fonts = outdir / "_static" / FONTS
    if not stylesheet.is_file() or not fonts.is_dir():
        raise ExtensionError(f"edition: the theme's {STYLESHEET} or {FONTS} is missing from _static")
    css, chars = cut_stylesheet(theme_static(app, STYLESHEET).read_text(encoding="utf-8"), *used_names(outdir))
    stylesheet.write_text(css, encoding="utf-8")
    for sheet in (outdir / "_static").rglob("*.css"):
        chars.update(stylesheet_chars(sheet.read_text(encoding="utf-8", errors="replace")))
    cut_fonts(theme_static(app, FONTS), fonts, chars, Path(app.srcdir) / CACHE)


def setup(app: Sphinx) -> dict[str, Any]:
    # before the Content-Security-Policy step (800) and with the other _static clean-ups
    app.connect("build-finished", cut_icons, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
