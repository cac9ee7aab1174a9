"""The ``figure-panel`` directive: a glued figure in Chart | Data | Sources tabs, then its summary."""

from __future__ import annotations

from typing import Any

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

TEMPLATE = """\
::::{{tab-set}}
:class: figure-panel

:::{{tab-item}} Chart
:sync: chart

```{{glue:figure}} {name}
:name: fig-{name}

{caption}
```
:::

:::{{tab-item}} Data
:sync: data

```{{glue:any}} {name}-data
```
:::

:::{{tab-item}} Sources
:sync: sources

```{{glue:md}} {name}-sources
:format: myst
```
:::
::::

```{{glue:md}} {name}-summary
:format: myst
```
"""


class FigurePanelDirective(SphinxDirective):
    """``{figure-panel} name`` with the caption as content; the cell must have glued the four parts."""

    required_arguments = 1
    has_content = True

    def run(self) -> list[nodes.Node]:
        if not self.content:
            raise self.error(f"figure-panel {self.arguments[0]}: a caption is required as content")
        name = self.arguments[0]
        caption = " ".join(line.strip() for line in self.content)
        text = TEMPLATE.format(name=name, caption=caption)
        container = nodes.container(classes=["edition-figure-panel"], ids=[f"panel-{name}"])
        self.state.nested_parse(StringList(text.splitlines(), source=self.get_source_info()[0]),
                                self.content_offset, container)
        # the last part is the glued text summary: mark it so it reads as the figure's description
        last = container.children[-1]
        container.remove(last)
        summary = nodes.container(classes=["edition-figure-summary"])
        summary += last
        container += summary
        return [container]


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("figure-panel", FigurePanelDirective)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
