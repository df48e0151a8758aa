"""Check a release bundle, folder or zip, against its own SHA256SUMS and datapackage.json.

Every listed file is hashed again, every file present must be listed, and each resource's
``bytes`` and ``hash`` in the bundle's descriptor must match its file. Each difference is one
line naming the file, so a user can see what was changed, lost or added since the build.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from . import BuildError

SUMS = "SHA256SUMS"
DESCRIPTOR = "datapackage.json"
_SUM_LINE = re.compile(r"^([0-9a-f]{64}) [ *](.+)$")


MAX_MEMBER = 1 << 30  # no file of a bundle comes near 1 GiB; a larger one is refused unread
MAX_TEXT = 16 << 20  # SHA256SUMS and datapackage.json are read whole: refuse anything beyond 16 MiB


class _Folder:
    """The regular files of a bundle folder, by relative POSIX path; links are refused."""

    def __init__(self, path: Path) -> None:
        self.path = path
        links = [p for p in path.rglob("*") if p.is_symlink()]
        if links:
            raise BuildError(f"{links[0]}: a symbolic link in the bundle; a bundle holds regular files only")
        self.names = sorted(p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file())

    def size(self, name: str) -> int:
        return (self.path / name).stat().st_size

    def blocks(self, name: str):
        with open(self.path / name, "rb") as fh:
            yield from iter(lambda: fh.read(1 << 20), b"")


class _Zip:
    """The files of a bundle zip, by path below its single top folder. Members that are links,
    absolute, climb out with ``..`` or appear twice are refused before anything is read."""

    def __init__(self, path: Path) -> None:
        self.archive = zipfile.ZipFile(path)
        infos = [i for i in self.archive.infolist() if not i.filename.endswith("/")]
        seen: set[str] = set()
        for info in infos:
            mode = (info.external_attr >> 16) & 0o170000
            if mode == 0o120000:
                raise BuildError(f"{path}: member {info.filename!r} is a symbolic link; a bundle holds regular files")
            if not _safe(info.filename):
                raise BuildError(f"{path}: member {info.filename!r} has an unsafe path (absolute or with ..)")
            if info.filename in seen:
                raise BuildError(f"{path}: member {info.filename!r} appears twice")
            if info.file_size > MAX_MEMBER:
                raise BuildError(f"{path}: member {info.filename!r} claims {info.file_size} bytes; refused unread")
            seen.add(info.filename)
        entries = [i.filename for i in infos]
        tops = {n.split("/", 1)[0] for n in entries}
        nested = all("/" in n for n in entries)
        self.prefix = f"{tops.pop()}/" if len(tops) == 1 and nested else ""
        self.names = sorted(n[len(self.prefix) :] for n in entries)

    def size(self, name: str) -> int:
        return self.archive.getinfo(self.prefix + name).file_size

    def blocks(self, name: str):
        with self.archive.open(self.prefix + name) as fh:
            yield from iter(lambda: fh.read(1 << 20), b"")


def _read_small(bundle: _Folder | _Zip, name: str) -> bytes:
    if bundle.size(name) > MAX_TEXT:
        raise BuildError(f"{name}: {bundle.size(name)} bytes, too large for a bundle's {name}")
    return b"".join(bundle.blocks(name))


def _open(path: Path) -> _Folder | _Zip:
    if path.is_dir():
        bundle: _Folder | _Zip = _Folder(path)
    elif path.is_file() and zipfile.is_zipfile(path):
        try:
            bundle = _Zip(path)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise BuildError(f"{path}: cannot read the zip ({exc})") from None
    else:
        raise BuildError(f"{path}: neither a bundle folder nor a bundle zip")
    if SUMS not in bundle.names and DESCRIPTOR not in bundle.names:
        raise BuildError(f"{path}: not a cnaccel bundle (no {SUMS} and no {DESCRIPTOR})")
    return bundle


def _safe(name: str) -> bool:
    pure = PurePosixPath(name)
    return bool(name) and not pure.is_absolute() and ".." not in pure.parts and "\\" not in name


def _check_sums(bundle: _Folder | _Zip, digest: Callable[[str], str]) -> list[str]:
    if SUMS not in bundle.names:
        return [f"{SUMS}: missing; the bundle's files cannot be checked"]
    problems: list[str] = []
    listed: set[str] = set()
    text = _read_small(bundle, SUMS).decode("utf-8", errors="replace")
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _SUM_LINE.match(line)
        if not match or not _safe(match.group(2)):
            problems.append(f"{SUMS}:{number}: not a '<sha256>  <path>' line: {line[:80]!r}")
            continue
        expected, name = match.groups()
        if name in listed:
            problems.append(f"{SUMS}:{number}: {name} is listed twice")
            continue
        listed.add(name)
        if name not in bundle.names:
            problems.append(f"{name}: listed in {SUMS} but missing")
        elif digest(name) != expected:
            problems.append(f"{name}: SHA-256 differs from {SUMS}")
    for name in bundle.names:
        if name != SUMS and name not in listed:
            problems.append(f"{name}: not listed in {SUMS} (added after the build?)")
    return problems


def _check_descriptor(bundle: _Folder | _Zip, digest: Callable[[str], str]) -> list[str]:
    if DESCRIPTOR not in bundle.names:
        return [f"{DESCRIPTOR}: missing; the resources cannot be checked"]
    try:
        package = json.loads(_read_small(bundle, DESCRIPTOR).decode("utf-8"))
        resources = package["resources"]
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
        return [f"{DESCRIPTOR}: not a readable descriptor ({exc.__class__.__name__})"]
    if not isinstance(resources, list):
        return [f"{DESCRIPTOR}: resources is not a list"]
    problems: list[str] = []
    for res in resources:
        if not isinstance(res, dict):
            problems.append(f"{DESCRIPTOR}: a resource is not an object")
            continue
        name, path = res.get("name", "?"), res.get("path")
        if not isinstance(path, str) or not _safe(path):
            problems.append(f"{DESCRIPTOR}: resource {name!r} has no usable path")
            continue
        if path not in bundle.names:
            problems.append(f"{path}: missing (resource {name!r} in {DESCRIPTOR})")
            continue
        size = bundle.size(path)
        if "bytes" in res and res["bytes"] != size:
            problems.append(f"{path}: {size} bytes where {DESCRIPTOR} says {res['bytes']}")
        expected = str(res.get("hash", ""))
        algorithm, _, value = expected.rpartition(":")
        if not expected:
            problems.append(f"{path}: no hash in {DESCRIPTOR}")
        elif algorithm not in ("sha256", "") or (algorithm == "" and len(value) != 64):
            problems.append(f"{path}: hash in {DESCRIPTOR} is not SHA-256 ({expected[:20]}...)")
        elif digest(path) != value:
            problems.append(f"{path}: SHA-256 differs from {DESCRIPTOR}")
    return problems


def verify_bundle(path: str | Path) -> list[str]:
    """Problems with the bundle folder or zip at ``path``, one line each; empty when it verifies.
    Raises BuildError when ``path`` is neither a bundle folder nor a bundle zip."""
    bundle = _open(Path(path))
    cache: dict[str, str] = {}

    def digest(name: str) -> str:
        if name not in cache:
            sha = hashlib.sha256()
            for block in bundle.blocks(name):
                sha.update(block)
            cache[name] = sha.hexdigest()
        return cache[name]

    try:
        return _check_sums(bundle, digest) + _check_descriptor(bundle, digest)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, RuntimeError, ValueError) as exc:
        raise BuildError(f"{path}: the zip cannot be read ({exc.__class__.__name__}: {exc}); build it again") from None
    finally:
        if isinstance(bundle, _Zip):
            bundle.archive.close()
