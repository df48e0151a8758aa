"""How validation scales: packages grown to N facts, timed against a bare pyarrow read.

Grows a copy of the repository's package to N facts (copies of real rows with new ids, a tenth of
them with a distinct figure and context so that no shortcut on repeated values flatters the
figures) and times, side by side in one run: `cnaccel validate` (a fresh process) and a bare
`pyarrow.csv.read_csv` of the same facts.csv. Prints figures and ratios; never fails.

    .venv/bin/python benchmarks/scale.py --sizes 10000 100000
"""

from __future__ import annotations

import argparse
import csv
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


GROWN_SOURCE = "grown-source"


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def grow(target: Path, size: int) -> Path:
    """A copy of the package with ``size`` facts: the real ones, then copies with new ids; every
    tenth copy has a figure, value and context of its own (from a source without an archived
    text, so that its passage is not looked for). The archived texts come along when present."""
    shutil.copytree(ROOT / "data", target / "data")
    shutil.copy(ROOT / "datapackage.json", target / "datapackage.json")
    if (ROOT / "archive").is_dir():
        shutil.copytree(ROOT / "archive", target / "archive", ignore=shutil.ignore_patterns("work"))
    header, rows = _read(ROOT / "data" / "facts.csv")
    base = [r for r in rows if r["assessment"] != "superseded" and not r["supersedes"] and r["derivation"] == "stated"]
    plain = [
        r for r in base
        if r["unit_id"] == "CNY" and r["qualifier"] == "exact" and r["metric_id"] == "revenue" and r["period"]
    ]  # fmt: skip
    out = list(rows)  # the real facts stay (events and relations name them); grown copies follow
    for i in range(max(size - len(rows), 0)):
        row = dict((plain if i % 10 == 0 else base)[i % (len(plain) if i % 10 == 0 else len(base))])
        row["fact_id"] = f"F{9000000 + i}"
        row["evidence_ids"], row["assessment"], row["assessment_note"] = "", "unverified", "Grown copy."
        if i % 10 == 0:
            row["value"], row["figure"] = str((1000 + i) * 10000), f"{1000 + i}万元"
            row["context"], row["source_id"], row["origin_id"] = f"grown row {i}", GROWN_SOURCE, ""
        out.append(row)
    _write(target / "data" / "facts.csv", header, out)
    source_header, sources = _read(ROOT / "data" / "sources.csv")
    grown = dict(sources[0], source_id=GROWN_SOURCE, lineage=GROWN_SOURCE, title="[grown rows]")
    _write(target / "data" / "sources.csv", source_header, sorted([*sources, grown], key=lambda r: r["source_id"]))
    return target


def timed(command: list[str]) -> tuple[float, float, int]:
    """Seconds, peak memory (MB) of the child, exit status."""
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return seconds, peak, done.returncode


LOAD = """
import sys, tempfile, time
import cnaccel, pyarrow.parquet as pq
from cnaccel import typed
root = sys.argv[1]
path = tempfile.mktemp(suffix=".parquet")
pq.write_table(typed.read_arrow("facts", root), path)
def best(f):
    times = []
    for _ in range(5):
        t = time.perf_counter(); f(); times.append(time.perf_counter() - t)
    return min(times)
first = time.perf_counter(); cnaccel.load("facts", source=root); first = time.perf_counter() - first
print(best(lambda: cnaccel.load("facts", source=root)), best(lambda: pq.read_table(path).to_pandas()), first)
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--build", action="store_true", help="also time `cnaccel build --formats parquet,csv,sqlite`")
    args = parser.parse_args()
    cli = Path(sys.executable).with_name("cnaccel")
    print(
        f"{'facts':>9}  {'validate':>10}  {'peak MB':>8}  {'pyarrow read':>12}  {'ratio':>7}"
        f"  {'load':>8}  {'parquet':>8}  {'ratio':>6}  {'first load':>10}"
    )
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            root = grow(Path(tmp) / "pkg", size)
            files = sorted(str(p) for p in (root / "data").glob("*.csv"))
            code = (
                "import pyarrow.csv as c, time; t = time.perf_counter(); "
                f"[c.read_csv(f) for f in {files!r}]; print(time.perf_counter() - t)"
            )
            bare = float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout)
            seconds, peak, status = timed([str(cli), "validate", "--source", str(root)])
            ratio = seconds / bare
            done = subprocess.run([sys.executable, "-c", LOAD, str(root)], capture_output=True, text=True)
            load, parquet, first = (float(x) for x in done.stdout.split())
            print(
                f"{size:>9}  {seconds:>9.1f}s  {peak:>8.0f}  {bare:>11.2f}s  {ratio:>6.1f}x"
                f"  {load:>7.3f}s  {parquet:>7.3f}s  {load / parquet:>5.2f}x  {first:>9.2f}s  (exit {status})"
            )
            if args.build:
                command = [str(cli), "build", "--source", str(root), "--out", str(Path(tmp) / "out")]
                built, built_peak, built_status = timed([*command, "--formats", "parquet,csv,sqlite"])
                print(f"{'':>9}  build --formats parquet,csv,sqlite (validation included): {built:.1f}s, "
                      f"peak {built_peak:.0f} MB so far (exit {built_status})")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
