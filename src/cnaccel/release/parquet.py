"""Parquet files of the tables: typed by the schema, sorted by primary key, self-describing.

Each file carries its fields' descriptions in the Arrow field metadata and the whole package
descriptor under the schema metadata key ``datapackage``, so a file found on its own still says
what it is. Parquet holds no timestamps, so the same data and pyarrow version give the same bytes.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .. import schema
from ..typed import read_arrow

if TYPE_CHECKING:
    import pyarrow as pa

COMPRESSION = "zstd"
COMPRESSION_LEVEL = 9


def sorted_table(name: str, root: Path, package: dict) -> pa.Table:
    """One table typed by the schema, rows sorted by primary key, the descriptor in its metadata;
    a claim table of a release descriptor ends with its rendered ``statement``."""
    import pyarrow as pa

    from ..derived import derived_table
    from ..statements import statements

    res = schema.resource(package, name)
    table = derived_table(name, root)
    if table is None:
        table = read_arrow(name, root)
    key = schema.primary_key(res)
    if key:
        table = table.sort_by([(column, "ascending") for column in key])
    columns = table.columns
    if any(f["name"] == "statement" for f in schema.fields(res)):
        columns = [*columns, pa.array(statements(name, table, root), pa.string())]
    return pa.Table.from_arrays(columns, schema=schema.arrow_schema(res, package))


class SortedTables:
    """The sorted tables of one package, each built once: every writer of a build reads the same
    tables, and a derived table or a claim table's statements are costly to make."""

    def __init__(self, root: Path, package: dict) -> None:
        self.root, self.package = root, package
        self._tables: dict[str, pa.Table] = {}

    def __getitem__(self, name: str) -> pa.Table:
        if name not in self._tables:
            self._tables[name] = sorted_table(name, self.root, self.package)
        return self._tables[name]


def write_parquet(name: str, root: Path, package: dict, path: Path, tables: SortedTables | None = None) -> None:
    """Write table ``name`` of the package at ``root`` to ``path`` (zstd, one row group)."""
    import pyarrow.parquet as pq

    table = (tables or SortedTables(root, package))[name]
    key = schema.primary_key(schema.resource(package, name))
    sorting = [pq.SortingColumn(table.schema.get_field_index(column)) for column in key]
    pq.write_table(
        table,
        path,
        row_group_size=max(table.num_rows, 1),
        version="2.6",
        compression=COMPRESSION,
        compression_level=COMPRESSION_LEVEL,
        use_dictionary=True,
        write_statistics=True,
        store_schema=True,
        sorting_columns=sorting or None,
    )


def write_all(root: Path, package: dict, folder: Path, tables: SortedTables | None = None) -> list[Path]:
    """Write ``<table>.parquet`` for every table of the package into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    tables = tables or SortedTables(root, package)
    written = []
    for res in package["resources"]:
        path = folder / f"{res['name']}.parquet"
        write_parquet(res["name"], root, package, path, tables)
        written.append(path)
    return written
