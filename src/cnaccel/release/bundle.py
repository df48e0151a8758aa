"""Build the release bundle: validate, write the chosen forms into a staging folder, publish.

``out/cnaccel-<version>/`` holds the chosen forms (by default all of them: ``parquet/``, ``csv/``,
``cnaccel.sqlite``, ``cnaccel.xlsx``), a ``datapackage.json`` describing the bundle's table files
(with each file's size and SHA-256), a README naming the forms it holds, and ``SHA256SUMS``;
``out/cnaccel-<version>.zip`` is the same folder zipped. Optionally the wheel and sdist land in
``out/`` too. Every file is written into a staging folder inside ``out/`` first and each entry is
then published in one atomic step, so a failed or killed build leaves ``out/`` whole
(see :mod:`cnaccel.release.publish`).
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from ..derived import DERIVED, release_descriptor
from . import BuildError, parquet, publish, sqlite, xlsx
from .parquet import SortedTables
from .zipfiles import add_stream

SOURCE_DATE_EPOCH = "1767225600"  # 2026-01-01T00:00:00Z: fixed so the wheel and sdist are reproducible
SUMS = "SHA256SUMS"
DESCRIPTOR = "datapackage.json"
PARQUET_MEDIATYPE = "application/vnd.apache.parquet"
ARCHIVE_FOLDERS = ("archive", "sources")  # the curators' texts, and where 0.2.0 kept them
FORMATS = ("parquet", "csv", "sqlite", "xlsx")  # every form, in the order they are written
TABLE_FORMATS = ("csv", "parquet")  # the forms the descriptor describes, table by table
_VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.+_-]*$")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def bundle_name(package: dict) -> str:
    """``cnaccel-<version>``; BuildError when the descriptor's version is missing or unsafe."""
    version = str(package.get("version", ""))
    if not _VERSION.match(version):
        raise BuildError(f"datapackage.json: version {version!r} is not usable in a file name; set e.g. 0.1.0")
    return f"{package.get('name', 'cnaccel')}-{version}"


def parse_formats(formats: str | Iterable[str] | None) -> tuple[str, ...]:
    """The forms to build, in :data:`FORMATS` order, from ``"parquet,csv"`` or a list of names;
    None means all. BuildError for an unknown name, or when neither CSV nor Parquet is chosen
    (the bundle's datapackage.json describes the tables through those files)."""
    if formats is None:
        return FORMATS
    names = [n.strip().lower() for n in (formats.split(",") if isinstance(formats, str) else formats)]
    names = [n for n in names if n]
    unknown = [n for n in names if n not in FORMATS]
    if unknown or not names:
        what = f"unknown format {unknown[0]!r}" if unknown else "no format given"
        raise BuildError(f"{what}; choose one or more of {','.join(FORMATS)} (e.g. --formats parquet,csv)")
    if not set(names) & set(TABLE_FORMATS):
        raise BuildError(
            "a bundle needs csv or parquet: its datapackage.json describes the tables through those files; "
            f"add one, e.g. --formats {','.join(names)},csv"
        )
    return tuple(f for f in FORMATS if f in names)


def _validate(root: Path) -> None:
    from ..checks import run_checks

    problems = run_checks(root)
    if problems:
        count = len(problems)
        raise BuildError(f"data does not validate: {count} problem{'s' if count != 1 else ''}; run `cnaccel validate`")


def _package(root: Path) -> dict:
    return json.loads((root / DESCRIPTOR).read_text(encoding="utf-8"))


def _with_file_facts(res: dict, folder: Path) -> dict:
    path = folder / res["path"]
    return {**res, "bytes": path.stat().st_size, "hash": f"sha256:{sha256_file(path)}"}


def bundle_descriptor(package: dict, folder: Path, formats: Iterable[str] = FORMATS) -> dict:
    """The descriptor of the bundle: the package's metadata, a resource for each CSV file and
    one for each Parquet file (``<table>-parquet``, its foreign keys pointing at Parquet), for
    those of the two forms that are in ``formats``."""
    formats = set(formats)
    meta = {k: v for k, v in package.items() if k != "resources"}
    csv_resources, parquet_resources = [], []
    for res in package["resources"]:
        name = res["name"]
        if "csv" in formats:
            csv_resources.append(_with_file_facts({**res, "path": f"csv/{name}.csv"}, folder))
        if "parquet" not in formats:
            continue
        table_schema = json.loads(json.dumps(res["schema"]))
        for fk in table_schema.get("foreignKeys", []):
            ref = fk["reference"]
            if ref.get("resource"):
                ref["resource"] = f"{ref['resource']}-parquet"
        parquet_res = {
            "name": f"{name}-parquet",
            "type": "table",
            "title": f"{res.get('title', name)} (Parquet)",
            "description": res.get("description", ""),
            "path": f"parquet/{name}.parquet",
            "format": "parquet",
            "mediatype": PARQUET_MEDIATYPE,
            "schema": table_schema,
        }
        # No ``bytes`` for Parquet: frictionless cannot count a Parquet file's bytes and would call the
        # resource invalid; its ``hash`` and SHA256SUMS cover the file.
        parquet_resources.append({k: v for k, v in _with_file_facts(parquet_res, folder).items() if k != "bytes"})
    return {
        **meta,
        "resources": (csv_resources if "csv" in formats else []) + (parquet_resources if "parquet" in formats else []),
    }


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def write_sums(folder: Path) -> None:
    """``SHA256SUMS``: ``<hex>  <path>`` for every file but itself, sorted by path."""
    lines = [f"{sha256_file(folder / rel)}  {rel}\n" for rel in _files(folder) if rel != SUMS]
    (folder / SUMS).write_text("".join(lines), encoding="utf-8", newline="\n")


def write_zip(folder: Path, path: Path) -> None:
    """Zip ``folder`` (entries under its name) with sorted entries, fixed times and permissions,
    each file streamed in (a bundle of a million claims holds files of hundreds of MB)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        for rel in _files(folder):
            with open(folder / rel, "rb") as source:
                add_stream(archive, f"{folder.name}/{rel}", source, (folder / rel).stat().st_size)


def _csv_cell(value: object) -> str:
    """A cell as the repository's CSV files write it: empty for nothing, integers without a point."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def write_csv(root: Path, package: dict, res: dict, path: Path, tables: SortedTables | None = None) -> None:
    """The table's CSV as in the repository; a claim table gains its rendered ``statement``, and a
    derived table is written from its Arrow form."""
    tables = tables or SortedTables(root, package)
    if res["name"] in DERIVED:
        table = tables[res["name"]]
        with open(path, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(table.column_names)
            for row in zip(*(table.column(c).to_pylist() for c in table.column_names), strict=True):
                writer.writerow([_csv_cell(v) for v in row])
        return
    if all(f["name"] != "statement" for f in res["schema"]["fields"]):
        shutil.copyfile(root / res["path"], path)
        return
    table = tables[res["name"]]
    key = table.column(0).to_pylist()
    said = dict(zip(key, table.column("statement").to_pylist(), strict=True))
    with (
        open(root / res["path"], encoding="utf-8", newline="") as src,
        open(path, "w", encoding="utf-8", newline="") as out,
    ):
        reader, writer = csv.reader(src), csv.writer(out, lineterminator="\n")
        writer.writerow([*next(reader), "statement"])
        for row in reader:
            if row:
                writer.writerow([*row, said.get(row[0], "")])


LICENCES = ("LICENSE-DATA.md", "LICENSE")


def _licence_text(root: Path, name: str) -> bytes:
    """A licence file of the package at ``root``, else the one installed with cnaccel."""
    from ..paths import bundled_root

    for base in (root, bundled_root()):
        if (base / name).is_file():
            return (base / name).read_bytes()
    raise BuildError(f"{name} not found beside {root / 'datapackage.json'}; restore it from the repository")


FORM_LINES = {
    "xlsx": "- `cnaccel.xlsx`: Excel, a README sheet and one sheet per table (a table longer than Excel's "
    "row limit continues on further sheets, as the README sheet says).",
    "sqlite": "- `cnaccel.sqlite`: SQLite (keys declared; the view `facts_cited` joins each fact to its entity "
    "and source).",
    "parquet": "- `parquet/<table>.parquet`: typed columns with their descriptions.",
    "csv": "- `csv/<table>.csv`: UTF-8 CSV, as in the repository, with the rendered `statement` of each claim.",
}
FORM_ORDER = ("xlsx", "sqlite", "parquet", "csv")  # as the README lists them


def readme_text(package: dict, root: Path | None = None, formats: Iterable[str] = FORMATS) -> str:
    """The bundle's README: which forms it holds, what each file is, how to check it, how to cite
    it, its licence."""
    from ..citation import package_citation

    tables = "\n".join(
        f"- `{res['name']}`: {res.get('description', '')}"
        for res in package["resources"]
        if res.get("format") != "parquet"
    )
    chosen = [f for f in FORM_ORDER if f in set(formats)]
    left_out = [f for f in FORM_ORDER if f not in chosen]
    forms = f"This bundle holds the forms {', '.join(chosen)}" + (
        f"; it was built without {', '.join(left_out)} (`cnaccel build --formats`)." if left_out else "."
    )
    files = "\n".join(FORM_LINES[f] for f in chosen)
    return f"""# {package.get("title", "cnaccel")}, version {package.get("version", "")}

{package.get("description", "")}

## Files

{forms}

{files}
- `datapackage.json`: the Frictionless descriptor of the tables' CSV and Parquet files; `SHA256SUMS`: checksums.
- `LICENSE-DATA.md`: the data licence (CC-BY-4.0); `LICENSE`: the code licence (MIT).

## Tables

{tables}

## Checking a figure

Each claim carries the figure as printed and a fingerprint of the passage that states it. Save the
source's page (its address is in `sources.url`) and run `cnaccel trace CLAIM_ID PAGE` (`pip install
cnaccel`) to find the passage with the figure marked. `cnaccel verify` checks this bundle against
its checksums, and `cnaccel.load(name, source="this-bundle.zip")` reads it in Python.

## Citation

{package_citation("text", root)}
"""


def write_folder(root: Path, package: dict, folder: Path, formats: Iterable[str] = FORMATS) -> None:
    """Write every file of the bundle for the package at ``root`` into ``folder``, in the chosen
    forms; the claim tables carry their rendered statements."""
    formats = parse_formats(list(formats))
    package = release_descriptor(package)
    tables = SortedTables(root, package)
    folder.mkdir(parents=True)
    if "parquet" in formats:
        parquet.write_all(root, package, folder / "parquet", tables)
        publish.checkpoint("written parquet")
    if "csv" in formats:
        (folder / "csv").mkdir()
        for res in package["resources"]:
            write_csv(root, package, res, folder / "csv" / f"{res['name']}.csv", tables)
        publish.checkpoint("written csv")
    if "sqlite" in formats:
        sqlite.write_sqlite(root, package, folder / "cnaccel.sqlite", tables)
        publish.checkpoint("written sqlite")
    if "xlsx" in formats:
        xlsx.write_xlsx(root, package, folder / "cnaccel.xlsx", tables)
        publish.checkpoint("written xlsx")
    for name in LICENCES:
        (folder / name).write_bytes(_licence_text(root, name))
    (folder / "README.md").write_text(readme_text(package, root, formats), encoding="utf-8", newline="\n")
    text = json.dumps(bundle_descriptor(package, folder, formats), ensure_ascii=False, indent=2) + "\n"
    (folder / DESCRIPTOR).write_text(text, encoding="utf-8", newline="\n")
    write_sums(folder)


def _archive_paths(names: list[str]) -> list[str]:
    # Any member inside a folder of source texts (data/sources.csv is a table, not a text).
    return [n for n in names if set(ARCHIVE_FOLDERS) & set(PurePosixPath(n).parts[:-1])]


def _check_dist(path: Path) -> None:
    import tarfile

    if path.suffix == ".whl":
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    else:
        with tarfile.open(path) as archive:
            names = archive.getnames()
    bad = _archive_paths(names)
    if bad:
        raise BuildError(f"{path.name} contains source texts ({bad[0]}); exclude archive/ from the build")


def _check_dist_tools(root: Path) -> None:
    if importlib.util.find_spec("hatchling") is None or importlib.util.find_spec("build") is None:
        raise BuildError("building the wheel needs the packages build and hatchling: pip install build hatchling")
    if not (root / "pyproject.toml").is_file():
        raise BuildError(f"{root}: no pyproject.toml here; build the wheel from a checkout of the repository")


def build_dists(root: Path, outdir: Path) -> list[Path]:
    """Build the wheel and sdist of the project at ``root`` into ``outdir``, reproducibly."""
    _check_dist_tools(root)
    env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
    command = [sys.executable, "-m", "build", "--no-isolation", "--wheel", "--sdist", "--outdir", str(outdir), "."]
    result = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        lines = [line for line in (result.stderr + result.stdout).splitlines() if line.strip()]
        raise BuildError(f"python -m build failed: {lines[-1] if lines else f'exit status {result.returncode}'}")
    dists = sorted(p for p in outdir.iterdir() if p.suffix == ".whl" or p.name.endswith(".tar.gz"))
    for dist in dists:
        _check_dist(dist)
    return dists


def build_bundle(
    out: str | Path,
    *,
    root: str | Path | None = None,
    with_dists: bool = False,
    formats: str | Iterable[str] | None = None,
) -> Path:
    """Validate the package at ``root`` and write its release bundle into ``out``; returns the bundle
    folder. ``formats`` picks the forms (``"parquet,csv"`` or a list; default all of
    :data:`FORMATS`). Raises BuildError for an unknown format or when the data does not validate
    (nothing is touched), or when a step fails (``out`` is left as it was); UnusableInput when the
    package cannot be read at all. A build killed at any point leaves each entry of ``out`` whole,
    and the next build removes what it left (see :mod:`cnaccel.release.publish`)."""
    from ..paths import find_root

    chosen = parse_formats(formats)
    root = find_root(root).resolve()
    out = Path(out).resolve()
    if out.exists() and not out.is_dir():
        raise BuildError(f"{out}: exists and is not a folder; choose another --out")
    if with_dists:
        _check_dist_tools(root)
    _validate(root)
    publish.checkpoint("validated")
    package = _package(root)
    name = bundle_name(package)
    created = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    try:
        with publish.locked(out):
            publish.clean_leftovers(out)
            _build_into(root, package, name, out, chosen, with_dists)
    except BaseException:
        if created:
            shutil.rmtree(out, ignore_errors=True)  # a new out/ with nothing published: leave no trace
        raise
    return out / name


def _build_into(root: Path, package: dict, name: str, out: Path, formats: tuple[str, ...], with_dists: bool) -> None:
    """Stage every entry in a fresh folder inside ``out``, publish each in one step, discard the rest."""
    staging = publish.new_staging(out)
    publish.checkpoint("staging")
    publisher = publish.Publisher(staging, out)
    try:
        folder = staging / name
        write_folder(root, package, folder, formats)
        write_zip(folder, staging / f"{name}.zip")
        publish.checkpoint("zipped")
        entries = [name, f"{name}.zip"]
        if with_dists:
            dist_dir = staging / ".dist"
            dist_dir.mkdir()
            for dist in build_dists(root, dist_dir):
                os.replace(dist, staging / dist.name)
                entries.append(dist.name)
        for entry in sorted(entries):
            publisher.publish(entry)
        publish.checkpoint("published")
    except BaseException:
        publisher.undo()
        shutil.rmtree(staging, ignore_errors=True)
        raise
    publish.discard(staging)
    publish.checkpoint("done")
