"""Where the package's descriptor, data and archived sources live.

An installed wheel carries the descriptor and the CSV files inside the package
(``cnaccel/_data``); a checkout of the repository keeps them at its root.  The archived source
texts exist only in the repository.
"""

from __future__ import annotations

from pathlib import Path

DESCRIPTOR = "datapackage.json"


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


def find_root(start: str | Path | None = None) -> Path:
    """The package folder to work on: ``start`` if given, else the current folder if it holds a
    datapackage.json, else the installed package's own data."""
    if start is not None:
        return Path(start)
    cwd = Path.cwd()
    if (cwd / DESCRIPTOR).is_file():
        return cwd
    return bundled_root()
