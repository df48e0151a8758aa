"""Where a package's descriptor and tables live: the installed data, a folder, or a release zip.

An installed wheel carries the descriptor and the CSV files inside the package
(``cnaccel/_data``); a checkout of the repository keeps them at its root; a release bundle is a
folder (``cnaccel-VERSION/``, its tables under ``csv/``) or that folder zipped. Every entry point
(API ``source=``, CLI ``--source``) finds a package the same way, through :func:`find_root`:
without a source, the installed data; with one, that folder or zip.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import zipfile
from functools import lru_cache
from pathlib import Path, PurePosixPath

from .problems import UnusableInput

DESCRIPTOR = "datapackage.json"
MAX_MEMBER_BYTES = 512 * 1024 * 1024  # a release zip's members are a few MB; refuse anything absurd


def bundled_root() -> Path:
    """The folder holding datapackage.json and data/ for the installed package."""
    here = Path(__file__).resolve().parent
    inside = here / "_data"
    if (inside / DESCRIPTOR).is_file():
        return inside
    repo = here.parents[1]
    if (repo / DESCRIPTOR).is_file():
        return repo
    raise FileNotFoundError(
        f"cnaccel cannot find its data: neither {inside / DESCRIPTOR} nor {repo / DESCRIPTOR} exists; "
        "reinstall the package"
    )


def _not_a_package(path: Path, why: str) -> UnusableInput:
    return UnusableInput(f"{path}: not a cnaccel package ({why}); give a package folder, a release bundle or its zip")


def _unpack(zip_path: Path) -> Path:
    """The folder a release zip unpacks to, in a cache keyed by the zip's SHA-256 (unpacked once)."""
    digest = hashlib.sha256()
    with open(zip_path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    cache = Path(os.environ.get("CNACCEL_CACHE", Path(tempfile.gettempdir()) / "cnaccel-cache"))
    target = cache / digest.hexdigest()[:32]
    if (target / ".complete").is_file():
        return target
    try:
        archive = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise _not_a_package(zip_path, f"not a readable zip: {exc}") from None
    cache.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".unpacking-", dir=cache))
    with archive:
        for info in archive.infolist():
            name = PurePosixPath(info.filename)
            mode = (info.external_attr >> 16) & 0o170000
            if name.is_absolute() or ".." in name.parts or mode == 0o120000:
                raise _not_a_package(zip_path, f"unsafe member {info.filename!r}")
            if info.file_size > MAX_MEMBER_BYTES:
                raise _not_a_package(zip_path, f"member {info.filename!r} is {info.file_size} bytes")
            if info.is_dir():
                continue
            out = staging / name
            out.parent.mkdir(parents=True, exist_ok=True)
            try:
                with archive.open(info) as src, open(out, "wb") as dst:
                    for block in iter(lambda: src.read(1 << 20), b""):
                        dst.write(block)
            except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError) as exc:
                raise _not_a_package(zip_path, f"member {info.filename!r} cannot be read: {exc}") from None
    (staging / ".complete").write_text("", encoding="utf-8")
    with contextlib.suppress(OSError):  # another process unpacked the same zip first
        os.replace(staging, target)
    return target


@lru_cache(maxsize=32)
def _find(source: str, stamp: tuple[int, int]) -> Path:
    return _find_uncached(Path(source))


def find_root(source: str | Path | None = None) -> Path:
    """The folder of the package to work on: the installed data without ``source``; else the
    folder, bundle folder or release zip ``source`` names (see :func:`_find_uncached`)."""
    if source is None:
        return bundled_root()
    path = Path(source)
    try:
        stat = path.stat()
    except OSError:
        raise UnusableInput(
            f"{path}: no such file or folder; give a package folder, a release bundle or its zip"
        ) from None
    if path.is_dir():
        return _find_uncached(path)
    return _find(str(path.resolve()), (stat.st_mtime_ns, stat.st_size))


def _find_uncached(path: Path) -> Path:
    """The folder, bundle folder or unpacked release zip at ``path`` (a folder holding one bundle
    folder counts too). Raises UnusableInput, in one line, when it is no cnaccel package."""
    if path.is_file():
        if not zipfile.is_zipfile(path):
            raise _not_a_package(path, "a file that is not a zip")
        path = _unpack(path)
    if (path / DESCRIPTOR).is_file():
        return path
    inner = [p for p in path.iterdir() if p.is_dir() and (p / DESCRIPTOR).is_file()] if path.is_dir() else []
    if len(inner) == 1:
        return inner[0]
    raise _not_a_package(path, f"no {DESCRIPTOR}")


MAX_TABLE_BYTES = 4 << 30  # a table file beyond 4 GiB is refused before it is read


def resource_path(root: Path, rel: object, name: str = "?") -> Path:
    """The file of a resource, under the one path policy of every reader: a relative path inside
    the package (no absolute path, no ``..``), a regular file (no pipe or device), no link that
    leaves the package, and no larger than :data:`MAX_TABLE_BYTES`."""
    if not isinstance(rel, str) or not rel:
        raise UnusableInput(f"{DESCRIPTOR}: resource {name!r} has no path")
    pure = PurePosixPath(rel)
    if pure.is_absolute() or ".." in pure.parts or "\\" in rel:
        raise UnusableInput(
            f"{DESCRIPTOR}: resource {name!r} has an unsafe path {rel!r}; use a path inside the package"
        )
    path = Path(root) / pure
    if path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(Path(root).resolve()):
            raise UnusableInput(f"{rel}: a link to {target}, outside the package; copy the file into the package")
    if not path.exists():
        raise UnusableInput(f"{rel}: file not found (resource {name!r} in {DESCRIPTOR})")
    if not path.is_file():
        raise UnusableInput(f"{rel}: not a regular file (resource {name!r}); replace it with the table's CSV file")
    if path.stat().st_size > MAX_TABLE_BYTES:
        raise UnusableInput(f"{rel}: larger than {MAX_TABLE_BYTES} bytes; refused")
    return path
