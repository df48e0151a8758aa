"""Fingerprints of source texts and of the passages that state a claim.

The package keeps no copy of any source's text.  What lets anyone check a row against the
publisher's page is a fingerprint: the SHA-256 of the passage that states the claim, and where
that passage starts in the source's text, both taken after one normalisation that anyone can
repeat on a saved page: Unicode NFKC (full-width digits, letters and punctuation fold to ASCII),
then every whitespace character removed.  Line breaks, spacing and character widths differ
between copies of one article; the words do not.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass

__all__ = ["Passage", "locate", "normalise", "sha256", "simhash", "similarity", "text_fingerprint"]


def normalise(text: str) -> str:
    """The text as fingerprints see it: NFKC, with every whitespace character removed."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def sha256(text: str) -> str:
    """Hex SHA-256 of the UTF-8 bytes of ``text`` (already normalised)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def simhash(normalised: str) -> str:
    """A 64-bit similarity hash (16 hex digits) of the character trigrams of a normalised text.

    Two passages that differ in a few characters have hashes that differ in a few bits, so a
    saved page that is not an exact copy can be matched to a passage without keeping its words."""
    import numpy as np

    grams = [normalised[i : i + 3] for i in range(max(len(normalised) - 2, 1))]
    digests = b"".join(hashlib.blake2b(gram.encode("utf-8"), digest_size=8).digest() for gram in grams)
    # Row g holds gram g's 64 bits, most significant first; a bit is set where more grams set it than not.
    bits = np.unpackbits(np.frombuffer(digests, dtype=np.uint8)).reshape(len(grams), 64)
    majority = bits.sum(axis=0, dtype=np.int64) * 2 > len(grams)
    return f"{int(''.join('1' if b else '0' for b in majority), 2):016x}"


def similarity(a: str, b: str) -> float:
    """How alike two simhashes are: 1.0 for the same, about 0.5 for unrelated texts."""
    try:
        return 1 - bin(int(a, 16) ^ int(b, 16)).count("1") / 64
    except ValueError:
        return 0.0


def text_fingerprint(text: str) -> tuple[str, int]:
    """(``text_sha256``, ``text_chars``) of a source's text as read."""
    norm = normalise(text)
    return sha256(norm), len(norm)


@dataclass(frozen=True)
class Passage:
    """Where a passage stands in a normalised source text, and its fingerprint."""

    sha256: str
    start: int
    chars: int

    def cut(self, normalised_text: str) -> str:
        """The characters of ``normalised_text`` this passage points at."""
        return normalised_text[self.start : self.start + self.chars]

    def matches(self, normalised_text: str) -> bool:
        """True when the text holds this passage at its recorded offset."""
        cut = self.cut(normalised_text)
        return len(cut) == self.chars and sha256(cut) == self.sha256


def locate(normalised_text: str, passage: str) -> Passage | None:
    """The fingerprint of ``passage`` at its first occurrence in the text, or None when absent.

    ``passage`` may be given as printed: it is normalised here the same way as the text."""
    wanted = normalise(passage)
    if not wanted:
        return None
    start = normalised_text.find(wanted)
    if start < 0:
        return None
    return Passage(sha256(wanted), start, len(wanted))


def find_by_fingerprint(normalised_text: str, passage: Passage) -> int | None:
    """Where a passage with this fingerprint starts: at its recorded offset, else anywhere.

    Scans every offset only when the recorded one does not match (a saved page with more or
    less text before the passage); hashing each window keeps it exact."""
    if passage.matches(normalised_text):
        return passage.start
    size = passage.chars
    for start in range(0, max(len(normalised_text) - size + 1, 0)):
        if sha256(normalised_text[start : start + size]) == passage.sha256:
            return start
    return None
