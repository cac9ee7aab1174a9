"""The edition's plotly.js bundle: the installed plotly's plotly.js version, and every trace type the book draws."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from plotly.offline import get_plotlyjs_version

import parsed
from edition.sphinxext.plotly_output import FIGURE_CLASS, bundle_manifest, bundle_path

TOOLS = Path(__file__).resolve().parents[1] / "tools" / "plotly-bundle"


def test_the_bundle_is_built_from_the_plotly_js_version_the_installed_plotly_carries() -> None:
    carried = get_plotlyjs_version()
    manifest = bundle_manifest()
    assert manifest["plotlyjs_version"] == carried
    bundle = bundle_path().read_bytes()
    header = re.match(rb"/\*\*\s*\* plotly\.js v(\S+), partial bundle", bundle)
    assert header and header.group(1).decode() == carried
    # the manifest describes this very file (a hand-edited or stale bundle fails here)
    assert manifest["sha256"] == hashlib.sha256(bundle).hexdigest() and manifest["bytes"] == len(bundle)
    # and the build recipe pins the same version, so a rebuild reproduces it
    assert json.loads((TOOLS / "package.json").read_text())["dependencies"]["plotly.js"] == carried
    lock = json.loads((TOOLS / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/plotly.js"]["version"] == carried
    assert json.loads((TOOLS / "traces.json").read_text())["traces"] == manifest["traces"]


def figure_trace_types(built_html: Path) -> dict[str, set[str]]:
    """Trace types of every figure the built book draws, by page (plotly's default type is scatter)."""
    found: dict[str, set[str]] = {}
    for page in sorted(built_html.rglob("*.html")):
        soup = parsed.page(page)
        for spec in soup.select(f"div.{FIGURE_CLASS} script.{FIGURE_CLASS}-spec"):
            for trace in json.loads(spec.get_text())["data"]:
                found.setdefault(trace.get("type", "scatter"), set()).add(str(page.relative_to(built_html)))
    return found


@pytest.mark.browser
def test_every_trace_type_the_figures_use_is_registered_in_the_bundle(browser, built_html: Path) -> None:
    used = figure_trace_types(built_html)
    assert {"scattergeo", "scatter", "bar"} <= set(used), used  # the map, the timelines, the bars
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_content("<!doctype html><html><body><div id='gd'></div></body></html>")
    page.add_script_tag(path=str(bundle_path()))
    version, registered = page.evaluate("[Plotly.version, Object.keys(Plotly.PlotSchema.get().traces).sort()]")
    assert version == get_plotlyjs_version()
    assert sorted(registered) == sorted(bundle_manifest()["traces"])
    missing = {kind: sorted(pages) for kind, pages in used.items() if kind not in registered}
    assert not missing, f"trace types the figures use but the plotly.js bundle lacks: {missing} (add them to " \
                        "tools/plotly-bundle/traces.json and run `make plotly-bundle`)"
    # and a type outside the bundle really is refused: Plotly leaves such a trace undrawn
    drawn = page.evaluate("""async () => {
        const gd = document.getElementById('gd');
        await Plotly.newPlot(gd, [{type: 'bar', x: [1], y: [1]}, {type: 'pie', values: [1, 2]}]);
        return gd._fullData.map(t => [t.type, t.visible]);
    }""")
    assert drawn[0] == ["bar", True] and drawn[1][1] is not True
    assert not errors, errors
    context.close()
