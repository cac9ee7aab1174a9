"""The Content-Security-Policy: on every page, matching its inline scripts, enforced in Chromium."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sphinx.errors import ExtensionError

from edition.paths import toc_pages
from edition.sphinxext import csp
import page_views

META_RE = re.compile(r'<meta http-equiv="Content-Security-Policy" id="edition-csp" content="([^"]+)">')


def all_pages(built_html: Path) -> list[Path]:
    return csp.pages(built_html)


# ---- the policy as written -------------------------------------------------------------------

def test_every_page_carries_a_policy_that_matches_its_inline_scripts(built_html: Path) -> None:
    pages = all_pages(built_html)
    names = {str(p.relative_to(built_html).with_suffix("")) for p in pages}
    assert set(toc_pages(Path(__file__).resolve().parents[1])) | {"search", "genindex"} <= names
    for page in pages:
        html = page.read_text(encoding="utf-8")
        found = META_RE.findall(html)
        assert len(found) == 1, f"{page}: {len(found)} policies"
        policy = found[0]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        assert directives["object-src"] == "'none'" and directives["base-uri"] == "'self'", page
        sources = directives["script-src"].split()
        assert sources[0] == "'self'" and "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources
        assert set(sources[1:]) == {csp.script_hash(body) for body in csp.inline_scripts(html)}, page
        # the policy precedes every script, and no inline handler or javascript: URL is left
        assert html.index(found[0]) < html.lower().index("<script"), page
        assert not re.search(r"<[a-z][^>]*\son[a-z]+\s*=", html, re.I), page
        assert "javascript:" not in html.lower(), page


def test_inline_handlers_are_moved_and_unknown_ones_stop_the_build() -> None:
    page = ('<html><head><meta charset="utf-8"><script>var a = 1;</script></head><body>'
            '<button onclick="window.print()">p</button><p>Say onclick="x()" in text.</p></body></html>')
    out = csp.secure_page(page, "p.html")
    assert 'data-edition-action="print"' in out and 'onclick="window.print()"' not in out
    assert 'Say onclick="x()" in text.' in out  # text is not an attribute
    assert csp.script_hash("var a = 1;") in out
    assert csp.secure_page(out, "p.html") == out  # rerunning changes nothing
    with pytest.raises(ExtensionError, match=r"p\.html: inline handler onerror='alert\(1\)'"):
        csp.secure_page('<html><head></head><body><img src=x onerror="alert(1)"></body></html>', "p.html")
    with pytest.raises(ExtensionError, match="javascript: URL"):
        csp.secure_page('<html><head></head><body><a href="javascript:alert(1)">x</a></body></html>', "p.html")


def test_json_data_blocks_are_not_hashed_as_scripts() -> None:
    html = '<script type="application/json" class="x">{"a": 1}</script><script src="a.js"></script><script>b()</script>'
    assert csp.inline_scripts(html) == ["b()"]


# ---- in the browser --------------------------------------------------------------------------

@pytest.mark.browser
@pytest.mark.views
@pytest.mark.parametrize("width, dark", list(page_views.VIEWS), ids=page_views.VIEW_IDS)
def test_no_page_violates_its_policy_or_opens_a_dialog(browser, served_book, root: Path, built_html: Path,
                                                       width: int, dark: bool) -> None:
    """Every page of every view (page_views.py), each figure scrolled to and drawn: plotly.js fetched,
    the basemap too, axe-core run where the view runs it."""
    views = page_views.view(browser, served_book, root, width, dark)
    names = {str(p.relative_to(built_html).with_suffix("")) for p in all_pages(built_html)}
    assert set(toc_pages(root)) <= set(views) <= names
    for name, found in views.items():
        found.need("policy")
        assert found.violations == [], found.where
        assert not [e for e in found.errors if "Content Security Policy" in e], found.where
        assert not found.dialogs, f"{found.where}: dialog {found.dialogs}"
        # the theme's inline scripts ran (they set the mode before the body is drawn)
        assert found.theme == ("dark" if dark else "light"), found.where


@pytest.mark.browser
def test_the_policy_is_enforced(browser, served_book) -> None:
    """A script injected into a page is refused, and the page reports the violation."""
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script(page_views.POLICY_WATCH)
    page.goto(f"{served_book}/index.html", wait_until="load")
    ran = page.evaluate("""() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1';
                                   document.head.appendChild(s); return window.__ran === 1; }""")
    page.wait_for_timeout(100)
    assert not ran and any(v.startswith("script-src") for v in page.evaluate("window.__violations"))
    context.close()


@pytest.mark.browser
def test_theme_switch_print_and_full_screen_buttons_still_work(browser, served_book) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.add_init_script(page_views.POLICY_WATCH + "window.print = () => { window.__printed = (window.__printed || 0) + 1; };")
    page.goto(f"{served_book}/chapters/01-shifting-middle-east.html", wait_until="load")
    root = "document.documentElement.dataset"
    modes = [page.evaluate(f"{root}.mode")]
    switch = page.locator(".theme-switch-button").first
    for _ in range(3):
        switch.click()
        modes.append(page.evaluate(f"{root}.mode"))
    assert len(set(modes)) == 3, f"the theme switch did not cycle the modes: {modes}"
    page.evaluate("() => { const t = window.toggleFullScreen; window.__fs = 0;"
                  " window.toggleFullScreen = () => { window.__fs += 1; t(); }; }")
    page.locator(".btn-fullscreen-button").first.click()
    assert page.evaluate("window.__fs") == 1
    page.locator(".btn-download-pdf-button").first.dispatch_event("click")
    assert page.evaluate("window.__printed") == 1
    assert page.evaluate("window.__violations") == []
    context.close()
