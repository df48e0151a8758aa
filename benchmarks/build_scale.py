"""How the release build scales: packages grown to N facts, built form by form.

Grows a copy of the repository's package to N facts (``grow`` from ``scale.py``) and runs, each in
a fresh process so that peak memory is its own:

- ``cnaccel build --formats parquet,csv,sqlite`` with validation stubbed out, timed as a whole
  and by step: ``tables`` (sorting, statements, the estimates table, shared by every writer), then
  each writer without the tables it waited for, the zip, and the rest (sums, descriptor);
- the Excel writer alone (the tables first, then ``write_xlsx``);
- with ``--validation``, the checks a build runs first (``run_checks``), for their share.

Prints seconds and peak MB; never fails.

    .venv/bin/python benchmarks/build_scale.py --sizes 10000 100000 --validation
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale import grow

BUILD = """
import json, resource, sys, time
from pathlib import Path
from cnaccel.release import bundle, parquet
from cnaccel.cli import main

root, out = sys.argv[1], sys.argv[2]
spent = {"tables": 0.0}
real_sorted = parquet.sorted_table

def timed_sorted(*args, **kwargs):
    start = time.perf_counter()
    try:
        return real_sorted(*args, **kwargs)
    finally:
        spent["tables"] += time.perf_counter() - start

def wrap(module, name, label):
    real = getattr(module, name)
    def timed(*args, **kwargs):
        start, before = time.perf_counter(), spent["tables"]
        try:
            return real(*args, **kwargs)
        finally:
            spent[label] = spent.get(label, 0.0) + time.perf_counter() - start - (spent["tables"] - before)
    setattr(module, name, timed)

parquet.sorted_table = timed_sorted
for module, name, label in ((bundle.parquet, "write_all", "parquet"), (bundle, "write_csv", "csv"),
                            (bundle.sqlite, "write_sqlite", "sqlite"), (bundle, "write_zip", "zip")):
    wrap(module, name, label)
bundle._validate = lambda root: None  # validation is timed on its own
start = time.perf_counter()
code = main(["build", "--out", out, "--source", root, "--formats", "parquet,csv,sqlite"])
total = time.perf_counter() - start
spent["other"] = total - sum(spent.values())
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": total, "peak": peak, "steps": spent, "exit": code}))
"""

XLSX = """
import json, resource, sys, time
from pathlib import Path
from cnaccel.derived import release_descriptor
from cnaccel.release import xlsx
from cnaccel.release.parquet import SortedTables

root = Path(sys.argv[1])
package = release_descriptor(json.loads((root / "datapackage.json").read_text(encoding="utf-8")))
tables = SortedTables(root, package)
start = time.perf_counter()
for res in package["resources"]:
    tables[res["name"]]
prepared = time.perf_counter()
xlsx.write_xlsx(root, package, Path(sys.argv[2]) / "cnaccel.xlsx", tables)
done = time.perf_counter()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
size = (Path(sys.argv[2]) / "cnaccel.xlsx").stat().st_size / 1e6
print(json.dumps({"seconds": done - prepared, "tables": prepared - start, "peak": peak, "mb": size}))
"""

VALIDATE = """
import json, resource, sys, time
from cnaccel.checks import run_checks

start = time.perf_counter()
problems = run_checks(sys.argv[1])
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak": peak, "problems": len(problems)}))
"""


def child(code: str, *args: str) -> dict:
    """Run ``code`` in a fresh interpreter; its last line of output, read as JSON."""
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=False)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": f"exit {done.returncode}: {tail}"}
    return json.loads(lines[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--validation", action="store_true", help="also time the checks a build runs first")
    args = parser.parse_args()
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            root = grow(Path(tmp) / "pkg", size)
            print(f"\n{size:,} facts")
            if args.validation:
                result = child(VALIDATE, str(root))
                if "error" in result:
                    print(f"  validation: {result['error']}")
                else:
                    print(f"  validation (run_checks): {result['seconds']:8.1f} s  {result['peak']:7.0f} MB peak")
            result = child(BUILD, str(root), str(Path(tmp) / "out"))
            if "error" in result:
                print(f"  build: {result['error']}")
            else:
                steps = "  ".join(f"{k} {v:.1f}" for k, v in result["steps"].items())
                print(
                    f"  build parquet,csv,sqlite (no validation): {result['seconds']:8.1f} s  "
                    f"{result['peak']:7.0f} MB peak"
                )
                print(f"    by step (s): {steps}")
            xlsx_out = Path(tmp) / "xlsx"
            xlsx_out.mkdir()
            result = child(XLSX, str(root), str(xlsx_out))
            if "error" in result:
                print(f"  xlsx: {result['error']}")
            else:
                print(
                    f"  xlsx writer: {result['seconds']:8.1f} s  {result['peak']:7.0f} MB peak  "
                    f"({result['mb']:.0f} MB file; tables first: {result['tables']:.1f} s)"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
