"""The reproducible release bundle: Parquet, CSV, SQLite and Excel forms of the package, a
descriptor of the bundle, SHA-256 sums and a zip, all byte-identical from one build to the next.

``build_bundle`` validates first and writes nothing unless the data is clean; it stages every
file in a temporary folder and swaps the results in only at the end, so a failed build leaves
the output folder as it was. ``verify_bundle`` rechecks a bundle folder or zip against its sums.
The archived source texts (``sources/``) never go into the bundle or the wheel.
"""

from __future__ import annotations

from typing import Any

__all__ = ["BuildError", "build_bundle", "verify_bundle"]


class BuildError(Exception):
    """The bundle cannot be built or checked; the message is one line for the user."""


_LAZY = {"build_bundle": "bundle", "verify_bundle": "verify"}


def __getattr__(name: str) -> Any:
    # The writers import pyarrow and openpyxl; load them only when a function is first used.
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'cnaccel.build' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
