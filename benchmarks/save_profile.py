"""Where a daily save's time goes: `python -m benchmarks.save_profile [--saves N] [--change-rate R]`.

Saves days of simulated sources one transaction each, as live collection does and as the storage
benchmark does (`bench.measure_storage`), on a fresh lake in a temporary directory, under
`cProfile`; prints the milliseconds per save and the store functions that take them (the derived
tables' refreshes, the inserts, the state read). Not part of `make bench`: a tool for finding
where a save spends its time before changing it.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import shutil
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.bench import SimulatedSource, bench_settings, daily_sources, runs_for_days


def profile_saves(*, sources: int = 3, open_per_source: int = 2_000, days: int = 6,
                  change_rate: float = 0.02) -> tuple[float, str]:
    """(milliseconds per save, the profile's store functions by cumulative time) for `days` daily
    saves of `sources` sources after a first one each."""
    from collectors.store import get_store, reset_stores
    from collectors.store.listings import save_listing_runs

    work = Path(tempfile.mkdtemp(prefix="gigwatch-save-profile-"))
    try:
        store = get_store(bench_settings(work))
        sims = daily_sources(sources=sources, open_per_source=open_per_source, days=days, change_rate=change_rate)

        def save(sim: SimulatedSource, day: int) -> None:
            save_listing_runs(store, platform_id=sim.spec.platform_id, source_name=sim.spec.source_name,
                              runs=runs_for_days(sim, range(day, day + 1)))

        for sim in sims:
            save(sim, 0)
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for day in range(1, days + 1):
            for sim in sims:
                save(sim, day)
        profiler.disable()
        per_save_ms = (time.perf_counter() - started) / (days * sources) * 1000
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(r"collectors/store", 25)
        return per_save_ms, out.getvalue()
    finally:
        reset_stores()
        shutil.rmtree(work, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=6, help="days saved per source after the first")
    parser.add_argument("--change-rate", type=float, default=0.02, help="share of open listings changing a day")
    args = parser.parse_args(argv)
    per_save_ms, table = profile_saves(days=args.saves, change_rate=args.change_rate)
    print(f"{per_save_ms:.0f} ms per save")
    print(table)


if __name__ == "__main__":
    main()
