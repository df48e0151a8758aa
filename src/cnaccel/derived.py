"""Tables and columns that the release outputs derive from the package, never stored in it.

A release carries, beside the repository's tables, the rendered ``statement`` of every claim and
the ``estimates`` answer table. :func:`release_descriptor` describes them; :func:`derived_table`
builds a derived table. Every writer (Parquet, CSV, SQLite, Excel) goes through these two.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from .estimates_table import RESOURCE as ESTIMATES
from .statements import with_statement_field

if TYPE_CHECKING:
    import pyarrow as pa

DERIVED = {"estimates": ESTIMATES}


def release_descriptor(package: dict) -> dict:
    """The package descriptor with the claim tables' statements and the derived tables."""
    out = with_statement_field(package)
    names = {res["name"] for res in out["resources"]}
    for name, res in DERIVED.items():
        if name not in names:
            copy = json.loads(json.dumps(res))
            copy["path"] = f"data/{name}.csv"  # as if in the repository; the bundle rewrites paths
            out["resources"].append(copy)
    return out


def derived_table(name: str, root: str | Path | None) -> pa.Table | None:
    """The Arrow table of a derived resource, or None when ``name`` is a stored table."""
    if name == "estimates":
        from .estimates_table import estimates_arrow

        return estimates_arrow(root)
    return None
