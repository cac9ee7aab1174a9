"""JupyterLab's view of the chapters: Jupytext's contents manager plus the edition's reader text.

``make lab`` and Binder run JupyterLab with this contents manager (see ``jupyter/``). It opens each
chapter, a MyST Markdown file, as a notebook through Jupytext, then rewrites the Markdown cells
that hold the book's directives and roles into text a notebook can show (``edition.reader``):
the essay's paragraphs with their numbers, readable citations, plain or working links. Each
rewritten cell keeps its original text in its metadata; on save the original comes back, so
opening, running and saving a chapter leaves the file byte for byte as it was. A cell the reader
has edited is saved as edited.
"""

from __future__ import annotations

from typing import Any

from jupytext.async_contentsmanager import AsyncTextFileContentsManager
from traitlets import default

from edition import reader

KEY = "edition_reader"
# Jupytext would add its version to a chapter's header on every save.
# A page's front matter may carry its meta description (index.md): kept through a save.
METADATA_FILTER = "description,-jupytext.text_representation.jupytext_version"


def is_chapter(path: str) -> bool:
    parts = path.strip("/").split("/")
    return path.endswith(".md") and (parts[0] == "chapters" or parts == ["index.md"])


def for_reader(nb: Any, path: str) -> Any:
    """Rewrite the notebook's MyST Markdown cells for a reader, keeping each original in metadata."""
    page = reader.page_of(path)
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        shown = reader.render_cell(cell["source"], page)
        if shown is not None:
            cell["metadata"][KEY] = {"source": cell["source"], "shown": shown}
            cell["source"] = shown
    return nb


def for_file(nb: Any) -> Any:
    """Undo ``for_reader``: every unedited rewritten cell gets its original text back."""
    for cell in nb["cells"]:
        kept = cell.get("metadata", {}).pop(KEY, None)
        if kept is None:
            continue
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        if source == kept["shown"]:
            cell["source"] = kept["source"]
    return nb


class EditionContentsManager(AsyncTextFileContentsManager):
    """Jupytext's contents manager, showing the chapters as the edition's reader notebooks."""

    @default("notebook_metadata_filter")
    def _no_version_in_header(self) -> str:
        return METADATA_FILTER

    async def get(self, path: str, content: bool = True, type: str | None = None, format: str | None = None,
                  **kwargs: Any) -> dict:
        model = await super().get(path, content=content, type=type, format=format, **kwargs)
        if content and model.get("type") == "notebook" and is_chapter(path):
            for_reader(model["content"], path)
        return model

    def _kernelspec_on_disk(self, path: str) -> dict | None:
        import jupytext

        os_path = self._get_os_path(path.strip("/"))
        try:
            return dict(jupytext.read(os_path).metadata.get("kernelspec") or {}) or None
        except (OSError, ValueError):
            return None

    async def save(self, model: dict, path: str = "") -> dict:
        if model.get("type") == "notebook" and model.get("content") is not None:
            nb = model["content"]
            for_file(nb)
            # JupyterLab writes the running kernel's display name into the metadata; the same
            # kernel under another label is no change to the chapter.
            spec = nb.get("metadata", {}).get("kernelspec")
            if spec and is_chapter(path):
                disk = self._kernelspec_on_disk(path)
                if disk and disk.get("name") == spec.get("name"):
                    nb["metadata"]["kernelspec"] = disk
            # a Markdown file without a header is read with metadata filter "-all"; keep it header-free
            headerless = nb.get("metadata", {}).get("jupytext", {}).get("notebook_metadata_filter") == "-all"
            if headerless:
                saved, self.notebook_metadata_filter = self.notebook_metadata_filter, ""
                try:
                    return await super().save(model, path)
                finally:
                    self.notebook_metadata_filter = saved
        return await super().save(model, path)
