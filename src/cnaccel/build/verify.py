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
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from . import BuildError

SUMS = "SHA256SUMS"
DESCRIPTOR = "datapackage.json"
_SUM_LINE = re.compile(r"^([0-9a-f]{64}) [ *](.+)$")


class _Folder:
    """The files of a bundle folder, by relative POSIX path."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.names = sorted(p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file())

    def read(self, name: str) -> bytes:
        return (self.path / name).read_bytes()


class _Zip:
    """The files of a bundle zip, by path below its single top folder."""

    def __init__(self, path: Path) -> None:
        self.archive = zipfile.ZipFile(path)
        entries = [n for n in self.archive.namelist() if not n.endswith("/")]
        tops = {n.split("/", 1)[0] for n in entries}
        nested = all("/" in n for n in entries)
        self.prefix = f"{tops.pop()}/" if len(tops) == 1 and nested else ""
        self.names = sorted(n[len(self.prefix) :] for n in entries)

    def read(self, name: str) -> bytes:
        return self.archive.read(self.prefix + name)


def _open(path: Path) -> _Folder | _Zip:
    if path.is_dir():
        bundle: _Folder | _Zip = _Folder(path)
    elif path.is_file() and zipfile.is_zipfile(path):
        try:
            bundle = _Zip(path)
        except (zipfile.BadZipFile, OSError) as exc:
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
    text = bundle.read(SUMS).decode("utf-8", errors="replace")
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
        package = json.loads(bundle.read(DESCRIPTOR).decode("utf-8"))
        resources = package["resources"]
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
        return [f"{DESCRIPTOR}: not a readable descriptor ({exc.__class__.__name__})"]
    problems: list[str] = []
    for res in resources:
        name, path = res.get("name", "?"), res.get("path")
        if not isinstance(path, str) or not _safe(path):
            problems.append(f"{DESCRIPTOR}: resource {name!r} has no usable path")
            continue
        if path not in bundle.names:
            problems.append(f"{path}: missing (resource {name!r} in {DESCRIPTOR})")
            continue
        size = len(bundle.read(path))
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
            cache[name] = hashlib.sha256(bundle.read(name)).hexdigest()
        return cache[name]

    try:
        return _check_sums(bundle, digest) + _check_descriptor(bundle, digest)
    finally:
        if isinstance(bundle, _Zip):
            bundle.archive.close()
