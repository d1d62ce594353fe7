"""Health in the database: loading what scores are computed from, snapshots, manual measures.

`health_snapshots` holds one row per account per week-end (Sunday) for the past 52 weeks,
plus one row at the as-of date of the latest recompute when that is not a Sunday:

| column | meaning |
|---|---|
| account_id, week | the account and the date the score was computed at (ISO text) |
| score | 0-100, one decimal |
| band | green / yellow / red (from the model's bands) |
| engagement, product, relationship, business | category scores 0-100 (NULL: no data) |
| change_30d | score minus the score 30 days before (the row at the as-of date), or minus the score of the week-end 4 weeks before (28 days, week-end rows); NULL without data then |
| no_usage | 1 when no usage in the no-usage window capped the score |

`recompute_health(store, as_of)` keeps it current. Only the latest row set and manual
measures are read at start-up (`latest_health`, plain SQL: no pandas on the start-up path).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cs_tui.db.core import BaseStore
from cs_tui.domain.health_model import (
    CATEGORY_IDS,
    CategoryLine,
    HealthCard,
    HealthModel,
    HealthRow,
    MeasureLine,
)
from cs_tui.domain.models import ManualMeasure

if TYPE_CHECKING:
    import pandas as pd

    from cs_tui.db.daily_usage import DailyUsage
    from cs_tui.domain.health import HealthInputs, HealthResult

HISTORY_CHANGE_DAYS = 28
"""Week-end rows' `change_30d` compares with the week-end four weeks earlier."""
CURRENT_KEY = "health.current"
"""Settings-table key: the as-of date of the latest full recompute (its rows may be off a
week-end; the next recompute at another date replaces them)."""
FINGERPRINT_KEY = "health.fingerprint"
"""Settings-table key: the model and data the stored history was computed from."""

SNAPSHOT_COLUMNS = (
    "account_id",
    "week",
    "score",
    "band",
    *CATEGORY_IDS,
    "change_30d",
    "no_usage",
)

Progress = Callable[[str, float], None]


def _iso(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


@dataclass(frozen=True)
class _Scope:
    """Which accounts a load covers: all, a list of ids, or a rowid range of accounts."""

    ids: tuple[str, ...] | None = None
    rowids: tuple[int, int] | None = None

    @classmethod
    def of(cls, ids: Sequence[str] | None, rowids: tuple[int, int] | None) -> _Scope:
        return cls(None if ids is None else tuple(ids), rowids)

    def where(self, column: str) -> tuple[str, list[Any]]:
        """An `AND ...` filter on an account_id column, with its parameters."""
        if self.ids is not None:
            marks = ", ".join("?" for _ in self.ids) or "NULL"
            return f"AND {column} IN ({marks})", list(self.ids)
        if self.rowids is not None:
            return (
                f"AND {column} IN (SELECT account_id FROM accounts WHERE rowid >= ? AND rowid < ?)",
                list(self.rowids),
            )
        return "", []

    def split(self, alias: str, parts: int, store: BaseStore) -> list[tuple[str, list[Any]]]:
        """WHERE clauses over accounts `alias` cutting this scope into about `parts` pieces."""
        if self.ids is not None:
            marks = ", ".join("?" for _ in self.ids) or "NULL"
            return [(f"{alias}.account_id IN ({marks})", list(self.ids))]
        if self.rowids is not None:
            lo, hi = self.rowids
        else:
            row = store.conn.execute("SELECT min(rowid), max(rowid) FROM accounts").fetchone()
            if row[0] is None:
                return [("0", [])]
            lo, hi = row[0], row[1] + 1
        step = max(1, -(-(hi - lo) // max(parts, 1)))
        return [
            (f"{alias}.rowid >= ? AND {alias}.rowid < ?", [a, min(a + step, hi)])
            for a in range(lo, hi, step)
        ]


def _texts(column: pd.Series) -> Any:
    """A column's values as an object array of str (categoricals without a per-row walk)."""
    import numpy as np
    import pandas as pd

    if isinstance(column.dtype, pd.CategoricalDtype) and not column.isna().any():
        names = np.array([str(c) for c in column.cat.categories], dtype=object)
        return names[column.cat.codes.to_numpy()]
    return np.array([str(v) for v in column.tolist()], dtype=object)


class HealthQueries(BaseStore):
    """The health part of the Store."""

    # -- what scores are computed from --------------------------------------------------------

    def health_inputs(
        self,
        model: HealthModel,
        dates: Sequence[dt.date],
        *,
        account_ids: Sequence[str] | None = None,
        rowids: tuple[int, int] | None = None,
        threads: int = 1,
        usage: DailyUsage | None = None,
    ) -> HealthInputs:
        """Everything `compute_health(model, inputs, dates)` needs, read efficiently.

        Daily usage is summed in SQL into the periods of `usage_periods(model, dates)` (2
        periods for the latest score with its 30-day change, ~150 for a year of weekly
        history), walking each account's (account_id, date) key in order: only the rows
        needed are read and the grouping streams without a sort.

        Args:
            model: the health model (its windows decide what is read).
            dates: the as-of dates that will be scored.
            account_ids: only these accounts (default: all).
            rowids: only the accounts with `lo <= rowid < hi` (chunks of a large portfolio).
            threads: connections summing usage at once (sqlite releases the GIL meanwhile).
            usage: the usage table's rows held in memory (the demo generator's): usage is
                summed from them, with the same result, instead of read from the table.
        """
        from cs_tui.domain.health import HealthInputs, usage_periods

        dates = sorted(set(dates))
        scope = _Scope.of(account_ids, rowids)
        only, params = scope.where("account_id")
        first, last = dates[0], dates[-1]

        def since(source: str) -> str:
            """The first day any measure of `source` looks at, for the earliest date."""
            days = max((m.window_days for m in model.measures() if m.source == source), default=0)
            return (first - dt.timedelta(days=days)).isoformat()

        hi = last.isoformat()
        after = (last + dt.timedelta(days=1)).isoformat()  # timestamps of the last day count
        kinds = sorted({k for m in model.measures() for k in m.kinds})
        marks = ", ".join("?" for _ in kinds) or "NULL"
        first_usage = self.conn.execute("SELECT min(date) FROM usage").fetchone()[0]
        scan = "NOT INDEXED" if scope.ids is None and scope.rowids is None else ""

        def frame(sql: str, columns: list[str], extra: Sequence[Any] = ()) -> pd.DataFrame:
            return self._frame(sql, [*extra, *params], columns)

        return HealthInputs(
            usage_since=dt.date.fromisoformat(first_usage[:10]) if first_usage else None,
            accounts=frame(
                "SELECT account_id, segment, licensed_users, start_date, churned_on "
                f"FROM accounts WHERE 1 {only} ORDER BY account_id",
                ["account_id", "segment", "licensed_users", "start_date", "churned_on"],
            ),
            usage=self._usage_periods(usage_periods(model, dates), scope, threads, usage),
            tickets=frame(
                "SELECT account_id, opened_at FROM tickets "
                f"WHERE opened_at >= ? AND opened_at < ? {only}",
                ["account_id", "opened_at"],
                [since("tickets"), after],
            ),
            surveys=frame(
                # Across the whole portfolio a plain scan beats hopping through the index.
                f"SELECT account_id, kind, score, submitted_at FROM surveys {scan} "
                f"WHERE submitted_at >= ? AND submitted_at < ? {only}",
                ["account_id", "kind", "score", "submitted_at"],
                [since("survey_score"), after],
            ),
            activities=frame(
                "SELECT account_id, kind, date FROM activities "
                f"WHERE kind IN ({marks}) AND date <= ? {only}",
                ["account_id", "kind", "date"],
                [*kinds, hi],
            ),
            renewals=frame(
                "SELECT account_id, renewal_date, arr_due, outcome, arr_renewed FROM renewals "
                f"WHERE outcome IN ('renewed', 'churned') AND renewal_date >= ? "
                f"AND renewal_date <= ? {only}",
                ["account_id", "renewal_date", "arr_due", "outcome", "arr_renewed"],
                [since("renewal_history"), hi],
            ),
            contacts=frame(
                f"SELECT account_id, role FROM contacts WHERE role = 'executive_sponsor' {only}",
                ["account_id", "role"],
            ),
            manual=frame(
                f"SELECT account_id, measure, value, set_on FROM manual_measures WHERE 1 {only}",
                ["account_id", "measure", "value", "set_on"],
            ),
        )

    def _frame(self, sql: str, params: Sequence[Any], columns: list[str]) -> pd.DataFrame:
        """A query's rows as a DataFrame, built column by column from plain tuples."""
        import pandas as pd

        cur = self.conn.cursor()
        cur.row_factory = None
        rows = cur.execute(sql, params).fetchall()
        if not rows:
            return pd.DataFrame({c: [] for c in columns})
        return pd.DataFrame(dict(zip(columns, zip(*rows, strict=True), strict=True)))

    def account_rowid_chunks(self, size: int) -> list[tuple[int, int]]:
        """`(lo, hi)` rowid ranges of about `size` accounts each, covering every account."""
        rowids = [r[0] for r in self.query("SELECT rowid FROM accounts ORDER BY rowid")]
        return [
            (rowids[k], rowids[k + size] if k + size < len(rowids) else rowids[-1] + 1)
            for k in range(0, len(rowids), size)
        ]

    def _usage_periods(
        self,
        periods: list[tuple[dt.date, dt.date]],
        scope: _Scope,
        threads: int,
        held: DailyUsage | None = None,
    ) -> pd.DataFrame:
        """Daily usage summed per account and period (`start`, `end` as day numbers).

        From `held` rows when they cover every account of the scope, else from the table.
        """
        import numpy as np
        import pandas as pd

        from cs_tui.domain.health import USAGE_COLUMNS, day_number

        names = list(USAGE_COLUMNS)  # the order of the aggregates below
        empty = pd.DataFrame({c: [] for c in ["account_id", *names, "start", "end"]})
        if not periods:
            return empty
        # Accounts outside, then periods, then the usage key: rows come grouped by
        # (account rowid, period) in loop order, which SQLite recognises (no sort).
        sql = """
            SELECT a.account_id, p.period,
                   total(u.logins), total(u.active_users), total(u.session_minutes),
                   total(u.features_used), total(u.workflows_completed),
                   max(u.features_used), max(u.active_users), max(u.integrations_active),
                   total(u.logins > 0 OR u.active_users > 0 OR u.session_minutes > 0)
            FROM accounts a
                CROSS JOIN temp.health_periods p
                CROSS JOIN usage u
                    ON u.account_id = a.account_id AND u.date >= p.start AND u.date <= p.end
            WHERE {where}
            GROUP BY a.rowid, p.period
        """
        period_rows = [(k, a.isoformat(), b.isoformat()) for k, (a, b) in enumerate(periods)]

        def read(conn: Any, part: tuple[str, list[Any]]) -> list[tuple[Any, ...]]:
            # The temp table is private to the connection. Writing it opens an implicit
            # transaction in Python's sqlite3: commit it unless a caller's one is open.
            outer = conn.in_transaction
            conn.execute(
                "CREATE TEMP TABLE IF NOT EXISTS health_periods "
                "(period INTEGER PRIMARY KEY, start TEXT, end TEXT)"
            )
            conn.execute("DELETE FROM temp.health_periods")
            conn.executemany("INSERT INTO temp.health_periods VALUES (?, ?, ?)", period_rows)
            if not outer:
                conn.commit()
            cur = conn.cursor()
            cur.row_factory = None
            rows: list[tuple[Any, ...]] = cur.execute(sql.format(where=part[0]), part[1]).fetchall()
            return rows

        summed = None
        if held is not None:
            only, params = scope.where("account_id")
            ids_in_scope = [
                r[0]
                for r in self.conn.execute(
                    f"SELECT account_id FROM accounts WHERE 1 {only} ORDER BY rowid", params
                )
            ]
            summed = held.period_sums(ids_in_scope, periods)
        if summed is not None:
            ids, index, matrix = summed
            if not ids:
                return empty
        else:
            parts = scope.split("a", threads, self)
            rows = [r for part in self._in_threads(read, parts, threads) for r in part]
            if not rows:
                return empty
            ids, period, *values = zip(*rows, strict=True)
            matrix = np.array(values, dtype=float).T
            index = np.array(period, dtype=np.int64)
        frame = pd.DataFrame(matrix, columns=names)
        frame.insert(0, "account_id", list(ids))
        frame["start"] = np.array([day_number(a) for a, _ in periods], dtype=np.int64)[index]
        frame["end"] = np.array([day_number(b) for _, b in periods], dtype=np.int64)[index]
        return frame

    def _in_threads(
        self, fn: Callable[[Any, Any], Any], items: Sequence[Any], threads: int
    ) -> list[Any]:
        """`[fn(conn, item) for item in items]`, spread over `threads` fresh connections."""
        if threads <= 1 or len(items) <= 1:
            return [fn(self.conn, item) for item in items]
        from concurrent.futures import ThreadPoolExecutor

        conns = [self.connect() for _ in range(min(threads, len(items)))]
        lanes = [list(range(k, len(items), len(conns))) for k in range(len(conns))]
        out: list[Any] = [None] * len(items)

        def run(lane: int) -> None:
            for index in lanes[lane]:
                out[index] = fn(conns[lane], items[index])

        try:
            with ThreadPoolExecutor(max_workers=len(conns)) as pool:
                for future in [pool.submit(run, k) for k in range(len(conns))]:
                    future.result()
        finally:
            with self._lock:
                for conn in conns:
                    conn.close()
                    if conn in self._connections:
                        self._connections.remove(conn)
        return out

    # -- snapshots ----------------------------------------------------------------------------

    def write_health_snapshots(self, scores: pd.DataFrame) -> int:
        """Insert or replace snapshot rows from `compute_health(...).scores`.

        Rows are written in (account, date) order, which keeps the key's index appending,
        many to a statement (`bulk`).

        Returns:
            How many rows were written.
        """
        import numpy as np

        from cs_tui.db import bulk

        if not len(scores):
            return 0
        frame = scores.sort_values(["account_id", "as_of"], kind="stable")
        table = np.empty((len(frame), len(SNAPSHOT_COLUMNS)), dtype=object)
        iso = {d: d.isoformat() for d in set(frame["as_of"])}
        columns = {
            "account_id": _texts(frame["account_id"]),
            "week": [iso[d] for d in frame["as_of"]],
            "score": frame["score"].to_numpy(dtype=float),
            "band": _texts(frame["band"]),
            "no_usage": frame["no_usage"].to_numpy(dtype=np.int64),
        }
        for name in (*CATEGORY_IDS, "change_30d"):
            values = frame[name].to_numpy(dtype=float)
            cells = values.astype(object)  # Python floats
            cells[np.isnan(values)] = None
            columns[name] = cells
        for j, name in enumerate(SNAPSHOT_COLUMNS):
            table[:, j] = columns[name]
        with self.transaction() as conn:
            bulk.insert_rows(
                conn,
                bulk.insert_head("health_snapshots", SNAPSHOT_COLUMNS, "INSERT OR REPLACE"),
                table,
            )
        return len(frame)

    def health_weeks(self) -> list[dt.date]:
        """The dates that hold snapshots, oldest first."""
        return [
            dt.date.fromisoformat(r[0])
            for r in self.query("SELECT DISTINCT week FROM health_snapshots ORDER BY week")
        ]

    def latest_health_week(self, as_of: dt.date | None = None) -> dt.date | None:
        """The latest snapshot date (on or before `as_of`), or None."""
        row = self.conn.execute(
            "SELECT max(week) FROM health_snapshots WHERE week <= ?",
            [(as_of or dt.date.max).isoformat()],
        ).fetchone()
        return None if row[0] is None else dt.date.fromisoformat(row[0])

    def latest_health(
        self, as_of: dt.date | None = None, *, csm: str | None = None
    ) -> list[HealthRow]:
        """Every account's health at the latest snapshot date on or before `as_of`.

        Plain SQL, cheap enough for the first frame. Accounts not active at that date have
        no row.

        Args:
            as_of: the latest date to consider (default: any).
            csm: only this CSM's book.

        Returns:
            One `HealthRow` per account, ordered by score (lowest first), then name.
        """
        week = self.latest_health_week(as_of)
        if week is None:
            return []
        sql = (
            "SELECT a.account_id, a.name, a.csm, a.segment, a.mrr, a.renewal_date, a.status, "
            "h.week, h.score, h.band, h.engagement, h.product, h.relationship, h.business, "
            "h.change_30d FROM health_snapshots h JOIN accounts a USING (account_id) "
            "WHERE h.week = ?"
        )
        params: list[Any] = [week.isoformat()]
        if csm:
            sql += " AND a.csm = ?"
            params.append(csm)
        sql += " ORDER BY h.score, a.name"
        return [
            HealthRow(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                dt.date.fromisoformat(r[5]) if r[5] else None,
                r[6],
                week,
                r[8],
                r[9],
                r[10],
                r[11],
                r[12],
                r[13],
                r[14],
            )
            for r in self.conn.execute(sql, params)
        ]

    def health_sparklines(self, as_of: dt.date, weeks: int = 12) -> dict[str, list[float]]:
        """Each account's weekly scores over the last `weeks` weeks (oldest first), ending
        with the latest snapshot on or before `as_of`."""
        latest = self.latest_health_week(as_of)
        if latest is None:
            return {}
        since = (latest - dt.timedelta(weeks=weeks)).isoformat()
        out: dict[str, list[float]] = {}
        for account_id, score in self.conn.execute(
            "SELECT account_id, score FROM health_snapshots WHERE week > ? AND week <= ? "
            "AND (strftime('%w', week) = '0' OR week = ?) ORDER BY account_id, week",
            [since, latest.isoformat(), latest.isoformat()],
        ):
            out.setdefault(account_id, []).append(score)
        return out

    def account_health_history(
        self, account_id: str, as_of: dt.date, weeks: int = 52
    ) -> list[tuple[dt.date, float, str]]:
        """(week, score, band) of one account for the past `weeks` weeks, oldest first."""
        since = (as_of - dt.timedelta(weeks=weeks)).isoformat()
        latest = self.latest_health_week(as_of)
        return [
            (dt.date.fromisoformat(r[0]), r[1], r[2])
            for r in self.query(
                "SELECT week, score, band FROM health_snapshots WHERE account_id = ? "
                "AND week > ? AND week <= ? AND (strftime('%w', week) = '0' OR week = ?) "
                "ORDER BY week",
                [account_id, since, as_of.isoformat(), _iso(latest)],
            )
        ]

    def account_usage_weeks(
        self, account_id: str, as_of: dt.date, weeks: int = 52
    ) -> list[tuple[dt.date, float, float]]:
        """One account's weekly usage: (week start, average daily active users, logins)."""
        start = as_of - dt.timedelta(days=7 * weeks - 1)
        rows = self.query(
            "SELECT date, active_users, logins FROM usage WHERE account_id = ? "
            "AND date >= ? AND date <= ? ORDER BY date",
            [account_id, start.isoformat(), as_of.isoformat()],
        )
        active = [0.0] * weeks
        logins = [0.0] * weeks
        for date, users, count in rows:
            k = (dt.date.fromisoformat(date) - start).days // 7
            active[k] += (users or 0) / 7
            logins[k] += count or 0
        return [
            (start + dt.timedelta(weeks=k), round(active[k], 1), logins[k]) for k in range(weeks)
        ]

    # -- the portfolio screen -----------------------------------------------------------------

    def portfolio_health(
        self, as_of: dt.date, *, lowest: int | None = None
    ) -> list[dict[str, Any]]:
        """Every active account with its latest stored health (None where not yet scored).

        Plain SQL into dicts (no pandas, no pydantic): this is the portfolio's first frame.
        With `lowest`, only that many accounts, the lowest scores first (then by name, the
        portfolio's default order): the first screenful, read before the rest.

        Returns:
            Records: account_id, name, csm, segment, edition, arr, renewal_date (ISO text),
            days_to_renewal, score, band, engagement, product, relationship, business,
            change_30d, week (ISO text of the snapshot, or None).
        """
        week = self.latest_health_week(as_of)
        rows = self.conn.execute(
            "SELECT a.account_id, a.name, a.csm, a.segment, a.edition, a.mrr, a.renewal_date, "
            "h.score, h.band, h.engagement, h.product, h.relationship, h.business, "
            "h.change_30d, h.week "
            "FROM accounts a LEFT JOIN health_snapshots h "
            "ON h.account_id = a.account_id AND h.week = ? "
            "WHERE a.start_date <= ? AND (a.churned_on IS NULL OR a.churned_on > ?)"
            + (
                ""
                if lowest is None
                else " ORDER BY h.score IS NULL, h.score, a.name COLLATE NOCASE LIMIT ?"
            ),
            [_iso(week), as_of.isoformat(), as_of.isoformat()]
            + ([] if lowest is None else [lowest]),
        )
        out = []
        for r in rows:
            renewal = r[6]
            out.append(
                {
                    "account_id": r[0],
                    "name": r[1],
                    "csm": r[2],
                    "segment": r[3],
                    "edition": r[4],
                    "arr": (r[5] or 0.0) * 12,
                    "renewal_date": renewal,
                    "days_to_renewal": (
                        (dt.date.fromisoformat(renewal[:10]) - as_of).days if renewal else None
                    ),
                    "score": r[7],
                    "band": r[8],
                    "engagement": r[9],
                    "product": r[10],
                    "relationship": r[11],
                    "business": r[12],
                    "change_30d": r[13],
                    "week": r[14],
                }
            )
        return out

    def touch_counts(
        self, as_of: dt.date, days: int = 90, kinds: Sequence[str] | None = None
    ) -> dict[str, int]:
        """Per account, the CSM touches (calls, meetings, emails, QBRs, renewal steps) logged
        in the `days` days up to `as_of`: the "activity" of the health / activity 2x2."""
        from cs_tui.domain.portfolio_health import TOUCH_KINDS

        kinds = list(kinds or TOUCH_KINDS)
        marks = ", ".join("?" for _ in kinds)
        since = (as_of - dt.timedelta(days=days - 1)).isoformat()
        return {
            r[0]: r[1]
            for r in self.conn.execute(
                f"SELECT account_id, count(*) FROM activities WHERE kind IN ({marks}) "
                "AND date >= ? AND date <= ? GROUP BY account_id",
                [*kinds, since, as_of.isoformat()],
            )
        }

    # -- manual measures ----------------------------------------------------------------------

    def manual_measures(self, account_id: str) -> list[ManualMeasure]:
        """The manual health measures set for an account (one per measure, latest value)."""
        return self.models(
            ManualMeasure,
            "SELECT * FROM manual_measures WHERE account_id = ? ORDER BY measure",
            [account_id],
        )

    def set_manual_measure(
        self,
        account_id: str,
        measure: str,
        value: float,
        *,
        set_by: str,
        set_on: dt.date,
        reason: str,
        label: str | None = None,
    ) -> ManualMeasure:
        """Set a manual measure (replacing its previous value) and log it as an activity.

        The activity log keeps every past value with who, when and why; the table keeps the
        value in force. Check the value first with `validate_manual_value`.

        Args:
            account_id: the account.
            measure: the measure id from the health model.
            value: on the measure's scale (0-100 or 1-5).
            set_by: who set it.
            set_on: when (the as-of date).
            reason: why (shown literally).
            label: the measure's label for the activity text (default: its id).
        """
        row = ManualMeasure(
            account_id=account_id,
            measure=measure,
            value=value,
            set_by=set_by,
            set_on=set_on,
            reason=reason,
        )
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO manual_measures (account_id, measure, value, set_by, set_on, reason) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, measure) DO UPDATE SET "
                "value = excluded.value, set_by = excluded.set_by, set_on = excluded.set_on, "
                "reason = excluded.reason",
                [account_id, measure, value, set_by, set_on.isoformat(), reason],
            )
            self.insert_activity(
                conn,
                account_id,
                "manual_measure",
                set_on,
                set_by,
                f"{label or measure} set to {value:g}: {reason}",
            )
        return row

    # -- change detection ---------------------------------------------------------------------

    def health_data_fingerprint(
        self, model: HealthModel, until: dt.date, *, usage: DailyUsage | None = None
    ) -> str:
        """A short hash of the data that scores up to `until` depend on.

        Data dated after `until` (a new day of usage, a churn recorded today) leaves it
        unchanged, so stored weekly history is only recomputed when its own past changes.
        `usage`: the usage table's rows held in memory (same hash, no table scan).
        """
        day = until.isoformat()
        kinds = sorted({k for m in model.measures() for k in m.kinds})
        marks = ", ".join("?" for _ in kinds) or "NULL"
        one = self.conn.execute
        parts: list[Any] = [
            usage.fingerprint_part(until)
            if usage is not None
            else tuple(
                one(
                    "SELECT count(*), total(logins), total(active_users), total(features_used) "
                    "FROM usage NOT INDEXED WHERE date <= ?",
                    [day],
                ).fetchone()
            ),
            tuple(one("SELECT count(*) FROM tickets WHERE opened_at < ?", [day + "~"]).fetchone()),
            tuple(
                one(
                    "SELECT count(*), total(score) FROM surveys WHERE submitted_at < ?",
                    [day + "~"],
                ).fetchone()
            ),
            tuple(one("SELECT count(*), max(rowid) FROM contacts").fetchone()),
            tuple(
                one(
                    f"SELECT count(*), max(date) FROM activities WHERE kind IN ({marks}) "
                    "AND date <= ?",
                    [*kinds, day],
                ).fetchone()
            ),
        ]
        digest = hashlib.sha256(repr(parts).encode())
        for sql in (
            "SELECT account_id, segment, licensed_users, start_date, "
            "CASE WHEN churned_on <= ? THEN churned_on END FROM accounts ORDER BY account_id",
            "SELECT account_id, renewal_date, arr_due, outcome, arr_renewed FROM renewals "
            "WHERE renewal_date <= ? ORDER BY account_id, renewal_date",
        ):
            for row in one(sql, [day]):
                digest.update(repr(tuple(row)).encode())
        return digest.hexdigest()[:16]


# -- the entry points ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RecomputeSummary:
    """What `recompute_health` did."""

    as_of: dt.date
    accounts: int
    """Accounts scored at `as_of`."""
    weeks: int
    """Past week-ends (re)computed."""
    seconds: float


def settings_stale_days() -> int:
    """Days after which a manual measure is left out of the score (from settings.toml)."""
    from cs_tui.config import load_settings

    return load_settings().manual_measure_stale_days


def recompute_health(
    store: HealthQueries,
    as_of: dt.date,
    *,
    model: HealthModel | None = None,
    stale_days: int | None = None,
    history: str = "auto",
    account_ids: Sequence[str] | None = None,
    progress: Progress | None = None,
    usage: DailyUsage | None = None,
) -> RecomputeSummary:
    """Refresh `health_snapshots`: the scores at `as_of`, and the weekly history.

    Call it at start-up (in a worker), after imports, and after a manual measure is set
    (with `account_ids` for just that account).

    Args:
        store: the store.
        as_of: today, for the app; every score is computed as of this date.
        model: the health model (default: `load_health_model()`).
        stale_days: manual measures older than this are left out (default: settings).
        history: "auto" computes the week-ends of the past 52 weeks that have no snapshots,
            or all of them when the model or the data changed since they were computed;
            "all" recomputes every week; "none" only the scores at `as_of`.
        account_ids: only these accounts, and only at `as_of` (history is left alone).
        progress: called as `progress(stage, fraction)`.
        usage: the usage table's rows, held in memory by the demo generator that just wrote
            them: summed from there instead of read back (same scores, much faster).

    Returns:
        A `RecomputeSummary`.
    """
    from cs_tui.domain.health import compute_health, dates_for_change, snapshot_weeks
    from cs_tui.domain.health_model import load_health_model

    started = time.perf_counter()
    report = progress or (lambda _stage, _fraction: None)
    model = model or load_health_model()
    stale_days = settings_stale_days() if stale_days is None else stale_days
    dates = dates_for_change([as_of])
    report("Scoring accounts", 0.0)
    inputs = store.health_inputs(model, dates, account_ids=account_ids, threads=2, usage=usage)
    result = compute_health(model, inputs, dates, stale_days=stale_days)
    current = result.scores[result.scores["as_of"] == as_of]
    with store.transaction() as conn:
        # Only the latest computation keeps a row off a week-end: drop the previous one
        # (only rows this function wrote; snapshots from elsewhere are left alone).
        if account_ids is None:
            previous = store.get_setting(CURRENT_KEY)
            if previous and previous != as_of.isoformat():
                if dt.date.fromisoformat(previous).weekday() != 6:
                    conn.execute("DELETE FROM health_snapshots WHERE week = ?", [previous])
            store.set_setting(CURRENT_KEY, as_of.isoformat())  # in this transaction
        store.write_health_snapshots(current)
    weeks_done = 0
    if account_ids is None and history != "none":
        # No week-end before the usage data covers its windows: its score would be a guess.
        first = inputs.usage_since
        span = dt.timedelta(days=max(model.usage_windows()) - 1)
        weeks = [
            w for w in snapshot_weeks(as_of) if w != as_of and (first is None or w - span >= first)
        ]
        settings = f"{model.fingerprint()}:{stale_days}"
        stored = (store.get_setting(FINGERPRINT_KEY) or "").split("|")
        data: str | None = None
        if history != "all" and len(stored) == 3 and stored[1] == settings:
            # Same model: has the data up to the last stored week-end changed since?
            until = dt.date.fromisoformat(stored[0])
            check = store.health_data_fingerprint(model, until, usage=usage)
            same = check == stored[2]
            if weeks and until == weeks[-1]:
                data = check
        else:
            same = False
        if same:
            have = set(store.health_weeks())
            todo = [w for w in weeks if w not in have]
        else:
            todo = weeks
        if todo:
            # Forget the fingerprint while writing: an interrupted run is redone in full.
            with store.transaction() as conn:
                conn.execute("DELETE FROM settings WHERE key = ?", [FINGERPRINT_KEY])
            _history(store, model, todo, stale_days, report, usage=usage)
            weeks_done = len(todo)
        if weeks:
            if data is None or todo:
                data = store.health_data_fingerprint(model, weeks[-1], usage=usage)
            store.set_setting(FINGERPRINT_KEY, f"{weeks[-1].isoformat()}|{settings}|{data}")
    report("Done", 1.0)
    return RecomputeSummary(
        as_of=as_of,
        accounts=len(current),
        weeks=weeks_done,
        seconds=time.perf_counter() - started,
    )


def _history(
    store: HealthQueries,
    model: HealthModel,
    weeks: list[dt.date],
    stale_days: int,
    report: Progress,
    chunk: int = 1000,
    usage: DailyUsage | None = None,
) -> None:
    """Compute and store the scores at `weeks` (week-ends), chunk of accounts by chunk.

    Two threads read chunks (each usage row once) while this thread scores and writes. With
    `usage` held in memory there is little to read: one thread does it all.
    """
    import queue
    import threading

    from cs_tui.domain.health import compute_health

    # Week-end rows compare with the week-end four weeks before (28 days): those dates are
    # (nearly all) computed anyway, which halves the work against an exact 30 days.
    dates = sorted(set(weeks) | {w - dt.timedelta(days=HISTORY_CHANGE_DAYS) for w in weeks})
    wanted = set(weeks)
    chunks = store.account_rowid_chunks(chunk)
    if usage is not None:
        for done, rowids in enumerate(chunks):
            report("Weekly history", done / len(chunks))
            inputs = store.health_inputs(model, dates, rowids=rowids, usage=usage)
            scores = compute_health(
                model, inputs, dates, stale_days=stale_days, change_days=HISTORY_CHANGE_DAYS
            ).scores
            store.write_health_snapshots(scores[scores["as_of"].isin(wanted)])
        return
    ready: queue.Queue[tuple[Any, BaseException | None]] = queue.Queue(maxsize=2)

    def load(lane: int, lanes: int) -> None:
        try:
            for rowids in chunks[lane::lanes]:
                ready.put((store.health_inputs(model, dates, rowids=rowids), None))
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer to raise
            ready.put((None, exc))
        finally:
            conn = getattr(store._local, "conn", None)
            if conn is not None:
                with store._lock:
                    conn.close()
                    if conn in store._connections:
                        store._connections.remove(conn)

    lanes = min(2, len(chunks))
    loaders = [threading.Thread(target=load, args=(k, lanes), daemon=True) for k in range(lanes)]
    for t in loaders:
        t.start()
    try:
        for done in range(len(chunks)):
            report("Weekly history", done / len(chunks))
            inputs, error = ready.get()
            if error is not None:
                raise error
            scores = compute_health(
                model, inputs, dates, stale_days=stale_days, change_days=HISTORY_CHANGE_DAYS
            ).scores
            store.write_health_snapshots(scores[scores["as_of"].isin(wanted)])
    finally:
        for t in loaders:
            while t.is_alive():
                try:  # unblock a loader waiting on a full queue after a failure
                    ready.get_nowait()
                except queue.Empty:
                    t.join(0.05)


def account_health_detail(
    store: HealthQueries,
    account_id: str,
    as_of: dt.date,
    *,
    model: HealthModel,
    stale_days: int,
) -> HealthResult:
    """One account's score, categories and every measure at `as_of` and 30 days before."""
    from cs_tui.domain.health import compute_health, dates_for_change

    dates = dates_for_change([as_of])
    inputs = store.health_inputs(model, dates, account_ids=[account_id])
    return compute_health(model, inputs, dates, stale_days=stale_days, detail=True)


def health_report(
    store: HealthQueries,
    as_of: dt.date,
    *,
    model: HealthModel | None = None,
    stale_days: int | None = None,
) -> list[dict[str, Any]]:
    """Every active account's health computed afresh at `as_of` (nothing is written).

    Returns:
        Records ordered by account_id: account_id, name, csm, segment, score, band,
        engagement, product, relationship, business, change_30d (None for no data).
    """
    from cs_tui.domain.health import compute_with_change, dates_for_change
    from cs_tui.domain.health_model import load_health_model

    model = model or load_health_model()
    stale_days = settings_stale_days() if stale_days is None else stale_days
    dates = [as_of]
    inputs = store.health_inputs(model, dates_for_change(dates), threads=2)
    scores = compute_with_change(model, inputs, dates, stale_days=stale_days)
    people = {
        r[0]: (r[1], r[2], r[3])
        for r in store.query("SELECT account_id, name, csm, segment FROM accounts")
    }

    def num(value: Any) -> float | None:
        return None if value != value else float(value)

    out = []
    for row in scores.sort_values("account_id").itertuples(index=False):
        name, csm, segment = people[str(row.account_id)]
        out.append(
            {
                "account_id": str(row.account_id),
                "name": name,
                "csm": csm,
                "segment": segment,
                "score": float(row.score),
                "band": str(row.band),
                **{c: num(getattr(row, c)) for c in CATEGORY_IDS},
                "change_30d": num(row.change_30d),
            }
        )
    return out


def account_health_card(
    store: HealthQueries,
    account_id: str,
    as_of: dt.date,
    *,
    model: HealthModel,
    stale_days: int,
) -> HealthCard:
    """One account's health at `as_of`, measure by measure, explained in words."""
    from cs_tui.domain.health import explain, explain_category

    result = account_health_detail(store, account_id, as_of, model=model, stale_days=stale_days)
    scores = result.scores[result.scores["as_of"] == as_of]
    if scores.empty:
        return HealthCard(account_id, as_of, None, None, None, False, "not active", [], [])
    row = scores.iloc[0]

    def num(value: Any) -> float | None:
        return None if value is None or value != value else float(value)

    detail = result.detail[result.detail["as_of"] == as_of].set_index("measure")
    found = store.query("SELECT segment FROM accounts WHERE account_id = ?", [account_id])
    segment = found[0][0] if found else ""
    measures = []
    for m in model.measures():
        d = detail.loc[m.id]
        category = next(c.id for c in model.categories if m in c.measures)
        measures.append(
            MeasureLine(
                category=category,
                id=m.id,
                label=m.label,
                unit=m.unit or (m.scale or ""),
                raw=num(d["raw"]),
                score=num(d["score"]),
                weight=float(d["weight"]),
                contribution=float(d["contribution"]),
                manual=m.is_manual,
                scale=m.scale,
                applies=not m.segments or segment in m.segments,
            )
        )
    categories = [
        CategoryLine(
            c.id,
            c.label,
            c.weight,
            num(row[c.id]),
            explain_category(model, result.detail, account_id, c.id, as_of),
        )
        for c in model.categories
    ]
    return HealthCard(
        account_id=account_id,
        as_of=as_of,
        score=float(row["score"]),
        band=str(row["band"]),  # type: ignore[arg-type]
        change_30d=num(row["change_30d"]),
        no_usage=bool(row["no_usage"]),
        headline=explain(model, result, account_id, as_of)[0],
        categories=categories,
        measures=measures,
    )
