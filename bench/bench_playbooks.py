"""Benchmark: evaluating every playbook trigger over a 10,000-account demo portfolio.

Run: `python bench/bench_playbooks.py [--accounts N] [--keep PATH]`. Prints the time to
build the facts, evaluate and store the runs (first evaluation: starts runs; second: finds
them open and starts none), and the Today and open-runs queries, against the budget: an
evaluation runs in a worker at start-up and after imports, so it should finish well within
the full-recompute budget of DESIGN.md (< 2 s).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cs_tui.db.playbooks import evaluate_playbooks, load_playbooks  # noqa: E402
from cs_tui.db.store import Store  # noqa: E402

AS_OF = dt.date(2026, 10, 1)
BUDGET_S = 2.0


def timed(label: str, fn, *args, **kw):  # type: ignore[no-untyped-def]
    """Run fn, print how long it took, return its result and the seconds."""
    start = time.perf_counter()
    result = fn(*args, **kw)
    seconds = time.perf_counter() - start
    print(f"  {label:<38} {seconds * 1000:8.0f} ms")
    return result, seconds


def main() -> None:
    """Build (or reuse) the demo, then time evaluation and the Playbooks queries."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="reuse/keep the demo database at this path")
    args = parser.parse_args()
    path = args.keep or Path(tempfile.mkdtemp()) / "bench.db"
    if not path.exists():
        from cs_tui.db.demo import generate

        print(f"generating a {args.accounts:,}-account demo at {path} ...")
        store = Store.open(path, create=True)
        generate(store, accounts=args.accounts, seed=42, as_of=AS_OF)
    else:
        store = Store.open(path)
    with store.transaction() as conn:  # start from no runs, so every figure is comparable
        conn.execute("DELETE FROM playbook_tasks")
        conn.execute("DELETE FROM playbook_runs")
    template = load_playbooks()
    has_health = hasattr(store, "latest_health")
    print(
        f"playbooks over {store.count('accounts'):,} accounts at {AS_OF}"
        f" (health {'known' if has_health else 'UNKNOWN: band/score rules cannot fire'})"
    )
    facts, _ = timed("facts (SQL aggregation)", store.playbook_facts, AS_OF)
    first, t1 = timed("evaluate + store (first run)", evaluate_playbooks, store, AS_OF, template)
    second, t2 = timed(
        "evaluate again (all open: no-op)", evaluate_playbooks, store, AS_OF, template
    )
    today, _ = timed("Today list (all CSMs)", store.today_tasks, AS_OF)
    csm = facts[0].csm if facts else ""
    mine, _ = timed(f"Today list (one CSM: {csm})", store.today_tasks, AS_OF, csm=csm)
    runs, _ = timed("open runs with progress", store.open_runs)
    print(
        f"  runs started: {len(first.started):,} (second pass {len(second.started)}),"
        f" tasks in Today: {len(today):,} (one CSM: {len(mine):,}), open runs {len(runs):,}"
    )
    for playbook, n in Counter(s.playbook for s in first.started).most_common():
        print(f"    {playbook:<30} {n:6,}")
    worst = max(t1, t2)
    verdict = "within" if worst < BUDGET_S else "OVER"
    print(f"evaluation: {t1:.2f} s first, {t2:.2f} s again: {verdict} the {BUDGET_S:.0f} s budget")
    store.close()


if __name__ == "__main__":
    main()
