"""Benchmark: import 1M usage rows (DESIGN.md budget: < 10 s) and re-import them unchanged.

Run: `PYTHONPATH=. python bench/bench_import.py [--rows N]`. Writes its files to a temp dir.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import tempfile
import time
from pathlib import Path

from cs_tui.db.importers import import_csv
from cs_tui.db.store import Store

BUDGET_S = 10.0
ACCOUNTS = 1000


def _write_accounts(path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("account_id,name,segment,edition,csm,start_date,mrr,licensed_users\n")
        for i in range(ACCOUNTS):
            fh.write(f"A{i:05d},Account {i},smb,professional,CSM {i % 20},2020-01-01,500,50\n")


def _write_usage(path: Path, rows: int) -> None:
    days = -(-rows // ACCOUNTS)
    start = dt.date(2022, 1, 1)
    rng = random.Random(7)
    written = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(
            "account_id,date,active_users,logins,session_minutes,features_used,"
            "workflows_completed,integrations_active\n"
        )
        for d in range(days):
            day = (start + dt.timedelta(days=d)).isoformat()
            lines = []
            for i in range(ACCOUNTS):
                if written == rows:
                    break
                users = rng.randint(0, 50)
                lines.append(
                    f"A{i:05d},{day},{users},{users * 3},{rng.random() * 600:.1f},"
                    f"{rng.randint(0, 30)},{rng.randint(0, 9)},{rng.randint(0, 5)}\n"
                )
                written += 1
            fh.write("".join(lines))


def main() -> None:
    """Generate the files, import them, print the figures against the budget."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        accounts, usage = tmpdir / "accounts.csv", tmpdir / "usage.csv"
        _write_accounts(accounts)
        _write_usage(usage, args.rows)
        mb = usage.stat().st_size / 1e6
        store = Store.open(tmpdir / "bench.db", create=True)
        assert import_csv(store, "accounts", accounts).ok
        t0, c0 = time.perf_counter(), time.process_time()
        first = import_csv(store, "usage", usage)
        fresh, cpu = time.perf_counter() - t0, time.process_time() - c0
        assert first.ok, first.problem_lines()
        t0 = time.perf_counter()
        again = import_csv(store, "usage", usage)
        rerun = time.perf_counter() - t0
        assert again.ok and again.unchanged == args.rows, again.summary()
        store.close()
    scaled = fresh * 1_000_000 / args.rows
    verdict = "within" if scaled < BUDGET_S else "OVER"
    print(f"usage import: {args.rows:,} rows ({mb:.0f} MB) in {fresh:.2f} s wall, {cpu:.2f} s CPU")
    print(f"  {first.summary()}")
    print(f"re-import (all unchanged): {rerun:.2f} s")
    print(f"per 1M rows: {scaled:.2f} s vs budget {BUDGET_S:.0f} s: {verdict} budget")


if __name__ == "__main__":
    main()
