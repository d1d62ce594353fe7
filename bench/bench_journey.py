"""Benchmark: read and evaluate every account's critical path on a 10,000-account portfolio.

The Critical path section does this in a worker each time it is shown: first-year accounts by
default, every active account with `a`. Budget `journey_section` (ours, < 0.5 s, well inside
DESIGN.md's 1 s to a first frame with data) applies to the default first-year view.

Run: `PYTHONPATH=. python bench/bench_journey.py [--db PATH] [--accounts N]`. Without --db, a
demo portfolio is generated in a temp dir first (that part is not timed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
from pathlib import Path

from bench.common import AS_OF, report, timer
from cs_tui.config import load_template
from cs_tui.db.store import Store
from cs_tui.domain.journey import TEMPLATE_NAME, JourneyTemplate, journey_rates


def main() -> None:
    """Time the section's read + evaluation for both scopes and print them against the budget."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=AS_OF)
    args = parser.parse_args()
    template = load_template(TEMPLATE_NAME, JourneyTemplate)
    with tempfile.TemporaryDirectory() as tmp:
        if args.db:
            store = Store.open(args.db)
        else:
            from cs_tui.db.demo import generate

            store = Store.open(Path(tmp) / "demo.db", create=True)
            print(f"generating a {args.accounts}-account demo portfolio…", flush=True)
            generate(store, accounts=args.accounts, seed=42, as_of=args.as_of)
        accounts = store.count("accounts")
        print(f"load average {os.getloadavg()[0]:.2f}")
        for scope in ("first_year", "active"):
            store.account_journeys(template, args.as_of, scope=scope)  # warm the page cache
            with timer() as wall:
                journeys = store.account_journeys(template, args.as_of, scope=scope)
            rates = journey_rates(journeys)
            print(
                f"{scope}: {len(journeys):,} accounts evaluated; onboarding completion "
                f"{rates.onboarding_completion}, median TTFV {rates.ttfv_median_days} days"
            )
            report("journey_section", wall[0], label=scope, accounts=accounts)
        store.close()


if __name__ == "__main__":
    main()
