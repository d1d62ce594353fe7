"""Benchmark: `demo --accounts 10000` into a new file (DESIGN.md budget: < 20 s).

Measures `cs_tui.db.demo.build`, what `cs-tui demo` runs: the tables, then the health
history and playbook runs (`refresh_derived`).

Run: `PYTHONPATH=. python -m bench.bench_demo [--accounts N] [--seed S] [--dir D]`. Writes
to a temp dir (or D). Prints wall time against the budget (and CPU time and the load average,
because a busy shared machine stretches wall time), then each stage's wall and CPU time.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

from bench.common import AS_OF, machine_ms, report, timer
from cs_tui.db.demo import build
from cs_tui.db.store import Store


def main() -> None:
    """Generate the portfolio, print the figures against the budget."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--dir", type=Path, default=None, help="where to write (default: temp)")
    args = parser.parse_args()
    stages: list[tuple[str, float, float]] = []
    last: list[str] = [""]

    def progress(label: str, _fraction: float) -> None:
        if label != last[0]:
            stages.append((label, time.perf_counter(), time.process_time()))
            last[0] = label

    # How fast this machine runs Python right now (an idle 2.8 GHz core: about 15-20 ms).
    reference_ms = machine_ms()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        store = Store.open(Path(tmp) / "demo.db", create=True)
        load_before = os.getloadavg()[0]
        cpu = time.process_time()
        with timer() as wall:
            summary = build(store, accounts=args.accounts, seed=args.seed, as_of=AS_OF,
                            progress=progress)  # fmt: skip
            store.close()
        cpu = time.process_time() - cpu
        stages.append(("", time.perf_counter(), time.process_time()))
        size_mb = (Path(tmp) / "demo.db").stat().st_size / 1e6
    print(summary)
    print(
        f"{summary.total_rows:,} rows, {summary.total_rows / wall[0]:,.0f} rows/s, "
        f"{size_mb:,.0f} MB; CPU {cpu:.2f} s (both threads); peak memory "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB; load average "
        f"{load_before:.2f} before, {os.getloadavg()[0]:.2f} after; reference "
        f"sum(range(10**6)) {reference_ms:.0f} ms"
    )
    for (label, t0, c0), (_, t1, c1) in zip(stages, stages[1:], strict=False):
        print(f"  {label:<22} {t1 - t0:6.2f} s wall {c1 - c0:6.2f} s CPU")
    label = "" if args.accounts == 10_000 else f"{args.accounts} accounts"
    report("demo_10k", wall[0], label=label, accounts=args.accounts)


if __name__ == "__main__":
    main()
