"""The reading surface in the browser: margin notes level with their words, quiet highlights,
notes that open from their markers and link back, the essay's text unchanged, no layout shift,
no sideways scrolling, and axe-core's accessibility rules on every page in both themes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from edition import data, essay
import page_views
from test_browser import visit, wait_for_figures
from test_html import toc_pages

pytestmark = pytest.mark.browser
AXE = page_views.AXE
METRICS = Path(__file__).resolve().parents[1] / "_build" / "reading-metrics.json"
GAP = 8  # px between stacked notes (notes.js)
MAX_PUSH = 200  # px: the furthest a shown note sits below its line; crowded notes fold (notes.js)


def record(name: str, value) -> None:
    """Keep a measured number for the report (written next to the screenshots)."""
    metrics = json.loads(METRICS.read_text()) if METRICS.exists() else {}
    metrics[name] = value
    METRICS.parent.mkdir(parents=True, exist_ok=True)
    METRICS.write_text(json.dumps(metrics, indent=2, sort_keys=True))


@pytest.fixture(scope="module")
def essay_pages(root: Path, built_html: Path) -> list[str]:
    return [p for p in toc_pages(root) if 'class="essay-paragraph' in (built_html / f"{p}.html").read_text(encoding="utf-8")]


@pytest.fixture(scope="module")
def desktop_at_rest(browser, served_book):
    """The essay's pages at 1440 x 900 for the tests that point at notes and markers, each page opened
    once (a first visit, figures drawn) and handed on from one test to the next: a page load with its
    figures costs more than all the pointing. A test leaves the page as it found it (its own checks
    say so: nothing lit, folds closed again); before each use the pointer is moved off the text, the
    focus dropped and the page scrolled to the top, its tab in front. Returns (page, console errors since it opened)."""
    opened: dict[str, tuple] = {}

    def at_rest(name: str):
        if name not in opened:
            page, errors, _ = visit(browser, f"{served_book}/{name}.html", width=1440, height=900)
            wait_for_figures(page)
            page.wait_for_timeout(200)
            opened[name] = (page, errors)
        page, errors = opened[name]
        page.bring_to_front()  # a tab behind others gets its animation frames rarely: the notes would lag
        page.mouse.move(5, 5)
        page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
        return page, errors

    yield at_rest
    for page, _ in opened.values():
        page.close()


@pytest.fixture(scope="module")
def all_pages(root: Path) -> list[str]:
    return toc_pages(root) + ["search", "genindex"]


PLACEMENT = """() => {
  const notes = [...document.querySelectorAll('.essay-note')].map(n => {
    const key = n.id.replace(/^note-/, '');
    const spans = [...document.querySelectorAll('.anno-for-' + CSS.escape(key))];
    const rects = spans[spans.length - 1].getClientRects();
    const line = rects[rects.length - 1];
    const r = n.getBoundingClientRect();
    const text = n.closest('.essay-paragraph').querySelector('.essay-text').getBoundingClientRect();
    return {id: n.id, top: r.top + scrollY, bottom: r.bottom + scrollY, left: r.left, right: r.right,
            line: line.top + scrollY, textRight: text.right, shown: getComputedStyle(n).visibility === 'visible',
            folded: n.classList.contains('is-folded'), para: n.closest('.essay-paragraph').id};
  });
  const folds = [...document.querySelectorAll('.essay-notes-fold')].filter(b => !b.hidden && b.offsetHeight).map(b => {
    const r = b.getBoundingClientRect();
    return {para: b.closest('.essay-paragraph').id, text: b.textContent, expanded: b.getAttribute('aria-expanded'),
            top: r.top + scrollY, bottom: r.bottom + scrollY};
  });
  const paragraphs = [...document.querySelectorAll('.essay-paragraph')].map(p => {
    const t = p.querySelector('.essay-text');
    return {id: p.id, box: p.getBoundingClientRect().height,
            text: t.getBoundingClientRect().height + parseFloat(getComputedStyle(t).marginBottom)};
  });
  return {notes, paragraphs, folds, width: document.documentElement.clientWidth};
}"""


def _check_stack(found: dict, name: str) -> tuple[float, float]:
    """Shown notes: level with their line, or directly below the note (or fold button) above and
    never more than MAX_PUSH below their line. Returns the largest level and pushed distances."""
    level = pushed = 0.0
    previous = None
    shown = [n for n in found["notes"] if not n["folded"]]
    boxes = sorted(shown + [dict(f, id=f"fold {f['para']}", fold=True) for f in found["folds"]], key=lambda b: b["top"])
    for box in boxes:
        if box.get("fold"):
            assert previous is not None, f"{name}: {box['id']} above every note"
            assert abs(box["top"] - previous["bottom"] - GAP) <= 2, f"{name}: {box['id']} not directly below {previous['id']}"
            previous = box
            continue
        note = box
        where = f"{name} {note['id']}"
        assert note["shown"], f"{where}: note not shown"
        assert note["left"] >= note["textRight"] + 8, f"{where}: note overlaps the essay's column"
        assert note["right"] <= found["width"], f"{where}: note runs off the page"
        distance = note["top"] - note["line"]
        if previous is not None:
            assert note["top"] >= previous["bottom"] + GAP - 1, f"{where}: overlaps {previous['id']} above"
        if abs(distance) <= 40:
            level = max(level, abs(distance))
        else:
            # pushed down: then it starts right below the note above, never above its line nor far below it
            assert previous is not None and distance > 0, f"{where}: {distance:.0f} px from its line"
            assert note["top"] - previous["bottom"] <= GAP + 2, (
                f"{where}: {distance:.0f} px below its line but not directly below {previous['id']}")
            assert distance <= MAX_PUSH + 1, f"{where}: {distance:.0f} px below its line (more than {MAX_PUSH})"
            pushed = max(pushed, distance)
        previous = note
    return level, pushed


def test_margin_notes_sit_level_with_their_lines_or_just_below_the_note_above(desktop_at_rest, essay_pages) -> None:
    level, pushed, counted, folded_total = 0.0, 0.0, 0, 0
    for name in essay_pages:
        page, errors = desktop_at_rest(name)
        found = page.evaluate(PLACEMENT)
        lv, pu = _check_stack(found, name)
        level, pushed = max(level, lv), max(pushed, pu)
        # a crowded paragraph folds the notes that would sit too far down behind one button saying how many
        by_para: dict[str, int] = {}
        for note in found["notes"]:
            if note["folded"]:
                assert not note["shown"], f"{name} {note['id']}: folded, yet shown at rest"
                by_para[note["para"]] = by_para.get(note["para"], 0) + 1
        buttons = {f["para"]: f for f in found["folds"]}
        assert set(buttons) == set(by_para), f"{name}: fold buttons on {sorted(buttons)}, folded notes on {sorted(by_para)}"
        for para, count in by_para.items():
            assert f"Show {count} more note" in buttons[para]["text"], f"{name} {para}: button says {buttons[para]['text']!r}, {count} folded"
            assert buttons[para]["expanded"] == "false", f"{name} {para}: fold button not aria-expanded=false"
        # each folded note opens level with its own line while its marker is pointed at
        for note in found["notes"]:
            if not note["folded"]:
                continue
            key = note["id"].removeprefix("note-")
            page.hover(f"#ref-{key}", force=True)  # the note opening is the check
            box = page.evaluate("""k => { const n = document.getElementById('note-' + k);
                const spans = [...document.querySelectorAll('.anno-for-' + CSS.escape(k))];
                const rects = spans[spans.length - 1].getClientRects(), line = rects[rects.length - 1];
                return {shown: getComputedStyle(n).visibility === 'visible', top: n.getBoundingClientRect().top, line: line.top}; }""", key)
            assert box["shown"], f"{name} {note['id']}: folded note not shown while its marker is pointed at"
            assert abs(box["top"] - box["line"]) <= 40, f"{name} {note['id']}: opened {box['top'] - box['line']:.0f} px from its line"
            folded_total += 1
        page.mouse.move(5, 5)
        # the button opens the paragraph's folded notes into the stack, and folds them again
        for para in by_para:
            page.click(f"#{para} .essay-notes-fold")
            page.wait_for_timeout(50)
            opened = page.evaluate(PLACEMENT)
            assert not [n["id"] for n in opened["notes"] if n["para"] == para and (n["folded"] or not n["shown"])], (
                f"{name} {para}: notes still folded after the button was pressed")
            assert any(f["para"] == para and f["expanded"] == "true" and "Fold" in f["text"] for f in opened["folds"]), (
                f"{name} {para}: the pressed button does not offer to fold again")
            page.click(f"#{para} .essay-notes-fold")
            page.wait_for_timeout(50)
            again = page.evaluate(PLACEMENT)
            assert sum(n["folded"] for n in again["notes"] if n["para"] == para) == by_para[para], f"{name} {para}: did not fold again"
        counted += len(found["notes"])
        for para in found["paragraphs"]:
            assert para["box"] <= para["text"] + 4, f"{name} {para['id']}: the essay's column grew to hold notes"
        assert not errors, f"{name}: {errors}"
    assert counted == len(data.load_tables()["annotations"])
    record("largest_level_note_distance_px", round(level, 1))
    record("largest_pushed_note_distance_px", round(pushed, 1))
    record("folded_notes_at_1440", folded_total)


LIT_SHARE = """() => {
  let lit = 0, total = 0;
  for (const p of document.querySelectorAll('.essay-text')) {
    const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode, n = node.textContent.length;
      total += n;
      for (let el = node.parentElement; el && el !== p.parentElement; el = el.parentElement) {
        const s = getComputedStyle(el);
        const bg = s.backgroundColor;
        const tinted = bg !== 'rgba(0, 0, 0, 0)' && bg !== 'transparent' && !el.classList.contains('essay-text');
        if (tinted || s.textDecorationLine.includes('underline')) { lit += n; break; }
      }
    }
  }
  return {lit, total};
}"""


def test_highlights_are_quiet_until_a_note_or_its_marker_is_pointed_at(desktop_at_rest, essay_pages) -> None:
    notes = data.load_tables()["annotations"].set_index("annotation_id")
    lit_at_rest = total = 0
    for name in essay_pages:
        page, errors = desktop_at_rest(name)
        share = page.evaluate(LIT_SHARE)
        lit_at_rest += share["lit"]
        total += share["total"]
        # pointing at a marker, focusing it, or pointing at the note lights exactly the note's words
        keys = page.eval_on_selector_all(".anno-ref", "els => els.map(e => e.id.replace('ref-', ''))")
        for i, key in enumerate(keys):
            marker = page.locator(f"#ref-{key}")
            how = ("hover", "focus", "note")[i % 3]
            if how == "hover":
                marker.hover(force=True)  # no wait for a still, unobscured target: the words lit are the check
            elif how == "focus":
                marker.focus()
            else:
                note = page.locator(f"#note-{key}")
                if "is-folded" in (note.get_attribute("class") or ""):
                    marker.click()  # a folded note is reached from its marker, which keeps it open while it has focus
                note.hover(force=True)
            words = page.eval_on_selector_all(".anno-hl.is-lit", "els => els.map(e => e.textContent).join('')")
            assert words == notes.loc[key.upper(), "exact"], f"{name} {key} ({how}): lit {words!r}"
            page.mouse.move(0, 0)
            still = page.evaluate("() => { document.activeElement && document.activeElement.blur();"
                                  " return document.querySelectorAll('.anno-hl.is-lit').length; }")
            assert still == 0, f"{name} {key}: still lit after leaving"
        assert not errors, f"{name}: {errors}"
    assert total > 7_000  # the whole essay
    record("highlighted_share_at_rest", lit_at_rest / total)
    assert lit_at_rest / total < 0.01, f"{lit_at_rest / total:.1%} of the essay's text is highlighted at rest"


def test_a_marker_leads_to_its_note_and_the_note_back_on_a_desktop(browser, served_book) -> None:
    page, errors, _ = visit(browser, f"{served_book}/chapters/04-role-reversal.html", width=1440, height=900)
    for key in ("a06-3", "a07-2", "a08-6"):
        page.locator(f"#ref-{key}").scroll_into_view_if_needed()
        page.locator(f"#ref-{key}").click()
        assert page.evaluate("document.activeElement.id") == f"note-{key}"
        assert page.locator(f"#note-{key}").is_visible()
        top = page.evaluate(f"document.getElementById('note-{key}').getBoundingClientRect().top")
        assert 0 <= top < 900, f"{key}: the note is out of sight ({top:.0f})"
        page.locator(f"#note-{key} .essay-note-number").click()
        assert page.evaluate("document.activeElement.id") == f"ref-{key}"
        assert page.locator(f"#ref-{key}").is_visible()
    assert not errors
    page.close()


SHEET = """key => {
  const n = document.getElementById('note-' + key), m = document.getElementById('ref-' + key);
  const r = n.getBoundingClientRect(), mr = m.getBoundingClientRect(), s = getComputedStyle(n);
  return {display: s.display, position: s.position, top: r.top, bottom: r.bottom, height: innerHeight,
          markerTop: mr.top, markerBottom: mr.bottom, active: document.activeElement.id,
          expanded: m.getAttribute('aria-expanded')};
}"""


def test_a_marker_opens_its_note_on_a_phone_and_it_closes_again(browser, served_book) -> None:
    page, errors, _ = visit(browser, f"{served_book}/chapters/04-role-reversal.html", width=390, height=844)
    assert page.locator(".essay-note:visible").count() == 0, "notes should start closed on a phone"
    for key in ("a06-1", "a06-7", "a08-6"):
        page.locator(f"#ref-{key}").scroll_into_view_if_needed()
        page.locator(f"#ref-{key}").click()
        page.wait_for_timeout(600)  # the marker may scroll into sight above the sheet
        sheet = page.evaluate(SHEET, key)
        assert sheet["display"] == "block" and sheet["position"] == "fixed", sheet
        assert abs(sheet["bottom"] - sheet["height"]) < 2 and sheet["top"] > sheet["height"] * 0.3, sheet
        assert 0 <= sheet["markerTop"] and sheet["markerBottom"] <= sheet["top"], f"{key}: the sheet hides its marker"
        assert sheet["active"] == f"note-{key}" and sheet["expanded"] == "true"
        assert page.locator(".anno-hl.is-lit").count() > 0
        if key == "a06-1":
            page.keyboard.press("Escape")
        elif key == "a06-7":
            page.locator(f"#note-{key} .essay-note-close").click()
        else:
            page.locator(f"#note-{key} .essay-note-number").click()
        closed = page.evaluate(SHEET, key)
        assert closed["display"] == "none" and closed["active"] == f"ref-{key}" and closed["expanded"] == "false"
    # one note at a time
    page.locator("#ref-a07-1").click()
    page.locator("#ref-a07-2").click(force=True)
    assert page.locator(".essay-note.is-open").count() == 1 and page.locator("#note-a07-2.is-open").count() == 1
    assert not errors
    page.close()


@pytest.mark.views
def test_the_rendered_paragraph_is_the_seed_paragraph_character_for_character(browser, served_book, root, essay_pages) -> None:
    texts = {p.anchor: p.text for p in essay.load().paragraphs}
    seen = 0
    views = page_views.view(browser, served_book, root, 1440, False)  # one visit per page, shared
    for name in essay_pages:
        views[name].need()
        rendered = views[name].essay_text  # read on load, before the figures are drawn
        for anchor, content, inner in rendered:
            assert content == texts[anchor], f"{name} {anchor}: the text differs from the seed"
            assert " ".join(inner.split()) == " ".join(texts[anchor].split()), f"{name} {anchor}: shown text differs"
            seen += 1
    assert seen == len(texts)


@pytest.mark.views
@pytest.mark.parametrize("width", [1440, 390])
def test_no_page_shifts_its_layout_while_loading(browser, served_book, root, all_pages, width) -> None:
    """Every shift without recent input, summed from navigation to figures drawn + 700 ms."""
    worst = {}
    views = page_views.view(browser, served_book, root, width, False)  # one visit per page, shared
    for name in all_pages:
        views[name].need()
        worst[name] = views[name].shift_total
    record(f"layout_shift_{width}", worst)
    bad = {k: v for k, v in worst.items() if v > 0.05}
    assert not bad, f"layout shift above 0.05 at {width} px: {bad}"


@pytest.mark.views
@pytest.mark.parametrize("width", [320, 390])
def test_no_page_scrolls_sideways_on_a_phone(browser, served_book, root, all_pages, width) -> None:
    """Figures drawn: one visit per page, shared with the figures' phone checks (page_views.py)."""
    views = page_views.view(browser, served_book, root, width, False)
    for name in all_pages:
        views[name].need()
        over = views[name].sideways
        assert over["scroll"] <= over["width"], f"{name} at {width} px scrolls sideways: {over}"


def test_motion_is_reduced_when_the_reader_asks(browser, served_book) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 900}, reduced_motion="reduce")
    page = context.new_page()
    page.goto(f"{served_book}/chapters/04-role-reversal.html", wait_until="load")
    moving = page.evaluate(
        """() => [...document.querySelectorAll('*')].filter(e => {
            const s = getComputedStyle(e);
            const longest = v => Math.max(...v.split(',').map(t => parseFloat(t) * (t.trim().endsWith('ms') ? 1 : 1000)));
            return longest(s.transitionDuration) > 10 || (s.animationName !== 'none' && longest(s.animationDuration) > 10);
        }).slice(0, 5).map(e => e.tagName + '.' + e.className)"""
    )
    assert not moving, f"elements still animate with reduced motion: {moving}"
    assert page.evaluate("getComputedStyle(document.documentElement).scrollBehavior") == "auto"
    context.close()


FOCUS_SHOWN = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e), r = e.getBoundingClientRect();
  const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1) || s.boxShadow !== 'none';
  return {what: e.tagName + '#' + e.id + '.' + e.className, ring, size: r.width * r.height,
          marker: e.classList.contains('anno-ref')};
}"""


@pytest.mark.parametrize("name", ["index", "chapters/04-role-reversal", "chapters/bibliography"])
def test_keyboard_focus_is_always_visible(browser, served_book, name) -> None:
    page, _, _ = visit(browser, f"{served_book}/{name}.html", width=1440, height=900)
    markers = 0
    for _ in range(70):
        page.keyboard.press("Tab")
        shown = page.evaluate(FOCUS_SHOWN)
        if shown is None:
            continue
        assert shown["ring"], f"{name}: no visible focus on {shown['what']}"
        assert shown["size"] > 0, f"{name}: focus on an invisible element {shown['what']}"
        markers += shown["marker"]
    if "role-reversal" in name:
        assert markers > 0, "the essay's note markers are not reached by Tab"
    page.close()


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: `make test` installs it (npm ci --prefix tests/js)")
    return AXE.read_text(encoding="utf-8")


@pytest.mark.views
@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_axe_finds_no_serious_or_critical_violation_on_any_page(browser, served_book, root, all_pages, axe_source, dark) -> None:
    """axe-core run in each page at 1440 px once its figures are drawn (+ 700 ms).

    The driver runs axe-core in the page, which the page's Content-Security-Policy does not govern
    (the page is checked as its readers get it, policy in force). One visit per page, shared.
    """
    found = {}
    views = page_views.view(browser, served_book, root, 1440, dark)
    for name in all_pages:
        views[name].need("axe")
        if views[name].axe:
            found[name] = views[name].axe
    record(f"axe_serious_or_critical_{'dark' if dark else 'light'}", found)
    assert not found, json.dumps(found, indent=1, ensure_ascii=False)
