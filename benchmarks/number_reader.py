"""The number reader on long pathological cells: time per length, and how it grows.

A reader that is linear in the length of a cell takes about twice as long for twice the text;
the growth column is the time at 4n over the time at n (about 4 when linear, 16 when quadratic).
Prints figures; never fails.

    .venv/bin/python benchmarks/number_reader.py
"""

from __future__ import annotations

import time

from cnaccel.numbers import read_figure
from cnaccel.periods import read_printed_date

CASES = {"spaces": " ", "digits": "1", "digit-space": "1 ", "dots": ".", "commas": ",", "億": "億", "零": "零",
         "letters": "a", "percent": "%", "mixed": "約1.5億元, "}  # fmt: skip
SIZES = (4_000, 16_000, 64_000)


def seconds(text: str) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        read_figure(text)
        read_printed_date(text)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    print(f"{'cell':>12}  " + "  ".join(f"{n:>9}" for n in SIZES) + "  growth x4")
    for name, unit in CASES.items():
        times = [seconds(unit * (n // len(unit)) + "x") for n in SIZES]
        print(f"{name:>12}  " + "  ".join(f"{t:>8.4f}s" for t in times) + f"  {times[1] / max(times[0], 1e-9):>9.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
