"""Tracing a claim in a page the user saved: the check anyone can run without our texts.

The user saves the source's page (as text or HTML) and runs ``cnaccel trace CLAIM_ID FILE``.
The page is normalised as the fingerprints were (NFKC, no whitespace); the claim's passage is
looked for by its SHA-256 at its recorded offset, then anywhere.  When no exact copy of the
passage is there, every place the figure is printed is scored against the passage's similarity
hash and the nearest is shown; when the figure is not printed at all, the page does not hold
the claim.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from .fingerprint import Passage, find_by_fingerprint, normalise, simhash, similarity

MARK_OPEN, MARK_CLOSE = "⟦", "⟧"
_HTML_HINT = re.compile(r"(?is)<\s*(html|body|p|div|span|article|br)\b")


class _TextOf(HTMLParser):
    """The visible text of an HTML page: everything outside script and style elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in ("script", "style", "noscript"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "noscript") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def page_text(raw: str, name: str = "") -> str:
    """The text of a saved page: an HTML page's visible text, a text file as it is."""
    if name.lower().endswith((".htm", ".html", ".xhtml")) or _HTML_HINT.search(raw[:5000]):
        parser = _TextOf()
        parser.feed(raw)
        parser.close()
        return html.unescape("".join(parser.parts))
    return raw


@dataclass(frozen=True)
class TraceResult:
    """What a saved page says about a claim: ``exact``, ``near`` or ``absent``."""

    outcome: str
    offset: int | None
    similarity: float | None
    shown: str
    message: str


def _marked(window: str, figure: str) -> str:
    if figure and figure in window:
        return window.replace(figure, f"{MARK_OPEN}{figure}{MARK_CLOSE}", 1)
    return window


def trace_text(page: str, claim: dict) -> TraceResult:
    """Trace ``claim`` (a row with passage_sha256, passage_start, passage_chars, passage_simhash and
    figure) in the text of a saved page."""
    text = normalise(page)
    passage = Passage(str(claim["passage_sha256"]), int(claim["passage_start"]), int(claim["passage_chars"]))
    figure = normalise(str(claim.get("figure") or ""))
    found = find_by_fingerprint(text, passage)
    if found is not None:
        window = text[found : found + passage.chars]
        where = "at its recorded offset" if found == passage.start else f"at offset {found} (recorded {passage.start})"
        return TraceResult("exact", found, 1.0, _marked(window, figure), f"passage found {where}")
    if not figure:
        return TraceResult(
            "absent", None, None, "", "no exact copy of the passage, and the claim prints no figure to look for"
        )
    best: tuple[float, int] | None = None
    at = text.find(figure)
    while at >= 0:
        first = max(0, at + len(figure) - passage.chars)
        for start in range(first, at + 1):
            window = text[start : start + passage.chars]
            score = similarity(simhash(window), str(claim.get("passage_simhash") or ""))
            # the best score wins; between equals, the one nearer the recorded offset
            key = (score, -abs(start - passage.start))
            if best is None or key > (best[0], -abs(best[1] - passage.start)):
                best = (score, start)
        at = text.find(figure, at + 1)
    if best is None:
        return TraceResult("absent", None, None, "", f"the page does not print the figure {claim.get('figure')}")
    score, start = best
    window = text[start : start + passage.chars]
    return TraceResult(
        "near",
        start,
        score,
        _marked(window, figure),
        f"no exact copy of the passage; the nearest passage printing the figure is at offset {start}, "
        f"similarity {score:.2f} (1.00 = same words, about 0.50 = unrelated)",
    )


def trace_file(path: str | Path, claim: dict) -> TraceResult:
    """Trace ``claim`` in a saved page at ``path`` (UTF-8 text or HTML)."""
    path = Path(path)
    raw = path.read_bytes().decode("utf-8", errors="replace")
    return trace_text(page_text(raw, path.name), claim)
