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


def grow(target: Path, size: int) -> Path:
    """A copy of the package with ``size`` facts."""
    shutil.copytree(ROOT / "data", target / "data")
    shutil.copy(ROOT / "datapackage.json", target / "datapackage.json")
    with open(ROOT / "data" / "facts.csv", encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header, rows = list(reader.fieldnames or []), list(reader)
    base = [r for r in rows if r["assessment"] != "superseded" and not r["supersedes"] and r["derivation"] == "stated"]
    out = list(rows)  # the real facts stay (events and relations name them); grown copies follow
    for i in range(max(size - len(rows), 0)):
        row = dict(base[i % len(base)])
        row["fact_id"] = f"F{9000000 + i}"
        row["evidence_ids"], row["assessment"], row["assessment_note"] = "", "unverified", "Grown copy."
        if i % 10 == 0 and row["unit_id"] in ("CNY", "USD", "HKD") and row["qualifier"] == "exact":
            number = 1000 + i
            if row["unit_id"] == "CNY" and not row["figure"].startswith(("-", "虧", "亏")):
                row["value"], row["figure"] = str(number * 10000), f"{number}万元"
            row["context"] = f"grown row {i}"
        out.append(row)
    with open(target / "data" / "facts.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(out)
    return target


def timed(command: list[str]) -> tuple[float, float, int]:
    """Seconds, peak memory (MB) of the child, exit status."""
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return seconds, peak, done.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    cli = Path(sys.executable).with_name("cnaccel")
    print(f"{'facts':>9}  {'validate':>10}  {'peak MB':>8}  {'pyarrow read':>12}  {'ratio':>7}")
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            root = grow(Path(tmp) / "pkg", size)
            code = (
                "import pyarrow.csv as c, time; t = time.perf_counter(); "
                f"c.read_csv({str(root / 'data' / 'facts.csv')!r}); print(time.perf_counter() - t)"
            )
            bare = float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout)
            seconds, peak, status = timed([str(cli), "validate", "--source", str(root)])
            ratio = seconds / bare
            print(f"{size:>9}  {seconds:>9.1f}s  {peak:>8.0f}  {bare:>11.2f}s  {ratio:>6.0f}x  (exit {status})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
