"""Benchmark: import 1M usage rows into a database (DESIGN.md budget: < 10 s).

Run: `PYTHONPATH=. python bench/bench_import.py [--rows N]`. Writes to a temp dir: 1,000
accounts, then a usage CSV of N rows (a day per account, chronological, as an export is).
Prints wall time against the budget, CPU time and the load average (a busy shared machine
stretches wall time), a re-import of the same file (every row unchanged), and a reference:
a bare `executemany` of the same rows into the same table, the floor any importer stands on.

Real imports go into a full portfolio, and each first copies it (`<db>.before-import.bak`).
When the benchmark portfolio exists (`--portfolio`, default bench/.cache/demo-10000.db, as
`make bench` builds it), the cost of that copy is printed too; `--into-portfolio` also
imports N usage rows (the days after its last) into a copy of it, backup included.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import tempfile
import time
from pathlib import Path

from bench.common import report, timer
from cs_tui.db.importers import _bulk_pragmas, import_csv
from cs_tui.db.store import Store

ACCOUNTS = 1000
PORTFOLIO = Path(__file__).with_name(".cache") / "demo-10000.db"
USAGE_HEADER = (
    "account_id,date,active_users,logins,session_minutes,features_used,"
    "workflows_completed,integrations_active\n"
)


def write_accounts(path: Path) -> None:
    """1,000 plain accounts."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("account_id,name,segment,edition,csm,start_date,mrr,licensed_users\n")
        for i in range(ACCOUNTS):
            fh.write(f"A{i:05d},Account {i},smb,professional,CSM {i % 20},2020-01-01,500,50\n")


def usage_rows(rows: int) -> list[tuple[str, str, int, int, float, int, int, int]]:
    """`rows` usage rows: every account on each day, day after day."""
    start = dt.date(2022, 1, 1)
    rng = random.Random(7)
    out = []
    for n in range(rows):
        day, account = divmod(n, ACCOUNTS)
        users = rng.randint(0, 50)
        out.append(
            (
                f"A{account:05d}",
                (start + dt.timedelta(days=day)).isoformat(),
                users,
                users * 3,
                round(rng.random() * 600, 1),
                rng.randint(0, 30),
                rng.randint(0, 9),
                rng.randint(0, 5),
            )
        )
    return out


def write_usage(path: Path, rows: list[tuple[str, str, int, int, float, int, int, int]]) -> None:
    """The rows as a CSV export."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(USAGE_HEADER)
        fh.writelines(",".join(map(str, r)) + "\n" for r in rows)


def portfolio_figures(portfolio: Path, rows: int, into: bool) -> None:
    """The rolling backup of a full portfolio; with `into`, an import into a copy of it."""
    mb = portfolio.stat().st_size / 1e6
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        source = Store.open(portfolio)
        cpu = time.process_time()
        with timer() as backup:
            source.backup(tmpdir / "copy.db")
        cpu = time.process_time() - cpu
        source.close()
        print(
            f"rolling backup of a {mb:.0f} MB portfolio ({portfolio.name}): "
            f"{backup[0]:.2f} s wall, {cpu:.2f} s CPU (taken before every import)"
        )
        if not into:
            return
        store = Store.open(tmpdir / "copy.db")
        ids = [r[0] for r in store.query("SELECT account_id FROM accounts ORDER BY 1")]
        last = dt.date.fromisoformat(store.query("SELECT max(date) FROM usage")[0][0])
        usage = tmpdir / "usage.csv"
        with usage.open("w", encoding="utf-8", newline="") as fh:
            fh.write(USAGE_HEADER)
            for n in range(rows):
                day, i = divmod(n, len(ids))
                date = (last + dt.timedelta(days=day + 1)).isoformat()
                fh.write(f"{ids[i]},{date},{n % 50},{n % 150},{n % 600}.5,{n % 30},{n % 9},2\n")
        load_before = os.getloadavg()[0]
        cpu = time.process_time()
        with timer() as wall:
            result = import_csv(store, "usage", usage)
        cpu = time.process_time() - cpu
        assert result.ok and result.inserted == rows, result.problem_lines()[:5]
        store.close()
        print(
            f"import of {rows:,} usage rows into a copy of it: {wall[0]:.2f} s wall, "
            f"{cpu:.2f} s CPU, backup included; load average {load_before:.2f} before, "
            f"{os.getloadavg()[0]:.2f} after"
        )


def main() -> None:
    """Generate the files, import them, print the figures against the budget."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--portfolio", type=Path, default=PORTFOLIO)
    parser.add_argument("--into-portfolio", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        accounts, usage = tmpdir / "accounts.csv", tmpdir / "usage.csv"
        write_accounts(accounts)
        rows = usage_rows(args.rows)
        write_usage(usage, rows)
        mb = usage.stat().st_size / 1e6
        store = Store.open(tmpdir / "bench.db", create=True)
        assert import_csv(store, "accounts", accounts).ok

        load_before = os.getloadavg()[0]
        cpu = time.process_time()
        with timer() as wall:
            first = import_csv(store, "usage", usage)
        cpu = time.process_time() - cpu
        assert first.ok and first.inserted == args.rows, first.problem_lines()[:5]
        with timer() as again:
            second = import_csv(store, "usage", usage)
        assert second.ok and second.unchanged == args.rows, second.summary()

        # The floor: the same rows, already parsed, inserted with the importer's pragmas.
        store.conn.execute("DELETE FROM usage")
        store.conn.commit()
        with _bulk_pragmas(store), timer() as floor:
            store.insert_many("usage", [c.strip() for c in USAGE_HEADER.split(",")], rows)
        store.close()

    print(f"{first.summary()} ({mb:.0f} MB file)")
    print(
        f"wall {wall[0]:.2f} s, {args.rows / wall[0]:,.0f} rows/s; CPU {cpu:.2f} s; "
        f"load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after"
    )
    print(f"re-import of the same file (every row unchanged): {again[0]:.2f} s")
    print(
        f"reference: bare executemany of the parsed rows {floor[0]:.2f} s "
        f"(import = {wall[0] / floor[0]:.1f}x that floor)"
    )
    scaled = wall[0] * 1_000_000 / args.rows
    label = "" if args.rows == 1_000_000 else f"{args.rows:,} rows, scaled to 1M"
    report("import_1m_usage", scaled, label=label)
    if args.portfolio.exists():
        portfolio_figures(args.portfolio, args.rows, args.into_portfolio)
    else:
        print(f"(no portfolio at {args.portfolio}: `make bench` builds it; backup cost not shown)")


if __name__ == "__main__":
    main()
