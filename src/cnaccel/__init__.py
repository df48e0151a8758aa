"""cnaccel: China's AI-accelerator market, claim by claim.

Every row is a claim quoted verbatim from an archived source.  ``import cnaccel`` is cheap:
pandas, pyarrow and frictionless are imported only when a table is first loaded.

>>> import cnaccel
>>> cnaccel.facts(entity="寒武纪")          # doctest: +SKIP
>>> cnaccel.load("sources", as_of="2025-10-01")  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

__version__ = "0.2.0"

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
}
__all__ = ["__version__", *sorted(_API)]


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'cnaccel' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))
