"""Every chapter run headless as a notebook (nbclient), the kernel started at the repository's root
and in chapters/, as JupyterLab and Binder start it: no errors, and each figure cell's outputs carry
Plotly's own mime type, one figure per figure panel, the map with its basemap handed to plotly.js."""

from __future__ import annotations

import os
import re

import jupytext
import pytest
from nbclient import NotebookClient

from edition import panels, reader
from edition.figures import PLOTLY_MIME
from edition.paths import ROOT
from test_lab import FIGURE_CHAPTERS as LAB_CHAPTERS

CHAPTERS = sorted(p for p in (ROOT / "chapters").glob("*.md") if "```{code-cell}" in p.read_text(encoding="utf-8"))


def run(path, cwd):
    nb = jupytext.read(path)
    env = {k: v for k, v in os.environ.items() if k != "EDITION_ROOT"}
    client = NotebookClient(nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(cwd)}})
    client.execute(env=env)  # the kernel's environment: no EDITION_ROOT, the root found from cwd
    return nb


# Each chapter from the root, and from chapters/ as JupyterLab and Binder start it. From chapters/,
# the chapters tests/test_lab.py runs in JupyterLab are checked there; the others are checked here in
# the notebooks the book's build executed, which myst-nb runs in the chapter's own folder (the
# execution cache's "local" working directory) and keeps in _build/jupyter_execute: running them
# again would repeat that work. Those must hold this chapter's code as it is now.
RUNS = [(path, "root") for path in CHAPTERS] + [(path, "chapters") for path in CHAPTERS if path.stem not in LAB_CHAPTERS]


def executed_by_the_build(path, built_html):
    """The notebook the build executed for this chapter, failing if its code is not the chapter's."""
    import nbformat

    executed = built_html.parent / "jupyter_execute" / "chapters" / f"{path.stem}.ipynb"
    assert executed.is_file(), f"{executed} is missing: run `make book` (or `make test`) first"
    nb = nbformat.read(executed, as_version=4)
    code = [c.source for c in jupytext.read(path).cells if c.cell_type == "code"]
    assert [c.source for c in nb.cells if c.cell_type == "code"] == code, (
        f"{executed} holds other code than {path.name}: the build is older than the chapter (`make book`)")
    return nb


@pytest.mark.parametrize("path, where", RUNS, ids=[f"{p.stem}-{w}" for p, w in RUNS])
def test_chapter_runs_and_its_figure_cells_carry_plotly_mime(path, where, built_html) -> None:
    nb = run(path, ROOT) if where == "root" else executed_by_the_build(path, built_html)
    source = path.read_text(encoding="utf-8")
    panels_in_text = re.findall(r"^```\{figure-panel\} (\S+)", source, re.MULTILINE)
    drawn = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        assert not [o for o in cell.outputs if o.output_type == "error" or o.get("name") == "stderr"], cell.source
        figures = [o for o in cell.outputs if o.output_type == "display_data" and PLOTLY_MIME in o.data]
        if "glue_panel(" in cell.source:
            assert figures, f"{path.name}: a figure cell left no {PLOTLY_MIME} output"
        for output in figures:
            assert output.metadata == panels.NOTEBOOK_ONLY  # the book leaves it out; its panel shows it
            spec = output.data[PLOTLY_MIME]
            assert spec["data"] and "layout" in spec
            drawn.append(spec)
        panels_html = [o for o in cell.outputs if "edition-notebook-panel" in o.get("data", {}).get("text/html", "")]
        assert len(panels_html) == len(figures)  # the summary, data and sources follow each figure
        for output in panels_html:
            assert output.metadata == panels.NOTEBOOK_ONLY and "{cite" not in output.data["text/html"]
        geo = [o for o in cell.outputs if "text/html" in o.get("data", {}) and "PlotlyGeoAssets" in o.data["text/html"]]
        if any("geo" in (spec.get("layout") or {}) for spec in drawn[-len(figures):] if figures):
            assert geo and '"world_110m"' in geo[0].data["text/html"] and '"arcs"' in geo[0].data["text/html"]
    assert len(drawn) == len(panels_in_text), f"{path.name}: {len(panels_in_text)} panels, {len(drawn)} figures"


@pytest.mark.parametrize("path", sorted((ROOT / "chapters").glob("*.md")) + [ROOT / "index.md"], ids=lambda p: p.stem)
def test_reader_view_is_readable_and_saves_back_to_the_same_file(path, tmp_path) -> None:
    """What JupyterLab gets from the contents manager, and what its save writes back."""
    import asyncio
    import json
    import shutil

    from edition.essay import parse_range
    from edition.lab import EditionContentsManager

    relative = path.relative_to(ROOT).as_posix()
    (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, tmp_path / relative)
    manager = EditionContentsManager(root_dir=str(tmp_path))

    async def open_and_save() -> dict:
        model = await manager.get(relative, type="notebook", content=True)
        model = json.loads(json.dumps(model, default=str))  # as it travels to the browser and back
        model["content"]["metadata"]["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                                      "language": "python"}  # as JupyterLab relabels it
        if path.name in ("glossary.md", "bibliography.md", "index.md") and "kernelspec" not in path.read_text():
            del model["content"]["metadata"]["kernelspec"]
        await manager.save(dict(model, content=json.loads(json.dumps(model["content"]))), relative)
        return model

    model = asyncio.run(open_and_save())
    text = path.read_text(encoding="utf-8")
    shown = "\n".join(c["source"] for c in model["content"]["cells"] if c["cell_type"] == "markdown")
    for raw in ("{cite:p}", "{cite:t}", "{para}", "{term}", "{essay}", "{figure-panel}", "{download}"):
        assert raw not in shown, f"{path.name}: {raw} left raw for the notebook reader"
    for spec in re.findall(r"^```\{essay\} (.+)$", text, re.M):
        for number in parse_range(spec, 10_000):
            assert f"<strong>¶{number}</strong>" in shown
    for keys in re.findall(r"\{cite:[pt]\}`([^`]+)`", text):
        for key in keys.split(","):
            assert reader.citation(key.strip()) in shown
    assert (tmp_path / relative).read_bytes() == path.read_bytes(), f"saving {relative} changed it"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_book_page_shows_each_figure_once_and_no_notebook_only_output(path, built_html) -> None:
    page = (built_html / "chapters" / f"{path.stem}.html").read_text(encoding="utf-8")
    panels_in_text = re.findall(r"^```\{figure-panel\} (\S+)", path.read_text(encoding="utf-8"), re.MULTILINE)
    assert page.count('class="edition-plotly"') == len(panels_in_text)
    assert "PlotlyGeoAssets" not in page and "edition-notebook-panel" not in page
    assert not re.search(r'<div class="cell_output docutils container">\s*</div>', page)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_ipynb_download_is_readable_and_says_how_to_run_it(path, built_html) -> None:
    import json

    nb = json.loads((built_html / "_sources" / "chapters" / f"{path.stem}.ipynb").read_text(encoding="utf-8"))
    first = nb["cells"][0]["source"]
    assert "make lab" in first and "https://mybinder.org/v2/gh/" in first and f"{path.stem}.md" in first
    text = json.dumps(nb)
    assert "{cite:" not in text and "{essay}" not in text and "{para}" not in text
