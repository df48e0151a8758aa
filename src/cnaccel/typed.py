"""Typed tables: a CSV resource read into a pandas DataFrame with the dtypes its Table Schema
gives (nullable integers and floats, strings, categoricals for enums, dates as datetime64)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from . import schema
from .problems import UnusableInput

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa


def read_arrow(name: str, root: str | Path | None = None) -> pa.Table:
    """One table as an Arrow table typed by its schema (enums as dictionaries).

    Arrow tables are immutable, so each version of a file is read once per process: the joins of
    the API read the same tables several times per call."""
    from .paths import DESCRIPTOR, find_root

    base = find_root(root)
    from .paths import resource_path

    res = schema.resource(schema.descriptor(base), name)
    path = resource_path(base, res.get("path"), name)
    return _read_arrow(name, schema.file_stamp(base / DESCRIPTOR), schema.file_stamp(path))


@lru_cache(maxsize=64)
def _read_arrow(name: str, descriptor_stamp: tuple[str, int, int], csv_stamp: tuple[str, int, int]) -> pa.Table:
    import pyarrow as pa
    import pyarrow.compute as pc

    from .reader import open_folder, read_table

    package = open_folder(Path(descriptor_stamp[0]).parent)  # the one reader: its path policy, its errors
    res = schema.resource(package.descriptor, name)
    flds = schema.fields(res)
    data = package.read(res["path"]) or b""
    try:
        table = _typed_csv(pa.BufferReader(data), flds)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        # The reader names the line and what to do; a file it reads cleanly has a cell of the wrong type.
        read_table(name, res["path"], data, [f["name"] for f in flds])
        raise UnusableInput(f"{res['path']}: {' '.join(str(exc).split())[:300]}; run `cnaccel validate`") from None
    columns = []
    for f in flds:
        column = table.column(f["name"])
        values = schema.enum_of(f)
        if values:
            dictionary = pa.array(values, pa.string())
            indices = pc.index_in(column, value_set=dictionary).cast(pa.int32())
            if indices.null_count != column.null_count:  # a value outside the enum would silently become missing
                bad = pc.filter(column, pc.and_(pc.is_valid(column), pc.is_null(indices)))[0]
                raise ValueError(
                    f"{res['path']}: column {f['name']} holds {bad.as_py()!r}, which is not one of "
                    f"{', '.join(values)}; run `cnaccel validate`"
                )
            column = pa.DictionaryArray.from_arrays(indices.combine_chunks(), dictionary)
        columns.append(column)
    return pa.Table.from_arrays(columns, schema=schema.arrow_schema(res))


def _typed_csv(source: pa.NativeFile, flds: list[dict]) -> pa.Table:
    """A CSV file's bytes read by pyarrow straight into the schema's types."""
    import pyarrow.csv as pacsv

    return pacsv.read_csv(
        source,
        read_options=pacsv.ReadOptions(encoding="utf8", use_threads=False),
        parse_options=pacsv.ParseOptions(newlines_in_values=False),
        convert_options=pacsv.ConvertOptions(
            column_types={f["name"]: schema.arrow_read_type(f) for f in flds},
            include_columns=[f["name"] for f in flds],
            strings_can_be_null=True,
            null_values=[""],
            true_values=["true", "True", "TRUE", "1"],
            false_values=["false", "False", "FALSE", "0"],
        ),
    )


def to_pandas(table: pa.Table) -> pd.DataFrame:
    """An Arrow table typed by cnaccel's schema as a DataFrame with nullable pandas dtypes:
    Arrow-backed strings (no copy into Python objects), Float64, Int64, boolean, categoricals for
    the dictionary-encoded enums and datetime64[ms] for dates."""
    import pandas as pd
    import pyarrow as pa

    mapping = {
        pa.string(): pd.StringDtype("pyarrow"),
        pa.large_string(): pd.StringDtype("pyarrow"),
        pa.float64(): pd.Float64Dtype(),
        pa.int64(): pd.Int64Dtype(),
        pa.bool_(): pd.BooleanDtype(),
    }
    return table.to_pandas(types_mapper=mapping.get, date_as_object=False)


def read_frame(name: str, root: str | Path | None = None) -> pd.DataFrame:
    """One table as a typed DataFrame."""
    return to_pandas(read_arrow(name, root))


def clear_cache() -> None:
    """Forget the tables read so far (for benchmarks that measure a first read)."""
    _read_arrow.cache_clear()
