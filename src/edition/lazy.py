"""Modules imported when first used, for the Sphinx extension's start-up.

The extension's directives and export steps need the data layer (pandas, frictionless, the
validators: about 0.8 s to import), but a build in which no page is read again and no download
is made again never calls them. `lazy_module` is the standard library's recipe
(importlib.util.LazyLoader): the module object exists at once and runs its code the first time
one of its attributes is used, so code written `data.load_tables()` works unchanged.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy_module(name: str) -> ModuleType:
    """The module `name`: the imported one if it is imported already, else one that loads on first use."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    if parent:  # as an import would: `import edition.data` then `edition.data.x` finds it
        setattr(sys.modules[parent], child, module)
    return module
