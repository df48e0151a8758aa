"""Finding our own words that repeat a source's: the package keeps figures, never sentences.

A cell repeats its source when a run of it, normalised like the source's text (NFKC, no
whitespace), stands in that text.  A run counts from 12 characters where at least four of them
are Chinese or Japanese script (about a clause) and from 36 otherwise (about seven English
words); shorter runs are names, figures and dates, which we take from sources by design.
"""

from __future__ import annotations

import unicodedata

from .fingerprint import normalise

CJK_RUN = 12
LATIN_RUN = 36
CJK_MIN = 4


def _is_cjk(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith(("CJK UNIFIED", "CJK COMPATIBILITY IDEOGRAPH", "HIRAGANA", "KATAKANA"))


def shared_run(cell: str, normalised_text: str) -> str | None:
    """The first run of ``cell`` that stands in the source's normalised text, or None."""
    if not cell or not normalised_text:
        return None
    norm = normalise(cell)
    start = 0
    while start < len(norm):
        size = CJK_RUN if sum(map(_is_cjk, norm[start : start + CJK_RUN])) >= CJK_MIN else LATIN_RUN
        window = norm[start : start + size]
        if len(window) == size and window in normalised_text:
            end = start + size
            while end < len(norm) and norm[start : end + 1] in normalised_text:
                end += 1
            return norm[start:end]
        start += 1
    return None
