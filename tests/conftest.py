"""Shared fixtures: a throw-away copy of the package to break, and helpers to edit it.

The texts the sources were read from are not part of the repository; those read up to 0.2.0
stand in its history, and ``history_archive`` restores them once per test session, so that the
provenance checks run against real texts on every clone (CI clones the whole history)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def history_archive(tmp_path_factory) -> Path:
    """A folder of the texts read up to 0.2.0, restored from the repository's history."""
    from cnaccel.archive import restore_from_git

    if not (ROOT / ".git").exists():
        pytest.skip("the texts sources were read from live in the repository's git history: run in a clone")
    folder = tmp_path_factory.mktemp("archive")
    restore_from_git(ROOT, into=folder)
    return folder


class PackageCopy:
    """A copy of the repository's package (descriptor, data, archived texts) in a temporary folder."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def rows(self, table: str) -> tuple[list[str], list[dict[str, str]]]:
        with open(self.root / "data" / f"{table}.csv", encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            return list(reader.fieldnames or []), list(reader)

    def write(self, table: str, header: list[str], rows: list[dict[str, str]]) -> None:
        with open(self.root / "data" / f"{table}.csv", "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)

    def line_of(self, table: str, key: str) -> int:
        """The CSV line (header = 1) of the row whose first column is ``key``."""
        header, rows = self.rows(table)
        for index, row in enumerate(rows):
            if row[header[0]] == key:
                return index + 2
        raise KeyError(key)

    def edit(self, table: str, key: str, column: str, value: str) -> int:
        """Set one cell of the row whose first column is ``key``; returns the row's line."""
        header, rows = self.rows(table)
        for row in rows:
            if row[header[0]] == key:
                row[column] = value
                break
        else:
            raise KeyError(key)
        self.write(table, header, rows)
        return self.line_of(table, key)

    def append(self, table: str, values: dict[str, str]) -> int:
        header, rows = self.rows(table)
        rows.append({column: values.get(column, "") for column in header})
        self.write(table, header, rows)
        return len(rows) + 1

    def passage(self, claim_id: str, table: str = "facts") -> str:
        """A claim's passage, cut from the archived text of its source: the tests never write a
        source's sentence out, they read it from the texts at run time."""
        from cnaccel.fingerprint import normalise

        row = self.row(table, claim_id)
        text = normalise((self.root / "archive" / f"{row['source_id']}.txt").read_text(encoding="utf-8"))
        return text[int(row["passage_start"]) : int(row["passage_start"]) + int(row["passage_chars"])]

    def row(self, table: str, key: str) -> dict[str, str]:
        header, rows = self.rows(table)
        return next(r for r in rows if r[header[0]] == key)


@pytest.fixture()
def pkg(tmp_path: Path, history_archive: Path) -> PackageCopy:
    target = tmp_path / "pkg"
    target.mkdir()
    shutil.copy(ROOT / "datapackage.json", target / "datapackage.json")
    shutil.copytree(ROOT / "data", target / "data")
    shutil.copytree(history_archive, target / "archive")
    return PackageCopy(target)


def tiny_package(tables: dict[str, list[dict[str, str]]], texts: dict[str, str] | None = None):
    """A package of a few rows held in memory: the repository's descriptor, the given rows (every
    other table empty) and archived texts by source id. What the tests of one rule build."""
    import io
    import json

    from cnaccel.reader import open_files

    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    files: dict[str, bytes | str] = {"datapackage.json": json.dumps(descriptor)}
    for res in descriptor["resources"]:
        header = [f["name"] for f in res["schema"]["fields"]]
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n", quoting=csv.QUOTE_ALL)
        writer.writeheader()
        writer.writerows({c: row.get(c, "") for c in header} for row in tables.get(res["name"], []))
        files[res["path"]] = out.getvalue()
    for source_id, text in (texts or {}).items():
        files[f"archive/{source_id}.txt"] = text
    return open_files(files)
