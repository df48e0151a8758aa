"""cnaccel: China's AI-accelerator market, claim by claim.

Every row is a claim quoted verbatim from an archived source.  Importing the package is cheap:
pandas and pyarrow are imported when a table is first loaded.
"""

from __future__ import annotations

__version__ = "0.1.0"
