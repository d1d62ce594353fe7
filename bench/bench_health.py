"""Benchmark: full health recompute of a 10,000-account portfolio (3.65M usage rows).

Prints, against DESIGN.md's `health_recompute` budget (< 2 s):
- `as_of`: every account's score, band, categories and 30-day change at the as-of date,
  written to health_snapshots: what the app does at start-up and after an import;
- `history`: the one-off backfill of the 52 weekly snapshots (done once per database in a
  worker, then only the new week-end each week, or in full when the model or past data change);
- and, against `first_frame`, the portfolio's first read (stored health, plain SQL).

Run: `PYTHONPATH=. python bench/bench_health.py [--db PATH] [--accounts N]`. Without --db a demo
portfolio is generated in a temp dir first (not timed); with --db a copy is used.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import tempfile
import time
from pathlib import Path

from bench.common import AS_OF, report, timer
from cs_tui.db.health import recompute_health
from cs_tui.db.store import Store
from cs_tui.domain.health_model import builtin_health_model


def main() -> None:
    """Time the recompute at as-of, the weekly history, and the first read."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=AS_OF)
    args = parser.parse_args()
    model = builtin_health_model()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "health.db"
        if args.db:
            shutil.copyfile(args.db, path)
            store = Store.open(path)
        else:
            from cs_tui.db.demo import generate

            store = Store.open(path, create=True)
            print(f"generating a {args.accounts}-account demo portfolio…", flush=True)
            generate(store, accounts=args.accounts, seed=42, as_of=args.as_of)
        accounts = store.count("accounts")
        usage = store.count("usage")
        print(f"{accounts:,} accounts, {usage:,} usage rows; load average {os.getloadavg()[0]:.2f}")
        import pandas  # noqa: F401 - the app's worker pays this once; not part of a recompute

        store.query("SELECT count(*), total(logins) FROM usage NOT INDEXED")  # warm the cache

        def run(label: str, history: str) -> None:
            cpu = time.process_time()
            with timer() as wall:
                summary = recompute_health(
                    store, args.as_of, model=model, stale_days=90, history=history
                )
            print(
                f"{label}: {summary.accounts:,} accounts scored at {args.as_of}, "
                f"{summary.weeks} week-ends; cpu {time.process_time() - cpu:.2f} s "
                "(all threads; the wall time is the figure)"
            )
            report("health_recompute", wall[0], label=label, accounts=accounts)

        run("as_of", "none")
        run("history_52_weeks_one_off", "all")
        run("startup_history_current", "auto")
        with timer() as wall:
            rows = store.portfolio_health(args.as_of)
        report("first_frame", wall[0], label=f"portfolio rows ({len(rows):,}), data only")
        store.close()


if __name__ == "__main__":
    main()
