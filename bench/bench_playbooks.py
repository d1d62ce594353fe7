"""Benchmark: evaluating every playbook trigger over a 10,000-account demo portfolio.

Run: `python -m bench.bench_playbooks [--accounts N] [--keep PATH]`. Times building the
facts, the first evaluation (it starts and stores the runs) and a second one (every run is
open: it starts none), and the Today and open-runs queries. Evaluation runs in a worker at
start-up and after imports, so its budget is the full-recompute one (`playbook_evaluation`).
"""

from __future__ import annotations

import argparse
import tempfile
from collections import Counter
from pathlib import Path

from bench.common import AS_OF, report, timer
from cs_tui.db.playbooks import evaluate_playbooks, load_playbooks
from cs_tui.db.store import Store


def main() -> None:
    """Build (or reuse) the demo, then time evaluation and the Playbooks queries."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="reuse (or keep) the demo database here")
    args = parser.parse_args()
    path = args.keep or Path(tempfile.mkdtemp()) / "bench.db"
    if not path.exists():
        from cs_tui.db.demo import generate

        print(f"generating a {args.accounts:,}-account demo at {path} ...", flush=True)
        store = Store.open(path, create=True)
        generate(store, accounts=args.accounts, seed=42, as_of=AS_OF)
    else:
        store = Store.open(path)
    with store.transaction() as conn:  # start from no runs, so every figure is comparable
        conn.execute("DELETE FROM playbook_tasks")
        conn.execute("DELETE FROM playbook_runs")
    if store.latest_health_week(AS_OF) != AS_OF:  # rules on health need current scores
        from cs_tui.db.health import recompute_health

        print("computing health first (not counted) ...", flush=True)
        recompute_health(store, AS_OF)
    template = load_playbooks()
    accounts = store.count("accounts")
    print(f"playbooks over {accounts:,} accounts at {AS_OF} (health at {AS_OF})")

    with timer() as t_facts:
        facts = store.playbook_facts(AS_OF)
    with timer() as t_first:
        first = evaluate_playbooks(store, AS_OF, template)
    with timer() as t_again:
        again = evaluate_playbooks(store, AS_OF, template)
    with timer() as t_today:
        today = store.today_tasks(AS_OF)
    csm = facts[0].csm if facts else ""
    with timer() as t_mine:
        mine = store.today_tasks(AS_OF, csm=csm)
    with timer() as t_runs:
        runs = store.open_runs()

    rows = [
        ("facts (SQL aggregation)", t_facts[0], f"{len(facts):,} accounts"),
        ("Today, every CSM", t_today[0], f"{len(today):,} tasks"),
        (f"Today, one CSM ({csm})", t_mine[0], f"{len(mine):,} tasks"),
        ("open runs with progress", t_runs[0], f"{len(runs):,} runs"),
    ]
    for label, seconds, what in rows:
        print(f"  {label:<34} {seconds * 1000:7.0f} ms  {what}")
    print(f"  runs started: {len(first.started):,}; again: {len(again.started):,}")
    for playbook, n in Counter(s.playbook for s in first.started).most_common():
        print(f"    {playbook:<30} {n:7,}")
    report("playbook_evaluation", t_first[0], label="first: starts runs", accounts=accounts)
    report("playbook_evaluation", t_again[0], label="again: all open", accounts=accounts)
    store.close()


if __name__ == "__main__":
    main()
