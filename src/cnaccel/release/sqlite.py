"""A SQLite database of the tables with the schema's keys and enums declared as constraints.

Columns take their types from ``schema.sqlite_type``; dates are ISO text and booleans 0/1.
Primary and foreign keys are declared so that ``PRAGMA foreign_key_check`` can prove the
references, and the views ``facts_cited``, ``events_cited`` and ``relations_cited`` show each
claim with its source's citation (and a fact with its names). The file is built with a fixed
insert order in one transaction, then vacuumed, so the same data and SQLite version give the same
bytes. It is a new file nobody reads until the build is done, so it is written without a journal
and without syncs (a failed build throws it away): that, and values converted a column at a time
by Arrow, is what keeps a million claims fast.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from .. import schema
from .parquet import SortedTables

if TYPE_CHECKING:
    import pyarrow as pa

PAGE_SIZE = 4096
SLICE_ROWS = 100_000  # rows converted to Python values at a time

FACTS_CITED = """CREATE VIEW facts_cited AS
SELECT
  f.fact_id,
  f.entity_id,
  e.name_en AS entity_name,
  f.product_id,
  f.metric_id,
  m.name_en AS metric_name,
  f.period,
  f.period_start,
  f.period_end,
  f.value,
  f.value_max,
  f.qualifier,
  f.unit_id,
  u.name_en AS unit_name,
  u.symbol AS unit_symbol,
  f.context,
  f.market_id,
  f.basis,
  f.figure,
  f.statement,
  f.claim_type,
  f.assessment,
  f.assessment_note,
  f.evidence_ids,
  f.supersedes,
  f.origin_id,
  f.source_id,
  s.title AS source_title,
  s.publisher AS source_publisher,
  s.published AS source_published,
  s.url AS source_url,
  s.reliability AS source_reliability
FROM facts AS f
LEFT JOIN entities AS e ON e.entity_id = f.entity_id
LEFT JOIN metrics AS m ON m.metric_id = f.metric_id
LEFT JOIN units AS u ON u.unit_id = f.unit_id
LEFT JOIN sources AS s ON s.source_id = f.source_id"""


CLAIMS_CITED = """CREATE VIEW {table}_cited AS
SELECT
  c.*,
  s.title AS source_title,
  s.publisher AS source_publisher,
  s.published AS source_published,
  s.url AS source_url,
  s.reliability AS source_reliability
FROM {table} AS c
LEFT JOIN sources AS s ON s.source_id = c.source_id"""


def quote_name(name: str) -> str:
    """A SQL identifier in double quotes."""
    return '"' + name.replace('"', '""') + '"'


def quote_text(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _comment(text: str) -> str:
    # Descriptions are kept in the CREATE TABLE text as SQL comments, one line each.
    return " ".join(str(text).split())


def create_table_sql(res: dict) -> str:
    """CREATE TABLE for one resource: typed columns, NOT NULL, CHECK for enums and booleans, keys.

    Each column's description follows it as an SQL comment, which SQLite keeps in sqlite_master."""
    entries: list[tuple[str, str]] = []
    for field in schema.fields(res):
        column = quote_name(field["name"])
        parts = [column, schema.sqlite_type(field)]
        if field.get("constraints", {}).get("required"):
            parts.append("NOT NULL")
        values = schema.enum_of(field)
        if values:
            parts.append(f"CHECK ({column} IN ({', '.join(quote_text(v) for v in values)}))")
        elif field.get("type") == "boolean":
            parts.append(f"CHECK ({column} IN (0, 1))")
        entries.append((" ".join(parts), _comment(field.get("description", ""))))
    key = schema.primary_key(res)
    if key:
        entries.append((f"PRIMARY KEY ({', '.join(quote_name(c) for c in key)})", ""))
    for column, ref_table, ref_column in schema.foreign_keys(res):
        entries.append(
            (f"FOREIGN KEY ({quote_name(column)}) REFERENCES {quote_name(ref_table)} ({quote_name(ref_column)})", "")
        )
    lines = []
    for index, (definition, comment) in enumerate(entries):
        comma = "," if index < len(entries) - 1 else ""
        lines.append(f"  {definition}{comma}" + (f" -- {comment}" if comment else ""))
    about = f" -- {_comment(res['description'])}" if res.get("description") else ""
    return f"CREATE TABLE {quote_name(res['name'])} ({about}\n" + "\n".join(lines) + "\n)"


def _sqlite_column(column: pa.ChunkedArray) -> list:
    """A column's values as SQLite takes them: booleans as 0/1, dates as ISO text, enums as text."""
    import pyarrow as pa

    if pa.types.is_boolean(column.type):
        column = column.cast(pa.int64())
    elif pa.types.is_date(column.type) or pa.types.is_dictionary(column.type):
        column = column.cast(pa.string())
    return column.to_pylist()


def sqlite_rows(table: pa.Table, columns: list[str]) -> Iterator[tuple]:
    """The rows of ``table`` as tuples for an INSERT, a slice at a time."""
    for start in range(0, table.num_rows, SLICE_ROWS):
        part = table.slice(start, SLICE_ROWS)
        yield from zip(*(_sqlite_column(part.column(c)) for c in columns), strict=True)


def write_sqlite(root: Path, package: dict, path: Path, tables: SortedTables | None = None) -> None:
    """Write every table of the package at ``root`` into a new SQLite file at ``path``."""
    tables = tables or SortedTables(root, package)
    if path.exists():
        path.unlink()
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        connection.execute("PRAGMA journal_mode = OFF")  # a new file: nothing to roll back to
        connection.execute("PRAGMA synchronous = OFF")  # the bundle's checksums are made after it closes
        connection.execute("PRAGMA foreign_keys = OFF")  # rows go in table by table; checked below
        connection.execute("BEGIN")
        for res in package["resources"]:
            connection.execute(create_table_sql(res))
        connection.execute(FACTS_CITED)
        for table in ("events", "relations"):
            connection.execute(CLAIMS_CITED.format(table=table))
        for res in package["resources"]:
            table = tables[res["name"]]
            columns = [f["name"] for f in schema.fields(res)]
            insert = (
                f"INSERT INTO {quote_name(res['name'])} ({', '.join(quote_name(c) for c in columns)}) "
                f"VALUES ({', '.join('?' for _ in columns)})"
            )
            connection.executemany(insert, sqlite_rows(table, columns))
        connection.execute("COMMIT")
        broken = connection.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            table, rowid, parent, _ = broken[0]
            raise ValueError(
                f"{len(broken)} broken foreign keys in the SQLite database, e.g. {table} row {rowid} -> {parent}"
            )
        connection.execute("VACUUM")
    finally:
        connection.close()
