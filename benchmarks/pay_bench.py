"""How fast `parse_pay` reads pay strings: a benchmark, not a timed test.

Runs `parse_pay` over the labelled set (`tests/data/pay_strings.jsonl`) in a loop on one core
(one thread, no multiprocessing) for about `seconds` and reports strings per CPU-second of the
process (and per wall-clock second, which other load on the machine lowers), and the seconds one
hostile string takes (`HOSTILE_TEXT`: 20,000 amounts and no sentence break)::

    python -m benchmarks.pay_bench            # about 2 seconds
    python -m benchmarks.pay_bench 10         # longer, steadier figure
"""

from __future__ import annotations

import json
import platform
import sys
import time
from pathlib import Path
from typing import Any

from collectors.pay import parse_pay

PAY_STRINGS_PATH = Path(__file__).resolve().parent.parent / "tests" / "data" / "pay_strings.jsonl"


def load_pay_strings(path: Path = PAY_STRINGS_PATH) -> list[str]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line)["text"] for line in handle if line.strip()]


def benchmark_parse_pay(seconds: float = 2.0, texts: list[str] | None = None) -> dict[str, Any]:
    """Strings parsed per second over the labelled set, after one warm-up pass."""
    strings = texts if texts is not None else load_pay_strings()
    if not strings:
        raise ValueError("no pay strings to benchmark")
    for text in strings:  # warm up: regex caches, first-call costs
        parse_pay(text)
    parsed = 0
    started = time.perf_counter()
    cpu_started = time.process_time()
    deadline = started + seconds
    while True:
        for text in strings:
            parse_pay(text)
        parsed += len(strings)
        now = time.perf_counter()
        if now >= deadline:
            break
    elapsed = now - started
    cpu = max(time.process_time() - cpu_started, 1e-9)
    return {
        # Per CPU-second of this process: steady on a shared machine, where wall time is not.
        "pay_strings_per_second": round(parsed / cpu),
        "pay_strings_per_wall_second": round(parsed / elapsed),
        "strings_parsed": parsed,
        "distinct_strings": len(strings),
        "seconds": round(elapsed, 3),
        "cpu_seconds": round(cpu, 3),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }


# Hostile text: thousands of amounts with no sentence break (each amount once scanned the whole
# text for its dollar and its sentence: 20,000 of them took about two minutes).
HOSTILE_TEXT = "$1 " * 20_000


def hostile_text_seconds(text: str = HOSTILE_TEXT) -> float:
    """Wall seconds `parse_pay` takes over one hostile string (`HOSTILE_TEXT`)."""
    started = time.perf_counter()
    parse_pay(text)
    return round(time.perf_counter() - started, 3)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    seconds = float(args[0]) if args else 2.0
    print(json.dumps({**benchmark_parse_pay(seconds), "hostile_text_seconds": hostile_text_seconds()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
