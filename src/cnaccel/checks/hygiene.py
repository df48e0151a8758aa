"""Hygiene check: text cells are NFC, trimmed, free of control and invisible formatting
characters, and never start like a spreadsheet formula.

These keep the data identical across tools: a non-NFC name does not match its NFC twin in a
join, and a cell starting with ``=`` runs as a formula when an analyst opens the CSV in Excel.
"""

from __future__ import annotations

import re
import unicodedata

from ..problems import Problem
from ..raw import RawPackage

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A printed +45.21% or -5.30亿元 is a figure, not a formula: a sign followed by a number.
SIGNED_NUMBER = re.compile(r"^[+-]\s?[\d.]")
INVISIBLE = {
    "\u200b",
    "\u200c",
    "\u200d",
    "\u200e",
    "\u200f",
    "\u2060",
    "\ufeff",
    *(chr(c) for c in range(0x202A, 0x202F)),
    *(chr(c) for c in range(0x2066, 0x206A)),
}


def cell_problem(text: str) -> str | None:
    """What is wrong with one text cell, or None."""
    found = cell_code(text)
    return found[1] if found else None


def cell_code(text: str) -> tuple[str, str] | None:
    """(rule code, message) of what is wrong with one text cell, or None."""
    if text != text.strip():
        return "text-spaces", "has leading or trailing spaces; trim them"
    if text.startswith(FORMULA_STARTS) and not SIGNED_NUMBER.match(text):
        return "text-formula", f"starts with {text[0]!r}, which a spreadsheet would run as a formula; reword the cell"
    for ch in text:
        if unicodedata.category(ch) == "Cc":
            return "text-control", f"contains the control character U+{ord(ch):04X}; remove it"
        if ch in INVISIBLE:
            return "text-invisible", f"contains the invisible formatting character U+{ord(ch):04X}; remove it"
    if unicodedata.normalize("NFC", text) != text:
        return "text-not-nfc", "is not NFC-normalised; store unicodedata.normalize('NFC', text)"
    return None


def check(package: RawPackage) -> list[Problem]:
    problems: list[Problem] = []
    for res in package.descriptor["resources"]:
        name = res.get("name")
        text_fields = [f["name"] for f in res["schema"]["fields"] if f.get("type", "string") == "string"]
        for row in package.rows(name):
            for column in text_fields:
                text = row.get(column)
                if text:
                    found = cell_code(text)
                    if found:
                        problems.append(
                            Problem(res["path"], row.line, column, f"text {found[1]}", "", "hygiene", found[0])
                        )
    return problems
