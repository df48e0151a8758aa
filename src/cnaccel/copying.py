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
    if len(norm) < CJK_RUN:
        return None
    cjk = [0]
    for ch in norm:  # cjk[i] counts the Chinese or Japanese characters before position i
        cjk.append(cjk[-1] + (ch >= "\u3040" and _is_cjk(ch)))
    for start in range(len(norm)):
        end12 = min(start + CJK_RUN, len(norm))
        size = CJK_RUN if cjk[end12] - cjk[start] >= CJK_MIN else LATIN_RUN
        if start + size > len(norm):
            if size == LATIN_RUN and cjk[-1] - cjk[start] < CJK_MIN:
                return None  # no window of either size is left
            continue
        window = norm[start : start + size]
        if window in normalised_text:
            end = start + size
            while end < len(norm) and norm[start : end + 1] in normalised_text:
                end += 1
            return norm[start:end]
    return None
