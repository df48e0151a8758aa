"""Hygiene check: text cells are NFC, trimmed, free of control and invisible formatting
characters, and never start like a spreadsheet formula.

These keep the data identical across tools: a non-NFC name does not match its NFC twin in a
join, and a cell starting with ``=`` runs as a formula when an analyst opens the CSV in Excel.
"""

from __future__ import annotations

import re
import unicodedata

import pyarrow.compute as pc

from ..problems import Problem
from ..reader import Package
from ._columns import Report, where

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
# Cells that may break a rule: a first look on whole columns (RE2), confirmed by cell_code.
SUSPECT = (
    r"^[\s\pZ=+\-@]|[\s\pZ]$|[\x00-\x1f\x7f-\x9f\x{200b}-\x{200f}\x{2060}\x{feff}"
    r"\x{202a}-\x{202e}\x{2066}-\x{2069}]"
)


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


def check(package: Package) -> list[Problem]:
    report = Report("hygiene")
    for res in package.resources():
        table = package.table(res["name"])
        for f in res["schema"]["fields"]:
            if f.get("type", "string") != "string" or not table.has(f["name"]):
                continue
            column = table.column(f["name"])
            distinct = pc.unique(column)
            suspect = pc.or_(
                pc.match_substring_regex(distinct, SUSPECT),
                pc.not_equal(pc.utf8_normalize(distinct, form="NFC"), distinct),
            )
            flagged = pc.filter(distinct, suspect)
            if not len(flagged):
                continue
            for i in where(pc.is_in(column, value_set=flagged)):
                found = cell_code(column[i].as_py())
                if found:
                    report.at(table, i, f["name"], found[0], f"text {found[1]}")
    return report.problems
