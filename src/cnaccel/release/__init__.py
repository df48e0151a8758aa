"""The reproducible release bundle: Parquet, CSV, SQLite and Excel forms of the package, a
descriptor of the bundle, SHA-256 sums and a zip, all byte-identical from one build to the next.

``build_bundle`` validates first and writes nothing unless the data is clean; it stages every
file in a folder inside the output folder and publishes each entry in one atomic step only at the
end, so a failed build leaves the output folder as it was and a killed one leaves it whole.
``verify_bundle`` rechecks a bundle folder or zip against its sums.
No text of any source goes into the bundle or the wheel: the curators' ``archive/`` stays outside git.
"""

from __future__ import annotations

from .._lazy import lazy_attributes

__all__ = ["BuildError", "build_bundle", "verify_bundle"]


class BuildError(Exception):
    """The bundle cannot be built or checked; the message is one line for the user."""


_LAZY = {"build_bundle": "bundle", "verify_bundle": "verify"}


# The writers import pyarrow and openpyxl: load them only when a function is first used.
__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, globals())
