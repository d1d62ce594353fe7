"""The deterministic demo portfolio: `build(store, accounts=400, seed=42, as_of=...)`.

Same (accounts, seed, as_of), same table contents, byte for byte: every number comes from
numpy PCG64 generators seeded from `seed` (one stream per part: plan, usage, tickets, ...),
nothing reads the clock, and rows are written in a fixed order. The portfolio looks like a real
SaaS book: three segments, two editions, a year of daily usage per account with distinct
stories (thriving, steady, seasonal, slowly declining, sharp drop, churned, new and ramping,
stalled onboarding), tickets, NPS and CSAT, renewals (GRR near 90%, NRR a little above 100%),
critical-path ticks and barriers for new customers, and the CSMs' activity log.

The parts live in `demo_plan` (accounts and renewals), `demo_usage`, `demo_events` (tickets,
surveys), `demo_people` (contacts, activities) and `demo_journey` (milestones, barriers).

`build` is what `cs-tui demo` runs: `generate` (the tables above), then `refresh_derived`
(a year of weekly health history, playbook runs), so the workstation opens ready.

Speed (`demo --accounts 10000` has a 20 s budget): the whole build is one bulk load with a
memory journal (no WAL copy of every page, no waiting for the disk), many rows per INSERT
statement, and the usage index built at the end. The usage rows stay in memory as compact
arrays (`DemoSummary.usage`), so the health history is summed from them instead of reading
millions of rows back.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from cs_tui.db import bulk
from cs_tui.db.accounts import ACCOUNT_COLUMNS
from cs_tui.db.core import StoreError
from cs_tui.db.daily_usage import EPOCH, DailyUsage
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
from cs_tui.db.demo_usage import USAGE_COLUMNS, UsageChunk, usage_chunks
from cs_tui.db.demo_words import CHURN_REASONS

if TYPE_CHECKING:
    from cs_tui.db.store import Store

__all__ = ["DemoSummary", "build", "generate"]

Progress = Callable[[str, float], None]
Row = tuple[object, ...]
T = TypeVar("T")
RENEWAL_COLUMNS = (
    "account_id",
    "renewal_date",
    "arr_due",
    "outcome",
    "arr_renewed",
    "churn_reason",
)
USAGE_SHARE = (0.06, 0.86)
"""The part of `generate`'s progress that usage takes (it is most of the work)."""
GENERATE_SHARE = 0.65
"""The part of `build`'s progress that `generate` takes (the rest: health and playbooks)."""


@dataclass(frozen=True)
class DemoSummary:
    """What `generate` wrote: rows per table, in the order the tables were written."""

    accounts: int
    seed: int
    as_of: dt.date
    counts: dict[str, int] = field(default_factory=dict)
    usage: DailyUsage | None = field(default=None, repr=False, compare=False)
    """The usage rows written, held in memory for `refresh_derived(..., usage=...)`."""

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


def build(
    store: Store,
    *,
    accounts: int = 400,
    seed: int = 42,
    as_of: dt.date,
    stale_days: int | None = None,
    progress: Progress | None = None,
) -> DemoSummary:
    """The whole demo, as `cs-tui demo` writes it: `generate`, then `refresh_derived` (health
    history summed from the usage still in memory, playbook runs), in one bulk load.

    Args:
        store: a freshly created and migrated Store with no accounts yet.
        accounts: how many customer accounts (at least 1).
        seed: the random seed; the same seed gives the same portfolio.
        as_of: the day the portfolio is seen from.
        stale_days: manual measures older than this are left out (default: settings).
        progress: called as `progress(stage_label, fraction)` while the work goes on.

    Returns:
        The number of rows `generate` wrote per table (`usage` is not kept).

    Raises:
        ValueError: `accounts` is below 1.
        StoreError: the store already holds accounts, or cannot be written.
    """
    from cs_tui.db.derived import refresh_derived

    report: Progress = progress or (lambda _label, _fraction: None)
    share = GENERATE_SHARE
    # The garbage collector runs again for the derived data (pandas leaves cycles behind).
    with _bulk_load(store, pause_gc=False):
        summary = generate(
            store,
            accounts=accounts,
            seed=seed,
            as_of=as_of,
            progress=lambda label, fraction: report(label, fraction * share),
        )
        refresh_derived(
            store,
            as_of,
            stale_days=stale_days,
            usage=summary.usage,
            progress=lambda label, fraction: report(label, share + fraction * (1 - share)),
        )
    return replace(summary, usage=None)


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
        with store.transaction() as conn:
            bulk.insert_tuples(conn, bulk.insert_head(table, tuple(columns)), rows, len(columns))
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
        # The other tables are drawn while SQLite builds the usage index (without the GIL).
        usage, later = _write_usage(
            store, plan, seed, report, meanwhile=lambda: _later_rows(plan, seed, roles)
        )
        counts["usage"] = len(usage)
        report("Tickets and surveys", 0.9)
        write("tickets", TICKET_COLUMNS, later["tickets"])
        write("surveys", SURVEY_COLUMNS, later["surveys"])
        report("Critical path", 0.94)
        write("milestones", MILESTONE_COLUMNS, later["milestones"])
        write("barriers", BARRIER_COLUMNS, later["barriers"])
        report("Activities", 0.96)
        write("activities", ACTIVITY_COLUMNS, later["activities"])
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
    return DemoSummary(accounts=accounts, seed=seed, as_of=as_of, counts=counts, usage=usage)


@contextmanager
def _bulk_load(store: Store, *, pause_gc: bool = True) -> Iterator[None]:
    """Fast settings for a bulk load into a new database, restored afterwards.

    Foreign keys are not checked row by row (the generator only writes valid references; the
    tests run `PRAGMA foreign_key_check`), the page cache is larger, and (with `pause_gc`)
    the garbage collector rests while millions of short-lived objects go by. The journal is kept in memory and
    nothing waits for the disk: in WAL mode every page would be written twice (to the WAL,
    then to the database). A crash meanwhile can leave a broken file, which is no loss for a
    new demo database (`cs-tui demo` removes it on failure); other connections keep WAL.
    """
    conn = store.conn
    cache = conn.execute("PRAGMA cache_size").fetchone()[0]
    fks = conn.execute("PRAGMA foreign_keys").fetchone()[0]
    journal = str(conn.execute("PRAGMA journal_mode").fetchone()[0])
    sync = conn.execute("PRAGMA synchronous").fetchone()[0]
    gc_was_enabled = pause_gc and gc.isenabled()
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("PRAGMA cache_size = -65536")
    conn.execute("PRAGMA journal_mode = MEMORY")  # stays WAL while others have it open
    conn.execute("PRAGMA synchronous = OFF")
    if gc_was_enabled:
        gc.disable()
    try:
        yield
    finally:
        if gc_was_enabled:
            gc.enable()
        conn.execute(f"PRAGMA synchronous = {int(sync)}")
        if journal.isalpha():
            conn.execute(f"PRAGMA journal_mode = {journal}")
        conn.execute(f"PRAGMA cache_size = {int(cache)}")
        conn.execute(f"PRAGMA foreign_keys = {int(fks)}")


def _later_rows(plan: Plan, seed: int, roles: list[dict[str, str]]) -> dict[str, list[Row]]:
    """The rows of the tables written after usage (pure Python work), by table."""
    tickets = make_tickets(plan, seed)
    ticks, barriers = make_journey(plan, seed)
    return {
        "tickets": tickets.rows,
        "surveys": make_surveys(plan, seed, tickets),
        "milestones": ticks,
        "barriers": barriers,
        "activities": make_activities(plan, seed, roles),
    }


def _write_usage(
    store: Store, plan: Plan, seed: int, report: Progress, meanwhile: Callable[[], T]
) -> tuple[DailyUsage, T]:
    """Insert usage in one transaction while the next chunk is generated in a thread.

    Rows go many to a statement (`bulk`); the per-date index is dropped first and rebuilt
    at the end (sorting once is much cheaper than inserting millions of keys in random
    order); the table keeps its definition. SQLite builds the index without holding the
    GIL, so `meanwhile()` runs in the thread then.

    Returns:
        The rows written, as compact arrays, and what `meanwhile()` returned.
    """
    width = len(USAGE_COLUMNS)
    head = bulk.insert_head("usage", USAGE_COLUMNS)
    ids = np.array(plan.ids, dtype=object)
    chunks = usage_chunks(plan, seed)
    kept: list[UsageChunk] = []

    def prepare() -> tuple[int, list[list[object]], list[list[object]]] | None:
        """The next chunk as parameter lists (`bulk.batches`)."""
        item = next(chunks, None)
        if item is None:
            return None
        done, chunk = item
        kept.append(_compact(chunk))
        table = np.empty((len(chunk), width), dtype=object)
        table[:, 0] = ids[chunk.acct]
        table[:, 1] = plan.iso_table[chunk.day - plan.lo]
        for j, values in enumerate(chunk.values, start=2):
            table[:, j] = values  # stored as Python ints and floats, what sqlite3 binds
        return done, *bulk.batches(table)

    lo, hi = USAGE_SHARE
    report("Usage", lo)
    with ThreadPoolExecutor(max_workers=1) as pool, store.transaction() as conn:
        indexes = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'usage' "
            "AND sql IS NOT NULL ORDER BY name"
        ).fetchall()
        for name, _ in indexes:
            conn.execute(f"DROP INDEX [{name}]")
        pending = pool.submit(prepare)
        while (item := pending.result()) is not None:
            pending = pool.submit(prepare)
            done, grouped, single = item
            bulk.execute_batches(conn, head, width, grouped, single)
            report("Usage", min(hi, lo + (hi - lo) * done / plan.n))
        report("Indexing usage", hi)
        later = pool.submit(meanwhile)
        for _, create in indexes:
            conn.execute(create)
        result = later.result()
    # Column by column, letting go of the chunks: one copy of the rows at a time.
    columns = [[c.acct for c in kept], [c.day for c in kept]]
    columns += [[c.values[j] for c in kept] for j in range(width - 2)]
    kept.clear()
    acct, day, *values = (_concatenate(parts) for parts in columns)
    base = (plan.as_of - EPOCH).days
    day = day.astype(np.int32) + base  # days since 1970 (int16 offsets would overflow)
    return DailyUsage.from_rows(plan.ids, acct, day, values), result


def _concatenate(parts: list[np.ndarray]) -> np.ndarray:
    """One array of `parts`, emptying the list as it goes."""
    out = np.concatenate(parts)
    parts.clear()
    return out


def _compact(chunk: UsageChunk) -> UsageChunk:
    """The chunk in the smallest integer types its values fit, to hold in memory (the sums
    are taken in float64 and int64 all the same)."""

    def small(values: np.ndarray) -> np.ndarray:
        if values.dtype.kind != "i" or not len(values):
            return values
        low, high = values.min(), values.max()
        for kind in (np.int16, np.int32):
            if np.iinfo(kind).min <= low and high <= np.iinfo(kind).max:
                return values.astype(kind)
        return values

    return UsageChunk(small(chunk.acct), small(chunk.day), tuple(small(v) for v in chunk.values))


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
