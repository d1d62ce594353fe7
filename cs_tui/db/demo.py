"""The deterministic demo portfolio: `generate(store, accounts=400, seed=42, as_of=...)`.

Same (accounts, seed, as_of), same table contents, byte for byte: every number comes from
numpy PCG64 generators seeded from `seed` (one stream per part: plan, usage, tickets, ...),
nothing reads the clock, and rows are written in a fixed order. The portfolio looks like a real
SaaS book: three segments, two editions, a year of daily usage per account with distinct
stories (thriving, steady, seasonal, slowly declining, sharp drop, churned, new and ramping,
stalled onboarding), tickets, NPS and CSAT, renewals (GRR near 90%, NRR a little above 100%),
critical-path ticks and barriers for new customers, and the CSMs' activity log.

The parts live in `demo_plan` (accounts and renewals), `demo_usage`, `demo_events` (tickets,
surveys), `demo_people` (contacts, activities) and `demo_journey` (milestones, barriers).
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cs_tui.db.accounts import ACCOUNT_COLUMNS
from cs_tui.db.core import StoreError
from cs_tui.db.demo_events import SURVEY_COLUMNS, TICKET_COLUMNS, make_surveys, make_tickets
from cs_tui.db.demo_journey import BARRIER_COLUMNS, MILESTONE_COLUMNS, make_journey
from cs_tui.db.demo_people import (
    ACTIVITY_COLUMNS,
    CONTACT_COLUMNS,
    make_activities,
    make_contacts,
)
from cs_tui.db.demo_plan import (
    CHURNED,
    EDITION_NAMES,
    NONE,
    SEGMENT_NAMES,
    Plan,
    make_plan,
)
from cs_tui.db.demo_usage import USAGE_COLUMNS, usage_chunks
from cs_tui.db.demo_words import CHURN_REASONS

if TYPE_CHECKING:
    from cs_tui.db.store import Store

__all__ = ["DemoSummary", "generate"]

Progress = Callable[[str, float], None]
RENEWAL_COLUMNS = (
    "account_id",
    "renewal_date",
    "arr_due",
    "outcome",
    "arr_renewed",
    "churn_reason",
)
USAGE_SHARE = (0.06, 0.86)
"""The part of the progress bar that usage takes (it is most of the work)."""


@dataclass(frozen=True)
class DemoSummary:
    """What `generate` wrote: rows per table, in the order the tables were written."""

    accounts: int
    seed: int
    as_of: dt.date
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total_rows(self) -> int:
        """Rows written over every table."""
        return sum(self.counts.values())

    def __str__(self) -> str:
        tables = ", ".join(f"{table} {count:,}" for table, count in self.counts.items())
        return (
            f"demo portfolio: {self.accounts:,} accounts, seed {self.seed}, "
            f"as of {self.as_of.isoformat()}: {tables}"
        )


def generate(
    store: Store,
    *,
    accounts: int = 400,
    seed: int = 42,
    as_of: dt.date,
    progress: Progress | None = None,
) -> DemoSummary:
    """Write a deterministic, realistic demo portfolio into an empty, migrated store.

    Args:
        store: a freshly created and migrated Store with no accounts yet.
        accounts: how many customer accounts (at least 1).
        seed: the random seed; the same seed gives the same portfolio.
        as_of: the day the portfolio is seen from: usage ends here, renewals open after it.
        progress: called as `progress(stage_label, fraction)` while the work goes on.

    Returns:
        The number of rows written per table.

    Raises:
        ValueError: `accounts` is below 1.
        StoreError: the store already holds accounts, or cannot be written.
    """
    if accounts < 1:
        raise ValueError("the demo needs at least 1 account")
    report: Progress = progress or (lambda _label, _fraction: None)
    if store.count("accounts"):
        raise StoreError(f"{store.path} already holds accounts: the demo needs an empty database")
    counts: dict[str, int] = {}

    def write(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        rows = list(rows)
        store.insert_many(table, columns, rows)
        counts[table] = len(rows)

    with _bulk_load(store):
        report("Planning accounts", 0.0)
        plan = make_plan(accounts, seed, as_of)
        report("Staff and accounts", 0.02)
        write("staff", ("name", "role", "email"), plan.staff.rows())
        write("accounts", ACCOUNT_COLUMNS, _account_rows(plan))
        report("Contacts", 0.03)
        contacts, roles = make_contacts(plan, seed)
        write("contacts", CONTACT_COLUMNS, contacts)
        report("Renewals", 0.05)
        write("renewals", RENEWAL_COLUMNS, _renewal_rows(plan))
        counts["usage"] = _write_usage(store, plan, seed, report)
        report("Tickets and surveys", 0.9)
        tickets = make_tickets(plan, seed)
        write("tickets", TICKET_COLUMNS, tickets.rows)
        write("surveys", SURVEY_COLUMNS, make_surveys(plan, seed, tickets))
        report("Critical path", 0.94)
        ticks, barriers = make_journey(plan, seed)
        write("milestones", MILESTONE_COLUMNS, ticks)
        write("barriers", BARRIER_COLUMNS, barriers)
        report("Activities", 0.96)
        write("activities", ACTIVITY_COLUMNS, make_activities(plan, seed, roles))
        write(
            "settings",
            ("key", "value"),
            [
                ("demo.accounts", str(accounts)),
                ("demo.as_of", as_of.isoformat()),
                ("demo.seed", str(seed)),
            ],
        )
    report("Done", 1.0)
    return DemoSummary(accounts=accounts, seed=seed, as_of=as_of, counts=counts)


@contextmanager
def _bulk_load(store: Store) -> Iterator[None]:
    """Fast settings for a bulk load into a new database, restored afterwards.

    Foreign keys are not checked row by row (the generator only writes valid references; the
    tests run `PRAGMA foreign_key_check`), the page cache is larger, and the garbage collector
    rests while millions of short-lived tuples go by.
    """
    conn = store.conn
    cache = conn.execute("PRAGMA cache_size").fetchone()[0]
    fks = conn.execute("PRAGMA foreign_keys").fetchone()[0]
    gc_was_enabled = gc.isenabled()
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("PRAGMA cache_size = -65536")
    gc.disable()
    try:
        yield
    finally:
        if gc_was_enabled:
            gc.enable()
        conn.execute(f"PRAGMA cache_size = {int(cache)}")
        conn.execute(f"PRAGMA foreign_keys = {int(fks)}")


def _write_usage(store: Store, plan: Plan, seed: int, report: Progress) -> int:
    """Insert usage in one transaction while the next chunk is generated in a thread.

    The per-date index is dropped first and rebuilt at the end (sorting once is much cheaper
    than inserting millions of keys in random order); the table keeps its definition.
    """
    sql = (
        f"INSERT INTO usage ({', '.join(USAGE_COLUMNS)}) "
        f"VALUES ({', '.join('?' for _ in USAGE_COLUMNS)})"
    )
    lo, hi = USAGE_SHARE
    report("Usage", lo)
    total = 0
    chunks = usage_chunks(plan, seed)
    with ThreadPoolExecutor(max_workers=1) as pool, store.transaction() as conn:
        indexes = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'usage' "
            "AND sql IS NOT NULL ORDER BY name"
        ).fetchall()
        for name, _ in indexes:
            conn.execute(f"DROP INDEX [{name}]")
        pending = pool.submit(next, chunks, None)
        while (item := pending.result()) is not None:
            pending = pool.submit(next, chunks, None)
            done, columns = item
            conn.executemany(sql, zip(*columns, strict=True))
            total += len(columns[0])
            report("Usage", min(hi, lo + (hi - lo) * done / plan.n))
        report("Indexing usage", hi)
        for _, create in indexes:
            conn.execute(create)
    return total


def _account_rows(plan: Plan) -> list[tuple[object, ...]]:
    start = plan.iso(plan.start)
    renewal = plan.iso(plan.open_day.clip(min=plan.lo))
    churned = plan.iso(plan.churn.clip(min=plan.lo))
    return [
        (
            plan.ids[i],
            plan.names[i],
            SEGMENT_NAMES[int(plan.seg[i])],
            EDITION_NAMES[int(plan.edition[i])],
            plan.csm_name(i),
            start[i],
            None if plan.open_day[i] == NONE else renewal[i],
            float(plan.mrr[i]),
            int(plan.users[i]),
            "active" if plan.churn[i] == NONE else "churned",
            None if plan.churn[i] == NONE else churned[i],
        )
        for i in range(plan.n)
    ]


def _renewal_rows(plan: Plan) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for i in range(plan.n):
        past, open_ = int(plan.past_day[i]), int(plan.open_day[i])
        if past != NONE:
            churned = plan.story[i] == CHURNED
            rows.append(
                (
                    plan.ids[i],
                    plan.day(past),
                    float(plan.past_due[i]),
                    "churned" if churned else "renewed",
                    float(plan.past_renewed[i]),
                    CHURN_REASONS[int(plan.churn_reason[i])] if churned else None,
                )
            )
        if open_ != NONE:
            rows.append((plan.ids[i], plan.day(open_), float(plan.mrr[i] * 12), "open", None, None))
    return rows
