"""Benchmark: the Metrics section's work on a 10,000-account portfolio.

Figures: loading every metric input (a year plus the trend months, health at 12 month ends,
the back-test points), computing the metrics and trend for one choice of filters (what a
filter key press costs), and one what-if recompute of the back-test. Budgets are ours
(DESIGN.md asks only that sections never keep the user waiting): load < 1.5 s, a filter
change < 0.5 s, a what-if < 50 ms. Usage:

    python bench/metrics_portfolio.py [--accounts 10000] [--db PATH]

With --db, an existing (e.g. demo) database is used at its stored as-of; otherwise a
synthetic portfolio (3 years of renewals, weekly health snapshots) is built in a temp dir.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import tempfile
from pathlib import Path

from bench.common import AS_OF, report, timer
from cs_tui.db.store import Store
from cs_tui.domain import backtest as bt
from cs_tui.domain import metrics as m

CSMS = ["Ana Ruiz", "Bo Li", "Cy Diaz", "Dee Park", "Eli Roth", "Fay Wu"]


def build(path: Path, accounts: int, seed: int = 1) -> None:
    """A synthetic portfolio: renewals yearly, weekly health snapshots, surveys, tickets."""
    rnd = random.Random(seed)
    store = Store.open(path, create=True)
    rows: dict[str, list[tuple[object, ...]]] = {
        k: [] for k in ("accounts", "renewals", "snaps", "surveys", "tickets", "contacts")
    }
    for i in range(accounts):
        aid = f"A{i:05d}"
        seg = rnd.choice(["enterprise", "mid-market", "smb"])
        ed = "enterprise" if seg == "enterprise" or rnd.random() < 0.3 else "professional"
        start = AS_OF - dt.timedelta(days=rnd.randint(30, 1200))
        mrr = {"enterprise": 5000, "mid-market": 1500, "smb": 300}[seg] * rnd.uniform(0.5, 1.5)
        quality = rnd.gauss(70, 15)
        churned = None
        for k in range(1, 5):
            day = start + dt.timedelta(days=365 * k)
            if day > AS_OF:
                rows["renewals"].append((aid, day.isoformat(), mrr * 12, "open", None))
                break
            if rnd.random() < max(0.02, min(0.9, (75 - quality) / 60)):
                rows["renewals"].append((aid, day.isoformat(), mrr * 12, "churned", 0))
                churned = day
                break
            kept = mrr * 12 * rnd.choice([1, 1, 1, 0.9, 1.1, 1.2])
            rows["renewals"].append((aid, day.isoformat(), mrr * 12, "renewed", kept))
        rows["accounts"].append(
            (aid, f"Company {i}", seg, ed, rnd.choice(CSMS), start.isoformat(), round(mrr, 2),
             20, "churned" if churned else "active", churned.isoformat() if churned else None)
        )  # fmt: skip
        week = start - dt.timedelta(days=start.weekday())
        while week <= (churned or AS_OF):
            cats = [max(0.0, min(100.0, quality + rnd.gauss(0, 12))) for _ in range(4)]
            score = 0.4 * cats[0] + 0.3 * cats[1] + 0.2 * cats[2] + 0.1 * cats[3]
            rows["snaps"].append((aid, week.isoformat(), score, *cats))
            week += dt.timedelta(days=7)
        span = (AS_OF - start).days
        for j in range(rnd.randint(0, 6)):
            day = (start + dt.timedelta(days=rnd.randint(0, span))).isoformat()
            nps = max(0, min(10, round(quality / 10 + rnd.gauss(0, 2))))
            rows["surveys"].append((f"{aid}n{j}", aid, "nps", nps, day, ""))
            csat = max(1, min(5, round(quality / 20 + rnd.gauss(0, 1))))
            rows["surveys"].append((f"{aid}c{j}", aid, "csat", csat, day, ""))
        for j in range(rnd.randint(0, 8)):
            opened = start + dt.timedelta(days=rnd.randint(0, span))
            closed = opened + dt.timedelta(days=rnd.randint(0, 20))
            shut = closed.isoformat() if closed <= AS_OF else None
            rows["tickets"].append((f"{aid}t{j}", aid, opened.isoformat(), shut, "normal"))
        for j in range(rnd.randint(1, 5)):
            rows["contacts"].append((aid, f"P{j}", f"p{j}@{aid}.test", "user", rnd.random() < 0.15))
    cols = {
        "accounts": ["account_id", "name", "segment", "edition", "csm", "start_date", "mrr",
                     "licensed_users", "status", "churned_on"],
        "renewals": ["account_id", "renewal_date", "arr_due", "outcome", "arr_renewed"],
        "health_snapshots": ["account_id", "week", "score", "engagement", "product",
                             "relationship", "business"],
        "surveys": ["response_id", "account_id", "kind", "score", "submitted_at", "comment"],
        "tickets": ["ticket_id", "account_id", "opened_at", "closed_at", "priority"],
        "contacts": ["account_id", "name", "email", "role", "advocate"],
    }  # fmt: skip
    for table, key in [("accounts", "accounts"), ("renewals", "renewals"),
                       ("health_snapshots", "snaps"), ("surveys", "surveys"),
                       ("tickets", "tickets"), ("contacts", "contacts")]:  # fmt: skip
        store.insert_many(table, cols[table], rows[key])
    store.close()


def run(path: Path, as_of: dt.date, accounts: int) -> None:
    """Time the Metrics section's load, a filter change and a what-if."""
    store = Store.open(path)
    window = m.Window.ending(as_of)
    months = m.trend_windows(as_of)
    span = m.Window(min(window.start, months[0].start), as_of)
    with timer() as t:
        inputs = store.metric_inputs(span, onboarding=store.onboarding_statuses(as_of))
        health = store.health_at_dates(w.end for w in months)
        points = store.backtest_points(window)
    report("metrics_load", t[0], accounts=accounts)
    csm = inputs.accounts[0].csm if inputs.accounts else None
    with timer() as t:
        filters = m.Filters(csm=csm)
        m.compute_metrics(inputs, window, filters=filters)
        m.monthly_trend(inputs.filtered(filters), months, health)
    report("metrics_filter", t[0], label="one CSM", accounts=accounts)
    with timer() as t:
        m.compute_metrics(inputs, window)
        m.monthly_trend(inputs, months, health)
    report("metrics_filter", t[0], label="all accounts", accounts=accounts)
    with timer() as t:
        bt.backtest(points, bt.Weights(50, 30, 10, 10))
    report("metrics_what_if", t[0] * 1000, label=f"{len(points)} renewals", accounts=accounts)
    store.close()


def main() -> None:
    """Parse arguments, build or open the portfolio, and time it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--db", type=Path, default=None)
    args = parser.parse_args()
    if args.db:
        store = Store.open(args.db)
        stored = store.get_setting("demo.as_of")
        accounts = store.count("accounts")
        store.close()
        run(args.db, dt.date.fromisoformat(stored) if stored else AS_OF, accounts)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "metrics.db"
        with timer() as t:
            build(path, args.accounts)
        print(f"(built a synthetic {args.accounts:,}-account portfolio in {t[0]:.1f} s)")
        run(path, AS_OF, args.accounts)


if __name__ == "__main__":
    main()
