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


SEED = "36kr-2025-12-domestic-gpu-race"
FEW = {*(f"F{n:04d}" for n in range(1, 16)), "E0001", "E0022", "E0023", "E1001", "R0001", "R0002"}
CLAIM_KEYS = {"facts": "fact_id", "events": "event_id", "relations": "relation_id"}
REFERENCES = ("evidence_ids", "supersedes", "derived_from")


def _read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def _few_rows(seed: set[str]) -> dict[str, list[dict[str, str]]]:
    """The claims ``seed`` names, the claims they name or that supersede them, and the rows all
    of them use: a package of a few dozen rows in which every rule can be broken."""
    tables = {name: _read_rows(ROOT / "data" / f"{name}.csv")[1] for name in
              ("sources", "entities", "products", "metrics", "units", *CLAIM_KEYS)}  # fmt: skip
    claims = {row[key]: (name, row) for name, key in CLAIM_KEYS.items() for row in tables[name]}
    seeded = set(seed)
    wanted = set(seeded)
    for cid, (_n, row) in claims.items():
        if cid in seeded:  # the claims the seed's claims rest on or replace (their evidence only when seeded)
            wanted |= {r for column in ("supersedes", "derived_from") for r in (row.get(column) or "").split("|") if r}
        elif set((row.get("supersedes") or "").split("|")) & seeded:
            wanted.add(cid)  # and those that supersede them
    for cid in wanted:  # a reference to a claim left out is dropped; an assessment resting on none is unverified
        row = claims[cid][1]
        for column in REFERENCES:
            if row.get(column):
                row[column] = "|".join(r for r in row[column].split("|") if r in wanted)
        if row["assessment"] in ("corroborated", "disputed") and not row["evidence_ids"]:
            row["assessment"], row["assessment_note"] = "unverified", "Its evidence is not in this small package."
    out = {name: [row for row in tables[name] if row[key] in wanted] for name, key in CLAIM_KEYS.items()}
    rows = [row for name in CLAIM_KEYS for row in out[name]]
    columns = ("entity_id", "counterparty_id", "origin_id", "subject_id", "object_id", "market_id")
    products = {row["product_id"] for row in rows if row.get("product_id")}
    out["products"] = [p for p in tables["products"] if p["product_id"] in products]
    entities = {row[c] for row in rows for c in columns if row.get(c)} | {p["entity_id"] for p in out["products"]}
    parents = {e["entity_id"]: e["parent_id"] for e in tables["entities"]}
    for entity in list(entities):
        while parents.get(entity):
            entity = parents[entity]
            entities.add(entity)
    out["entities"] = [e for e in tables["entities"] if e["entity_id"] in entities]
    out["metrics"] = [m for m in tables["metrics"] if m["metric_id"] in {r["metric_id"] for r in out["facts"]}]
    out["units"] = [u for u in tables["units"] if u["unit_id"] in {r["unit_id"] for r in out["facts"]}]
    out["sources"] = [s for s in tables["sources"] if s["source_id"] in {r["source_id"] for r in rows}]
    return out


class MiniPackage:
    """A package of a few rows held in memory (the claims of one source and what they use), with
    the editing helpers of :class:`PackageCopy`; ``package()`` opens it with the one reader."""

    def __init__(self, archive: Path, seed: set[str] = FEW) -> None:
        import json

        self.descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
        self.tables = _few_rows(seed)
        self.texts = {
            s["source_id"]: (archive / f"{s['source_id']}.txt").read_bytes()
            for s in self.tables["sources"]
            if (archive / f"{s['source_id']}.txt").is_file()
        }

    def _header(self, table: str) -> list[str]:
        res = next(r for r in self.descriptor["resources"] if r["name"] == table)
        return [f["name"] for f in res["schema"]["fields"]]

    def rows(self, table: str) -> tuple[list[str], list[dict[str, str]]]:
        return self._header(table), [dict(r) for r in self.tables[table]]

    def write(self, table: str, header: list[str], rows: list[dict[str, str]]) -> None:
        self.tables[table] = [{c: r.get(c, "") for c in header} for r in rows]
        self.headers = {**getattr(self, "headers", {}), table: header}

    def line_of(self, table: str, key: str) -> int:
        header, rows = self.rows(table)
        return next(i + 2 for i, row in enumerate(rows) if row[header[0]] == key)

    def edit(self, table: str, key: str, column: str, value: str) -> int:
        header = self._header(table)
        row = next(r for r in self.tables[table] if r[header[0]] == key)
        row[column] = value
        return self.line_of(table, key)

    def append(self, table: str, values: dict[str, str]) -> int:
        self.tables[table].append({c: values.get(c, "") for c in self._header(table)})
        return len(self.tables[table]) + 1

    def row(self, table: str, key: str) -> dict[str, str]:
        header = self._header(table)
        return dict(next(r for r in self.tables[table] if r[header[0]] == key))

    def passage(self, claim_id: str, table: str = "facts") -> str:
        from cnaccel.fingerprint import normalise

        row = self.row(table, claim_id)
        text = normalise(self.texts[row["source_id"]].decode("utf-8"))
        return text[int(row["passage_start"]) : int(row["passage_start"]) + int(row["passage_chars"])]

    def files(self) -> dict[str, bytes | str]:
        import io
        import json

        files: dict[str, bytes | str] = {"datapackage.json": json.dumps(self.descriptor, ensure_ascii=False)}
        headers = getattr(self, "headers", {})
        for res in self.descriptor["resources"]:
            header = headers.get(res["name"]) or [f["name"] for f in res["schema"]["fields"]]
            out = io.StringIO()
            writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
            writer.writeheader()
            writer.writerows(self.tables.get(res["name"], []))
            files[res["path"]] = out.getvalue()
        files.update({f"archive/{sid}.txt": text for sid, text in self.texts.items()})
        return files

    def package(self):
        from cnaccel.reader import open_files

        return open_files(self.files())

    def save(self, folder: Path) -> Path:
        """The package written to a folder (what a released version looks like to the history rules)."""
        for rel, data in self.files().items():
            if not rel.startswith("archive/"):
                (folder / rel).parent.mkdir(parents=True, exist_ok=True)
                (folder / rel).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return folder


@pytest.fixture()
def mini(history_archive: Path) -> MiniPackage:
    return MiniPackage(history_archive)


def snapshot(path: Path) -> dict[str, str]:
    """SHA-256 of a file, or of every file under a folder, by relative path."""
    import hashlib

    if path.is_file():
        return {"": hashlib.sha256(path.read_bytes()).hexdigest()}
    return {
        p.relative_to(path).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(path.rglob("*"))
        if p.is_file()
    }
