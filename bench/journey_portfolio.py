"""Benchmark: evaluate every account's critical path on a 10,000-account portfolio.

Budget (DESIGN.md): the critical-path section must fill with data well inside the 1 s first-frame
budget; we aim for the whole read + evaluation under 0.5 s. Usage:

    python bench/journey_portfolio.py [--accounts 10000] [--db PATH]

With --db, an existing (e.g. demo) database is used; otherwise a synthetic one is built.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import tempfile
import time
from pathlib import Path

from cs_tui.config import load_template
from cs_tui.db.store import Store
from cs_tui.domain.journey import TEMPLATE_NAME, JourneyTemplate, journey_rates

BUDGET_S = 0.5
AS_OF = dt.date(2025, 6, 30)


def build(path: Path, n: int) -> Store:
    """A synthetic portfolio: n accounts started over three years, most milestones ticked."""
    rng = random.Random(7)
    template = load_template(TEMPLATE_NAME, JourneyTemplate)
    store = Store.open(path, create=True)
    accounts, ticks, barriers = [], [], []
    for i in range(n):
        start = AS_OF - dt.timedelta(days=rng.randint(-30, 3 * 365))
        edition = rng.choice(["professional", "enterprise"])
        aid = f"A{i:05d}"
        accounts.append(
            (
                aid,
                f"Account {i}",
                "smb",
                edition,
                f"csm{i % 20}",
                start.isoformat(),
                100.0,
                5,
                "active",
            )
        )
        for m in template.for_edition(edition).milestones:
            if rng.random() < 0.85:
                day = start + dt.timedelta(days=7 * m.due_week - rng.randint(-10, 6))
                ticks.append((aid, m.id, day.isoformat(), "bench"))
        if rng.random() < 0.2:
            barriers.append((aid, "setup", "ours", "slow", start.isoformat(), "bench"))
    store.insert_many(
        "accounts",
        [
            "account_id",
            "name",
            "segment",
            "edition",
            "csm",
            "start_date",
            "mrr",
            "licensed_users",
            "status",
        ],
        accounts,
    )
    store.insert_many("milestones", ["account_id", "milestone_id", "done_on", "done_by"], ticks)
    store.insert_many(
        "barriers", ["account_id", "stage", "kind", "text", "opened_on", "created_by"], barriers
    )
    return store


def main() -> None:
    """Print the timings against the budget."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=AS_OF)
    args = parser.parse_args()
    template = load_template(TEMPLATE_NAME, JourneyTemplate)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(args.db) if args.db else build(Path(tmp) / "b.db", args.accounts)
        for scope in ("active", "first_year"):
            t0 = time.perf_counter()
            data = store.journey_portfolio(args.as_of, scope=scope)
            t1 = time.perf_counter()
            journeys = store.account_journeys(template, args.as_of, scope=scope)
            t2 = time.perf_counter()
            rates = journey_rates(journeys)
            t3 = time.perf_counter()
            print(
                f"{scope:>10}: {len(data.accounts)} accounts; read {t1 - t0:.3f} s, "
                f"read+evaluate {t2 - t1:.3f} s, rates {t3 - t2:.3f} s "
                f"(budget {BUDGET_S} s: {'OK' if t2 - t1 < BUDGET_S else 'OVER'}); "
                f"onboarding completion {rates.onboarding_completion}"
            )
        store.close()


if __name__ == "__main__":
    main()
