"""The one mapping from the Table Schema in datapackage.json to every typed form of the data.

pandas dtypes, Arrow types (with each field's description in its metadata), SQLite column
types and Excel headers are all derived here from the descriptor, never restated by hand.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from .paths import DESCRIPTOR, find_root

CLAIM_TABLES = {"facts": "fact_id", "events": "event_id", "relations": "relation_id"}
"""The tables whose rows are claims of a source, with their id columns: named here once."""


def file_stamp(path: Path) -> tuple[str, int, int]:
    """What identifies a file's current content for a cache: its path, mtime and size."""
    stat = path.stat()
    return str(path.resolve()), stat.st_mtime_ns, stat.st_size


@lru_cache(maxsize=8)
def _read(stamp: tuple[str, int, int]) -> dict:
    from .reader import parse_descriptor

    return parse_descriptor(Path(stamp[0]).read_bytes())


def descriptor(root: str | Path | None = None) -> dict:
    """The package descriptor (a fresh copy, safe to modify); read once per version of the file."""
    base = find_root(root)
    return json.loads(json.dumps(_read(file_stamp(base / DESCRIPTOR))))


def resource(desc: dict, name: str) -> dict:
    """The resource called ``name``; KeyError listing the tables when there is none."""
    for res in desc["resources"]:
        if res["name"] == name:
            return res
    raise KeyError(f"no table {name!r}; the tables are: {', '.join(r['name'] for r in desc['resources'])}")


def fields(res: dict) -> list[dict]:
    return res["schema"]["fields"]


def enum_of(field: dict) -> list[str] | None:
    return field.get("constraints", {}).get("enum")


def primary_key(res: dict) -> list[str]:
    key = res["schema"].get("primaryKey", [])
    return [key] if isinstance(key, str) else list(key)


def foreign_keys(res: dict) -> list[tuple[str, str, str]]:
    """(column, referenced table, referenced column) for each foreign key of a resource."""
    out = []
    for fk in res["schema"].get("foreignKeys", []):
        cols = fk["fields"] if isinstance(fk["fields"], str) else fk["fields"][0]
        ref = fk["reference"]
        ref_cols = ref["fields"] if isinstance(ref["fields"], str) else ref["fields"][0]
        out.append((cols, ref.get("resource") or res["name"], ref_cols))
    return out


def arrow_type(field: dict) -> Any:
    """The Arrow type of a field: dictionary-encoded strings for enums, date32 for dates."""
    import pyarrow as pa

    kind = field.get("type", "string")
    if kind == "string":
        return pa.dictionary(pa.int32(), pa.string()) if enum_of(field) else pa.string()
    return {"number": pa.float64(), "integer": pa.int64(), "boolean": pa.bool_(), "date": pa.date32()}[kind]


def arrow_read_type(field: dict) -> Any:
    """The Arrow type a CSV column is read as (enums are read as plain strings first)."""
    import pyarrow as pa

    kind = field.get("type", "string")
    return pa.string() if kind == "string" else arrow_type(field)


def arrow_schema(res: dict, package: dict | None = None) -> Any:
    """The Arrow schema of a table, field descriptions in field metadata and, when given, the
    package descriptor in the schema metadata."""
    import pyarrow as pa

    required = {f["name"] for f in fields(res) if f.get("constraints", {}).get("required")}
    arrow_fields = [
        pa.field(
            f["name"],
            arrow_type(f),
            nullable=f["name"] not in required,
            metadata={"description": f.get("description", ""), "type": f.get("type", "string")},
        )
        for f in fields(res)
    ]
    metadata = {"table": res["name"], "description": res.get("description", "")}
    if package is not None:
        metadata["datapackage"] = json.dumps(package, ensure_ascii=False, sort_keys=True)
    return pa.schema(arrow_fields, metadata=metadata)


def pandas_dtype(field: dict) -> Any:
    """The pandas dtype of a field: nullable types, categoricals for enums, datetime64 for dates."""
    import pandas as pd

    kind = field.get("type", "string")
    if kind == "string":
        values = enum_of(field)
        return pd.CategoricalDtype(values) if values else pd.StringDtype("pyarrow")
    return {
        "number": pd.Float64Dtype(),
        "integer": pd.Int64Dtype(),
        "boolean": pd.BooleanDtype(),
        "date": "datetime64[ms]",
    }[kind]


SQLITE_TYPES = {"string": "TEXT", "number": "REAL", "integer": "INTEGER", "boolean": "INTEGER", "date": "TEXT"}


def sqlite_type(field: dict) -> str:
    return SQLITE_TYPES[field.get("type", "string")]
