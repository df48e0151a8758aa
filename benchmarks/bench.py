"""Timings of cnaccel against bare baselines; prints figures and ratios, asserts nothing.

Run from the repository root: ``.venv/bin/python benchmarks/bench.py [--repeat N]``.

1. ``python -c "import cnaccel"`` against ``python -c pass`` (fresh processes, best of N).
2. ``cnaccel.load("facts")`` against ``pyarrow.parquet.read_table(<bundle>/parquet/facts.parquet)
   .to_pandas()`` and frictionless ``TableResource(path="data/facts.csv").to_pandas()`` (same
   process, best of N).
3. ``cnaccel.release.build_bundle`` end to end (validation included), best of a few.

The targets are in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import timeit
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IMPORT_TARGET_MS = 30.0
LOAD_TARGET_RATIO = 1.3


def best_process(code: str, repeat: int, cwd: Path) -> float:
    """Best wall time in seconds of ``python -c code`` in a fresh process."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSTARTUP")}
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, check=True)
        best = min(best, time.perf_counter() - start)
    return best


def best_call(function: Callable[[], object], repeat: int) -> float:
    """Best time in seconds of one call, after a warm-up call (imports, caches)."""
    function()
    return min(timeit.repeat(function, number=1, repeat=repeat))


def bench_import(repeat: int, cwd: Path) -> None:
    bare = best_process("pass", repeat, cwd)
    package = best_process("import cnaccel", repeat, cwd)
    extra_ms = (package - bare) * 1000
    verdict = "meets" if extra_ms <= IMPORT_TARGET_MS else "misses"
    print(f"import cnaccel (fresh process, best of {repeat})")
    print(f"  python -c pass          {bare * 1000:8.1f} ms")
    print(f"  python -c import cnaccel{package * 1000:8.1f} ms")
    print(
        f"  difference              {extra_ms:8.1f} ms   ratio {package / bare:.2f}x   "
        f"({verdict} the target: within {IMPORT_TARGET_MS:.0f} ms of bare Python)"
    )


def bench_load(repeat: int, bundle: Path) -> None:
    import pyarrow.parquet as pq

    import cnaccel

    parquet_path = bundle / "parquet" / "facts.parquet"
    from cnaccel.typed import clear_cache

    def first_load() -> object:
        clear_cache()  # measure a read from disk, as the pyarrow baseline does
        return cnaccel.load("facts", root=ROOT)

    load = best_call(first_load, repeat)
    cached = best_call(lambda: cnaccel.load("facts", root=ROOT), repeat)
    bare = best_call(lambda: pq.read_table(parquet_path).to_pandas(), repeat)
    print(f"\nloading the facts table (same process, best of {repeat})")
    print(f"  cnaccel.load('facts')                         {load * 1000:8.2f} ms")
    print(f"  cnaccel.load('facts'), file already read      {cached * 1000:8.2f} ms")
    print(f"  pyarrow.parquet.read_table(...).to_pandas()   {bare * 1000:8.2f} ms")
    try:
        from frictionless import Schema
        from frictionless.resources import TableResource
    except ImportError:
        friction = None
        print("  frictionless TableResource(...).to_pandas()   (frictionless not installed)")
    else:
        desc = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
        res = next(r for r in desc["resources"] if r["name"] == "facts")
        table_schema = {k: v for k, v in res["schema"].items() if k != "foreignKeys"}

        def frictionless_load() -> object:
            schema = Schema.from_descriptor(table_schema)
            return TableResource(path=res["path"], basepath=str(ROOT), schema=schema).to_pandas()

        friction = best_call(frictionless_load, max(3, repeat // 4))
        print(f"  frictionless TableResource(...).to_pandas()   {friction * 1000:8.2f} ms")
    ratio = load / bare
    verdict = "meets" if ratio <= LOAD_TARGET_RATIO else "misses"
    print(f"  cnaccel.load / bare pyarrow read: {ratio:.2f}x ({verdict} the target: within {LOAD_TARGET_RATIO}x)")
    if friction is not None:
        print(f"  frictionless / cnaccel.load:      {friction / load:.1f}x")


def bench_build(repeat: int, work: Path) -> Path:
    from cnaccel.release import build_bundle

    times = []
    bundle = None
    for index in range(repeat):
        out = work / f"out{index}"
        start = time.perf_counter()
        bundle = build_bundle(out, root=ROOT)
        times.append(time.perf_counter() - start)
    assert bundle is not None
    size = sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file())
    print(f"\nbuild_bundle end to end, validation included (best of {repeat})")
    print(f"  {min(times):.2f} s (worst {max(times):.2f} s); bundle {size / 1e6:.2f} MB in {bundle.name}/")
    return bundle


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="repetitions for the import and load timings")
    parser.add_argument("--build-repeat", type=int, default=3, help="repetitions for the bundle build")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cnaccel-bench-") as tmp:
        work = Path(tmp)
        print(f"Python {sys.version.split()[0]} at {sys.executable}\n")
        bench_import(args.repeat, work)
        bundle = bench_build(args.build_repeat, work)
        bench_load(args.repeat, bundle)


if __name__ == "__main__":
    main()
