"""Daily usage held in memory: what the demo generator just wrote, for health to sum.

The demo writes millions of usage rows and then computes a year of weekly health history
from them. Reading them back through SQLite costs far more than writing them, so the demo
hands its arrays to `refresh_derived(..., usage=...)`, and `HealthQueries` sums usage per
account and period from them instead of from the table.

The sums are those of the SQL path to the last bit: each (account, period) is summed row by
row in date order starting from 0.0, which is what SQLite's `total()` does (up to SQLite
3.42; later versions compensate rounding, which can differ in the last bit: the scores,
rounded to 0.1, are the same). Only hand over a `DailyUsage` that holds exactly the rows of
the usage table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from cs_tui.db.schema import USAGE_VALUES

VALUE_COLUMNS = USAGE_VALUES
"""The order of `DailyUsage.values` (the usage table's columns after account_id and date)."""

EPOCH = dt.date(1970, 1, 1)
"""Day numbers count days since this date (as in `cs_tui.domain.health.day_number`)."""


@dataclass(frozen=True)
class DailyUsage:
    """Every usage row, grouped by account and sorted by date within each account.

    Attributes:
        account_ids: the accounts; account k's rows are `offsets[k]:offsets[k + 1]`.
        offsets: row offsets per account (length `len(account_ids) + 1`).
        day: each row's date as days since 1970-01-01.
        values: one array per column of `VALUE_COLUMNS`.
    """

    account_ids: list[str]
    offsets: np.ndarray
    day: np.ndarray
    values: tuple[np.ndarray, ...]
    _index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.offsets) != len(self.account_ids) + 1 or len(self.values) != len(VALUE_COLUMNS):
            raise ValueError("offsets and values must match the accounts and VALUE_COLUMNS")
        object.__setattr__(self, "_index", {a: k for k, a in enumerate(self.account_ids)})

    @classmethod
    def from_rows(
        cls,
        account_ids: Sequence[str],
        acct: np.ndarray,
        day: np.ndarray,
        values: Sequence[np.ndarray],
    ) -> DailyUsage:
        """From rows in account (index into `account_ids`) then date order."""
        acct = np.asarray(acct, dtype=np.int64)
        if len(acct) and (np.diff(acct) < 0).any():
            raise ValueError("usage rows must be grouped by account")
        counts = np.bincount(acct, minlength=len(account_ids))
        offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        return cls(
            list(account_ids),
            offsets,
            np.asarray(day),
            tuple(np.asarray(v) for v in values),
        )

    def __len__(self) -> int:
        return len(self.day)

    def column(self, name: str) -> np.ndarray:
        """One value column by name."""
        return self.values[VALUE_COLUMNS.index(name)]

    def period_sums(
        self, account_ids: Sequence[str], periods: Sequence[tuple[dt.date, dt.date]]
    ) -> tuple[list[str], np.ndarray, np.ndarray] | None:
        """Usage summed per (account, period), as `HealthQueries` sums it in SQL.

        Args:
            account_ids: the accounts, in the order of the result.
            periods: consecutive (start, end) periods, inclusive, in date order.

        Returns:
            (account id, period index, values) of each (account, period) holding usage, in
            the order of `account_ids` then period; values has the columns total(logins),
            total(active_users), total(session_minutes), total(features_used),
            total(workflows_completed), max(features_used), max(active_users),
            max(integrations_active) and the count of days with any use. None when an
            account is not held here.
        """
        index = self._index
        if any(a not in index for a in account_ids):
            return None
        ks = np.array([index[a] for a in account_ids], dtype=np.int64)
        starts = np.array([(a - EPOCH).days for a, _ in periods], dtype=np.int64)
        ends = np.array([(b - EPOCH).days for _, b in periods], dtype=np.int64)
        if not len(periods) or not len(ks):
            return [], np.zeros(0, dtype=np.int64), np.zeros((0, 9))
        # Only the rows inside the periods: each account's days are sorted.
        lo = np.empty(len(ks), dtype=np.int64)
        hi = np.empty(len(ks), dtype=np.int64)
        for i, k in enumerate(ks.tolist()):
            a, b = int(self.offsets[k]), int(self.offsets[k + 1])
            days = self.day[a:b]
            lo[i] = a + int(np.searchsorted(days, starts[0], "left"))
            hi[i] = a + int(np.searchsorted(days, ends[-1], "right"))
        lens = hi - lo
        total = int(lens.sum())
        if total == 0:
            return [], np.zeros(0, dtype=np.int64), np.zeros((0, 9))
        owner = np.repeat(np.arange(len(ks)), lens)
        rows = np.arange(total) + np.repeat(lo - (np.cumsum(lens) - lens), lens)
        day = self.day[rows]
        period = np.searchsorted(starts, day, "right") - 1
        inside = (period >= 0) & (day <= ends[np.maximum(period, 0)])
        rows, owner, period = rows[inside], owner[inside], period[inside]
        if not len(rows):
            return [], np.zeros(0, dtype=np.int64), np.zeros((0, 9))
        # Rows run in account then date order, so the (account, period) key never decreases.
        key = owner * len(periods) + period
        first = np.concatenate([[0], np.flatnonzero(np.diff(key)) + 1])
        group = np.repeat(np.arange(len(first)), np.diff(np.append(first, len(key))))

        def col(name: str) -> np.ndarray:
            return self.column(name)[rows]

        def total_of(v: np.ndarray) -> np.ndarray:
            # bincount adds row by row in input order from 0.0: SQLite's total() exactly.
            return np.bincount(group, weights=v.astype(np.float64), minlength=len(first))

        logins, active, minutes = col("logins"), col("active_users"), col("session_minutes")
        features = col("features_used")
        used = (logins > 0) | (active > 0) | (minutes > 0)
        out = np.column_stack(
            [
                total_of(logins),
                total_of(active),
                total_of(minutes),
                total_of(features),
                total_of(col("workflows_completed")),
                np.maximum.reduceat(features, first).astype(np.float64),
                np.maximum.reduceat(active, first).astype(np.float64),
                np.maximum.reduceat(col("integrations_active"), first).astype(np.float64),
                total_of(used),
            ]
        )
        ids = [account_ids[k] for k in owner[first].tolist()]
        return ids, period[first], out

    def fingerprint_part(self, until: dt.date) -> tuple[int, float, float, float]:
        """`count(*), total(logins), total(active_users), total(features_used)` of the rows
        dated up to `until`, as `HealthQueries.health_data_fingerprint` reads them.

        The columns hold whole numbers, so every partial sum is exact in a double and the
        order of addition does not matter.
        """
        mask = self.day <= (until - EPOCH).days
        return (
            int(mask.sum()),
            float(self.column("logins")[mask].sum(dtype=np.int64)),
            float(self.column("active_users")[mask].sum(dtype=np.int64)),
            float(self.column("features_used")[mask].sum(dtype=np.int64)),
        )
