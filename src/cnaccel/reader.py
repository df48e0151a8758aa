"""The one reader: a package from a folder, a release zip, a git ref or files held in memory.

Every module that reads a package's tables goes through :func:`open_package`. It applies one
path policy (relative paths inside the package, no ``..``, no link leaving it, regular files
only, size limits) and gives two views of each table:

* :meth:`Table.column` - whole columns as Arrow string columns (an empty cell is ``""``), which
  the checks run on;
* :meth:`Table.line` and :meth:`Table.row` - the file's line (the header is line 1) and the
  cells of any row, for the messages that name a cell.

CSV files are parsed by pyarrow. When a file holds something pyarrow would read differently
from the csv module (a line break inside a quoted cell, a blank line, a carriage return as in
Windows line ends, a byte-order mark, a cell over :data:`MAX_CELL` characters, a row with too
many or too few cells, bytes that are not UTF-8) the file is read again with the csv module,
which gives the exact line of every row and the one-line message of what is wrong.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from .paths import DESCRIPTOR, MAX_TABLE_BYTES, find_root, resource_path
from .problems import UnusableInput

if TYPE_CHECKING:
    import pyarrow as pa

MAX_CELL = 131_072  # characters in one CSV cell: Python's default limit, documented and enforced here
ARCHIVE_DIR = "archive"

Read = Callable[[str], bytes | None]


def _as_text(data: bytes, rel: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnusableInput(f"{rel}: not UTF-8 (byte {exc.start}); save it as UTF-8") from None


def parse_descriptor(data: bytes | None, where: str = DESCRIPTOR) -> dict:
    """The parsed descriptor, or UnusableInput saying what is wrong with it."""
    if data is None:
        raise UnusableInput(
            f"{where}: no {DESCRIPTOR} here; run the command in a cnaccel package folder or pass --root"
        )
    try:
        descriptor = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise UnusableInput(f"{DESCRIPTOR}: not valid UTF-8 JSON ({exc}); fix the file") from None
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise UnusableInput(f"{DESCRIPTOR}: has no list of resources; fix the file")
    for number, res in enumerate(descriptor["resources"], 1):
        schema = res.get("schema") if isinstance(res, dict) else None
        fields = schema.get("fields") if isinstance(schema, dict) else None
        if (
            not isinstance(res, dict)
            or not isinstance(res.get("name"), str)
            or not isinstance(res.get("path"), str)
            or not isinstance(fields, list)
            or not all(isinstance(f, dict) and isinstance(f.get("name"), str) for f in fields)
        ):
            raise UnusableInput(
                f"{DESCRIPTOR}: resource {number} needs a name, a path and a schema whose fields each have a name; "
                "fix the file"
            )
    return descriptor


@dataclass
class Table:
    """One CSV table as whole string columns, with the file line of every row."""

    name: str
    path: str
    header: list[str]
    data: pa.Table
    lines: list[int] | None = None  # None: row i is on line i + 2 (no blank lines, no breaks in cells)

    def __len__(self) -> int:
        return self.data.num_rows

    def has(self, column: str) -> bool:
        return column in self.header

    def column(self, name: str) -> pa.ChunkedArray:
        """The column as an Arrow string column; a column the table lacks is all empty."""
        return self._columns(name)

    def _columns(self, name: str) -> pa.ChunkedArray:
        cache = self.__dict__.setdefault("_column_cache", {})
        if name not in cache:
            import pyarrow as pa

            if name in self.header:
                cache[name] = self.data.column(name)
            else:
                cache[name] = pa.chunked_array([pa.array([""] * len(self), pa.string())])
        return cache[name]

    def values(self, name: str) -> list[str]:
        """The column as Python strings (for small tables and filtered subsets)."""
        return self.column(name).to_pylist()

    def line(self, index: int) -> int:
        return self.lines[index] if self.lines is not None else index + 2

    def row(self, index: int) -> dict[str, str]:
        return {name: self.column(name)[index].as_py() for name in self.header}

    def rows(self) -> list[dict[str, str]]:
        """Every row as a dict of strings: only for small tables."""
        return self.data.to_pylist()


def _strings(header: list[str], columns: list[list[str]]) -> pa.Table:
    import pyarrow as pa

    return pa.table({name: pa.array(col, pa.string()) for name, col in zip(header, columns, strict=True)})


def _header_problem(rel: str, header: list[str], expected: list[str]) -> str | None:
    if header == expected:
        return None
    missing = [c for c in expected if c not in header]
    extra = [c for c in header if c not in expected]
    detail = "; ".join(
        part
        for part in (
            f"missing {', '.join(missing)}" if missing else "",
            f"unexpected {', '.join(extra)}" if extra else "",
            "columns out of order" if not missing and not extra else "",
        )
        if part
    )
    return (
        f"{rel}:1: header does not match the schema in {DESCRIPTOR} ({detail}); "
        f"the header must be: {','.join(expected)}"
    )


def _read_slow(name: str, rel: str, data: bytes, expected: list[str] | None) -> Table:
    """The csv module's reading, with the exact line of every row and of what is wrong."""
    text = _as_text(data, rel)
    previous = csv.field_size_limit(MAX_CELL)  # one documented limit, whatever another library set
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            header = next(reader)
        except StopIteration:
            raise UnusableInput(f"{rel}: empty file; it needs at least a header row") from None
        except csv.Error as exc:
            raise UnusableInput(f"{rel}:1: not readable CSV ({exc}); fix the header row") from None
        if expected is not None and (problem := _header_problem(rel, header, expected)):
            raise UnusableInput(problem)
        columns: list[list[str]] = [[] for _ in header]
        lines: list[int] = []
        while True:
            start = reader.line_num + 1  # a row is named by the line it starts on
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                raise UnusableInput(
                    f"{rel}:{reader.line_num + 1}: not readable CSV ({exc}); a cell may hold an unclosed quote "
                    f"or more than {MAX_CELL} characters"
                ) from None
            if not cells or cells == [""]:
                continue
            if len(cells) != len(header):
                raise UnusableInput(
                    f"{rel}:{reader.line_num}: {len(cells)} cells where the header has {len(header)}; "
                    "quote cells that contain commas"
                )
            lines.append(start)
            for column, cell in zip(columns, cells, strict=True):
                column.append(cell)
    finally:
        csv.field_size_limit(previous)
    return Table(name, rel, header, _strings(header, columns), lines)


def _read_fast(name: str, rel: str, data: bytes) -> Table | None:
    """pyarrow's reading, or None when the file needs the csv module (see the module's note)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    if data.startswith(b"\xef\xbb\xbf") or b"\r" in data:
        return None
    end = data.find(b"\n")
    first = (data if end < 0 else data[:end]).decode("utf-8", "replace")
    header = next(csv.reader([first]), [])
    if not header or len(set(header)) != len(header):
        return None
    try:
        table = pacsv.read_csv(
            pa.py_buffer(data),
            read_options=pacsv.ReadOptions(block_size=1 << 26),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                check_utf8=True,
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                auto_dict_encode=False,
                column_types={h: pa.string() for h in header},
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowException):
        return None
    if table.column_names != header:
        return None
    newlines = data.count(b"\n")
    if newlines != table.num_rows + (1 if data.endswith(b"\n") else 0):
        return None  # a blank line or a line break inside a cell: lines are not rows + 1
    for column in table.columns:
        if len(column) and pc.max(pc.utf8_length(column)).as_py() > MAX_CELL:
            return None
    return Table(name, rel, header, table)


def read_table(name: str, rel: str, data: bytes, expected: list[str] | None = None) -> Table:
    """A CSV table from its bytes; with ``expected`` its header must list those columns in order."""
    table = _read_fast(name, rel, data) if data[:4096].strip() else None
    if table is None:
        return _read_slow(name, rel, data, expected)
    if expected is not None and (problem := _header_problem(rel, table.header, expected)):
        raise UnusableInput(problem)
    return table


# --------------------------------------------------------------------------------------------
# Where the files come from


@dataclass
class Package:
    """A package: its descriptor and, read on demand, its tables and archived source texts."""

    label: str
    descriptor: dict
    read: Read
    root: Path | None = None  # the folder, when the package is one (archive/ and git history live there)
    strict: bool = True  # headers must match the schema (a check); False for comparing any version
    tables: dict[str, Table] = field(default_factory=dict)

    @property
    def version(self) -> str:
        return str(self.descriptor.get("version") or "")

    def resources(self) -> list[dict]:
        return [r for r in self.descriptor["resources"] if isinstance(r, dict)]

    def resource(self, name: str) -> dict:
        for res in self.resources():
            if res.get("name") == name:
                return res
        raise KeyError(name)

    def names(self) -> list[str]:
        return [str(r.get("name")) for r in self.resources()]

    def path_of(self, name: str) -> str:
        """The resource's path as written in the descriptor (used in messages)."""
        return str(self.resource(name).get("path") or f"data/{name}.csv")

    def fields(self, name: str) -> list[dict]:
        return self.resource(name)["schema"]["fields"]

    def table(self, name: str) -> Table:
        """The table ``name`` (read once); an empty table when the descriptor has no such resource."""
        if name not in self.tables:
            try:
                res = self.resource(name)
            except KeyError:
                import pyarrow as pa

                return Table(name, f"data/{name}.csv", [], pa.table({}))
            self.tables[name] = self._load(res)
        return self.tables[name]

    def _load(self, res: dict) -> Table:
        name = str(res.get("name", "?"))
        rel = res.get("path")
        candidates = [rel] if self.strict else [rel, f"data/{name}.csv", f"csv/{name}.csv"]
        for candidate in candidates:
            if not isinstance(candidate, str) or not _safe(candidate):
                if self.strict:
                    _refuse(name, candidate)
                continue
            data = self.read(candidate)
            if data is not None:
                expected = [f.get("name") for f in res.get("schema", {}).get("fields", [])] if self.strict else None
                return read_table(name, candidate, data, expected)
        if self.strict:
            raise UnusableInput(f"{rel}: file not found (resource {name!r} in {DESCRIPTOR} of {self.label})")
        tried = ", ".join(dict.fromkeys(c for c in candidates if isinstance(c, str) and _safe(c)))
        raise UnusableInput(f"table {name!r} not found in {self.label} (tried {tried})")

    def rows(self, name: str) -> list[dict[str, str]]:
        """Every row of a table as a dict of strings: for the small tables and the documents."""
        return self.table(name).rows()

    def read_all(self) -> Package:
        for name in self.names():
            if not self.is_parquet(name):
                self.table(name)
        return self

    def is_parquet(self, name: str) -> bool:
        """True for a bundle's Parquet resource (its rows are those of the CSV resource of the same table)."""
        res = self.resource(name)
        return res.get("format") == "parquet" or str(res.get("path", "")).endswith(".parquet")

    def archive_text(self, source_id: str) -> bytes | None:
        """The curators' text of a source (``archive/<source_id>.txt``), when the package has it."""
        if not source_id or "/" in source_id or source_id.startswith("."):
            return None
        return self.read(f"{ARCHIVE_DIR}/{source_id}.txt")


def _safe(rel: str) -> bool:
    pure = PurePosixPath(rel)
    return bool(rel) and not pure.is_absolute() and ".." not in pure.parts and "\\" not in rel


def _refuse(name: str, rel: object) -> None:
    if not isinstance(rel, str) or not rel:
        raise UnusableInput(f"{DESCRIPTOR}: resource {name!r} has no path")
    raise UnusableInput(f"{DESCRIPTOR}: resource {name!r} has an unsafe path {rel!r}; use a path inside the package")


def _folder_reader(root: Path) -> Read:
    def read(rel: str) -> bytes | None:
        path = root / PurePosixPath(rel)
        if not (path.exists() or path.is_symlink()):
            return None
        if rel.startswith(f"{ARCHIVE_DIR}/"):  # a curator's text: a regular file of its own, or nothing
            return path.read_bytes() if path.is_file() and not path.is_symlink() else None
        return resource_path(root, rel, rel).read_bytes()

    return read


def _zip_reader(archive: zipfile.ZipFile, prefix: str) -> Read:
    infos = {info.filename: info for info in archive.infolist()}

    def read(rel: str) -> bytes | None:
        info = infos.get(prefix + rel)
        if info is None:
            return None
        if (info.external_attr >> 16) & 0o170000 == 0o120000:
            raise UnusableInput(f"{rel}: a link inside the zip; rebuild the zip with regular files")
        if info.file_size > MAX_TABLE_BYTES:
            raise UnusableInput(f"{rel}: larger than {MAX_TABLE_BYTES} bytes; refused")
        try:
            return archive.read(info)
        except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError, ValueError) as exc:
            raise UnusableInput(f"{rel}: cannot be read from the zip ({exc}); rebuild the zip") from None

    return read


def open_folder(root: Path, *, strict: bool = True) -> Package:
    read = _folder_reader(root)
    return Package(f"folder {root}", parse_descriptor(read(DESCRIPTOR), str(root)), read, root, strict)


def open_files(files: Mapping[str, bytes | str], *, label: str = "files in memory", strict: bool = True) -> Package:
    """A package held in memory: ``{"datapackage.json": ..., "data/facts.csv": ..., "archive/x.txt": ...}``."""
    store = {k: (v.encode("utf-8") if isinstance(v, str) else v) for k, v in files.items()}
    return Package(label, parse_descriptor(store.get(DESCRIPTOR), label), store.get, None, strict)


def open_zip(path: Path, *, strict: bool = True) -> Package:
    """A release zip read in place: datapackage.json at its top or under one top folder."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnusableInput(f"{path}: not a readable zip ({exc}); give a release zip") from None
    names = set(archive.namelist())
    prefix = ""
    if DESCRIPTOR not in names:
        inner = sorted(n for n in names if n.count("/") == 1 and n.endswith("/" + DESCRIPTOR))
        if len(inner) != 1:
            raise UnusableInput(f"{path}: the zip has no {DESCRIPTOR} at its top or under one top folder")
        prefix = inner[0][: -len(DESCRIPTOR)]
    read = _zip_reader(archive, prefix)
    label = f"zip {path.resolve()}" + (f" ({prefix.rstrip('/')})" if prefix else "")
    return Package(label, parse_descriptor(read(DESCRIPTOR), label), read, None, strict)


def git(cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes] | None:
    """``git -C cwd ARGS``, or None when git cannot run here (not installed, or no answer in 60 s)."""
    try:
        return subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, check=False, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None


def open_git(spec: str, repo: str | Path | None = None, *, strict: bool = True) -> Package:
    """The package at git ref ``spec`` in the repository around ``repo`` (no checkout); the package
    sits at the top of the repository, or in the folder ``repo`` names inside it."""
    if not spec or spec.startswith("-") or spec != spec.strip():
        raise UnusableInput(f"{spec!r}: not a valid ref name")
    where = Path(repo) if repo is not None else Path.cwd()
    if not where.is_dir():
        raise UnusableInput(f"{where}: the repository folder does not exist")
    found = git(where, "rev-parse", "--show-toplevel", "--show-prefix")
    if found is None:
        raise UnusableInput("git cannot run here; give a folder or a release zip instead of a git ref")
    if found.returncode != 0:
        raise UnusableInput(f"{where.absolute()} is not in a git repository")
    lines = found.stdout.decode("utf-8", "replace").splitlines()
    top = lines[0] if lines else str(where)
    prefix = lines[1] if len(lines) > 1 else ""
    resolved = git(where, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{spec}^{{commit}}")
    if resolved is None or resolved.returncode != 0:
        raise UnusableInput(f"no commit {spec!r} in the git repository at {top}")
    commit = resolved.stdout.decode().strip()

    def show(path: str) -> bytes | None:
        shown = git(where, "show", f"{commit}:{path}")
        return shown.stdout if shown is not None and shown.returncode == 0 else None

    base = prefix if prefix and show(prefix + DESCRIPTOR) is not None else ""
    descriptor = show(base + DESCRIPTOR)
    if descriptor is None:
        tried = ", ".join(dict.fromkeys(p + DESCRIPTOR for p in (prefix, "")))
        raise UnusableInput(f"{spec!r}: commit {commit[:12]} in {top} has no {DESCRIPTOR} (tried {tried})")
    label = f"git {spec} ({commit[:12]}) in {top}" + (f" at {base.rstrip('/')}" if base else "")
    return Package(label, parse_descriptor(descriptor, label), lambda rel: show(base + rel), None, strict)


def open_package(
    source: str | Path | Mapping[str, Any] | None = None, *, repo: str | Path | None = None, strict: bool = True
) -> Package:
    """The package ``source`` names: None for the installed data; a folder (a repository checkout,
    a release bundle, or a folder holding one bundle); a release zip; a mapping of files; or, when
    no such file or folder exists, a git ref resolved in ``repo``."""
    if isinstance(source, Mapping):
        return open_files(source, strict=strict)
    if source is None:
        return open_folder(find_root(None), strict=strict)
    path = Path(source)
    if path.is_dir():
        return open_folder(find_root(path), strict=strict)
    if path.is_file():
        if zipfile.is_zipfile(path):
            return open_zip(path, strict=strict)
        raise UnusableInput(f"{path}: a file that is not a zip; give a package folder, a release bundle or its zip")
    if path.exists():
        raise UnusableInput(f"{path}: not a regular file or folder; give a package folder, a release bundle or its zip")
    if repo is None:
        raise UnusableInput(f"{path}: no such file or folder; give a package folder, a release bundle or its zip")
    return open_git(str(source), repo, strict=strict)
