"""cnaccel: China's AI-accelerator market, claim by claim.

Every row is a claim of one source: the figure as printed, the source, and a fingerprint of the
passage that states it.  ``import cnaccel`` is cheap:
pandas, pyarrow and frictionless are imported only when a table is first loaded.

>>> import cnaccel
>>> cnaccel.facts(entity="寒武纪")          # doctest: +SKIP
>>> cnaccel.load("sources", as_of="2025-10-01")  # doctest: +SKIP
"""

from __future__ import annotations

from ._lazy import lazy_attributes

__version__ = "1.1.0"

_API = {
    "tables": "api",
    "load": "api",
    "package": "api",
    "facts": "api",
    "events": "api",
    "relations": "api",
    "find_entity": "api",
    "entity": "api",
    "UnknownNameError": "api",
    "cite": "citation",
    "estimates": "answers",
    "series": "answers",
    "fx": "answers",
    "SeriesError": "answers",
}
__all__ = ["__version__", *sorted(_API)]


__getattr__, __dir__ = lazy_attributes(__name__, _API, globals())
