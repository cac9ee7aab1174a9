"""Built pages carry no template indentation, and that changes nothing a reader sees."""

from __future__ import annotations

import json
import re
from pathlib import Path

from edition.paths import toc_pages
from edition.sphinxext.compact_html import KEPT_RE, compact


def test_compact_drops_indentation_but_keeps_preformatted_text_and_scripts_byte_for_byte() -> None:
    html = ("<div>\n    <p>a <a href='#'>b</a>\n      <em>c</em></p>\n\n  <pre>  x\n    y</pre>\n"
            "  <script>\n  var a = '  ';\n</script>\n<code>a\n  b</code>  \n  <textarea>\n  t</textarea>\n</div>")
    out = compact(html)
    assert out == ("<div>\n<p>a <a href='#'>b</a>\n<em>c</em></p>\n<pre>  x\n    y</pre>\n"
                   "<script>\n  var a = '  ';\n</script>\n<code>a\n  b</code>\n<textarea>\n  t</textarea>\n</div>")
    assert compact(out) == out  # a page carried over from the last build is left as it is


def test_no_built_page_keeps_indentation_outside_preformatted_text(root: Path, built_html: Path) -> None:
    for name in toc_pages(root):
        html = (built_html / f"{name}.html").read_text(encoding="utf-8")
        outside = KEPT_RE.split(html)[::3]  # the text between kept elements
        assert not any(re.search(r"\n[ \t]+|[ \t]+\n|\n\n", part) for part in outside), name
        assert compact(html) == html, name


# every element's tag and box, as one JSON string: handed over as a string, the page's few thousand
# boxes cost a fifteenth of what the same array of arrays costs to carry out of the browser
LAYOUT = """() => JSON.stringify([...document.body.querySelectorAll('*')].map(e => {
    const r = e.getBoundingClientRect();
    return [e.tagName, Math.round(r.x * 10), Math.round(r.y * 10), Math.round(r.width * 10), Math.round(r.height * 10)];
}))"""


# Asking for the page's animations first brings its styles up to date, so a CSS transition whose
# class was set but not yet styled is counted too, not only one already under way.
TRANSITIONS_DONE = "() => document.getAnimations().every(a => a.playState !== 'running')"


def settled_layout(tab, tries: int = 25) -> list:
    """The page's boxes once they stop moving. The theme folds its page-contents sidebar away after
    load (a 0.4 s max-height transition), starting when the machine gets to it: on a busy machine
    two readings 200 ms apart could both come before it started, and the two pages compared then
    held the sidebar at two moments (seen once in a full run). So wait for the page's transitions to
    end first, then for two readings that agree."""
    tab.wait_for_function(TRANSITIONS_DONE, polling=100, timeout=5000)
    before = tab.evaluate(LAYOUT)
    for _ in range(tries):
        tab.wait_for_timeout(200)
        now = tab.evaluate(LAYOUT)
        if now == before:
            return json.loads(now)
        before = now
    raise AssertionError("the page's layout kept changing for 5 s after load")


def test_indentation_would_change_nothing_on_the_page(browser, built_html: Path, tmp_path: Path) -> None:
    """The map page as built and with every line indented again (what compact removes) lay out the
    same: every element in the same place at the same size, the same text, at 1280 and 390 px."""
    import shutil

    page = built_html / "chapters" / "04-role-reversal.html"
    html = page.read_text(encoding="utf-8")
    parts = KEPT_RE.split(html)
    indented = "".join(part.replace("\n", "\n      ") if i % 3 == 0 else part if i % 3 == 1 else ""
                       for i, part in enumerate(parts))
    assert compact(indented) == html and len(indented) > len(html) + 2000
    site = tmp_path / "site"
    shutil.copytree(built_html, site)
    (site / "chapters" / "indented.html").write_text(indented, encoding="utf-8")
    for width in (1280, 390):
        context = browser.new_context(viewport={"width": width, "height": 900})
        seen = []
        for name in ("04-role-reversal.html", "indented.html"):
            tab = context.new_page()
            tab.goto((site / "chapters" / name).as_uri(), wait_until="load")
            tab.evaluate("document.querySelectorAll('.edition-plotly').forEach(h => h.remove())")  # drawn apart
            seen.append((settled_layout(tab), tab.evaluate("document.body.innerText")))
            tab.close()
        context.close()
        assert len(seen[0][0]) > 1000
        moved = [(a, b) for a, b in zip(seen[0][0], seen[1][0]) if a != b][:3]
        assert seen[0] == seen[1], f"{width} px: the indentation moved something: {moved or 'the text or element count'}"
