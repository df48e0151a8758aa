"""What changed between two versions of the package, to write each changelog entry from.

``cnaccel diff OLD NEW`` reads two versions (a package folder, a bundle folder or zip, or a git
ref), matches every table's rows on their primary key and reports what was added, changed and
removed.  For claims (facts, events, relations) it also reports which were retracted, superseded
or otherwise reassessed; since claims are never deleted, a claim that disappears is flagged
loudly.  Reading is plain text (csv module, no typing) so that any version can be compared, even
one that would no longer validate.
"""

from .changelist import format_json, format_text, to_dict
from .compare import Diff, TableDiff, compress_ids, diff_specs, diff_versions
from .versions import DiffError, Table, Version, load_version

__all__ = [
    "Diff", "DiffError", "Table", "TableDiff", "Version", "compress_ids", "diff_specs", "diff_versions",
    "format_json", "format_text", "load_version", "to_dict",
]  # fmt: skip
