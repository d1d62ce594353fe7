"""Renewal queries: the open queue, logging steps, recording outcomes, decided renewals."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from pydantic import BaseModel, ConfigDict

from cs_tui.db.core import BaseStore
from cs_tui.domain.models import Activity, Renewal
from cs_tui.domain.renewal_outcomes import (
    ChurnedOutcome,
    DecidedRenewal,
    Outcome,
    RenewalError,
    next_renewal_date,
    outcome_text,
    past_year,
)
from cs_tui.domain.renewals import (
    ACTIVITY_STEP,
    EVIDENCE_DAYS,
    LOGGABLE_STEPS,
    STEP_ACTIVITY,
    STEP_LABELS,
    HealthInfo,
    RenewalStatus,
    Step,
    StepEvidence,
    assess,
    sort_key,
    step_from_task_title,
)

if TYPE_CHECKING:
    from cs_tui.db.health import HealthQueries

RENEWAL_PLAYBOOK_PATTERN = "renewal%"
"""Playbook runs whose id matches this (e.g. "renewal-prep") count as renewal preparation."""


class OutcomeRecorded(BaseModel):
    """What `record_renewal_outcome` wrote."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    renewal: Renewal
    """The renewal as decided."""
    next_renewal: Renewal | None
    """Next year's open renewal (renewed only)."""
    activity: Activity
    """The `renewal_outcome` entry in the account's activity log."""


def _iso(day: dt.date) -> str:
    return day.isoformat()


class RenewalQueries(BaseStore):
    """The renewals part of the Store."""

    # -- reading ------------------------------------------------------------------------------

    def renewal(self, renewal_id: int) -> Renewal | None:
        """One renewal by id, or None."""
        found = self.models(Renewal, "SELECT * FROM renewals WHERE id = ?", [renewal_id])
        return found[0] if found else None

    def renewal_queue(
        self,
        as_of: dt.date,
        within_days: int = 120,
        *,
        csm: str | None = None,
        health: Mapping[str, HealthInfo] | None = None,
    ) -> list[RenewalStatus]:
        """Open renewals due within `within_days` of `as_of`, overdue ones always included.

        Args:
            as_of: the date of the view.
            within_days: the horizon; renewals after `as_of + within_days` are left out.
            csm: only this CSM's book.
            health: account_id -> health; by default the latest health the Store knows.

        Returns:
            Statuses in queue order (most urgent window first, then date, larger ARR first).
        """
        end = as_of + dt.timedelta(days=within_days)
        book = " AND a.csm = ?" if csm else ""
        params: list[Any] = [_iso(end)] + ([csm] if csm else [])
        rows = self.query(
            "SELECT r.id, r.account_id, r.renewal_date, r.arr_due, r.outcome, "
            "a.name AS account_name, a.csm AS csm FROM renewals r "
            "JOIN accounts a ON a.account_id = r.account_id "
            f"WHERE r.outcome = 'open' AND r.renewal_date <= ?{book}",
            params,
        )
        if not rows:
            return []
        evidence = self._queue_evidence(as_of, end, csm)
        if health is None:
            health = self.renewal_health(as_of, csm=csm)
        statuses = []
        for row in rows:
            # Built without validation: the columns are typed by the schema and this runs
            # for every open renewal of the year (10k on a large portfolio).
            renewal = Renewal.model_construct(
                id=row["id"],
                account_id=row["account_id"],
                renewal_date=dt.date.fromisoformat(row["renewal_date"][:10]),
                arr_due=float(row["arr_due"] or 0.0),
                outcome="open",
            )
            statuses.append(
                assess(
                    renewal,
                    as_of,
                    evidence.get(row["id"], ()),
                    health.get(renewal.account_id),
                    account_name=row["account_name"],
                    csm=row["csm"],
                )
            )
        statuses.sort(key=sort_key)
        return statuses

    def _queue_evidence(
        self, as_of: dt.date, end: dt.date, csm: str | None
    ) -> dict[int, list[StepEvidence]]:
        """renewal id -> the first date each step was done in that renewal's window.

        Aggregated in SQL (one row per renewal and step) so that a long activity log costs
        index look-ups, not Python objects.
        """
        book = " AND a.csm = ?" if csm else ""
        kinds = list(STEP_ACTIVITY.values())
        since = f"date(r.renewal_date, '-{EVIDENCE_DAYS:d} days')"
        open_renewals = (
            "FROM renewals r JOIN accounts a ON a.account_id = r.account_id "
            "{join} WHERE r.outcome = 'open' AND r.renewal_date <= ?" + book
        )
        found: dict[int, list[StepEvidence]] = {}
        logged = self.query(
            "SELECT r.id, r.account_id, x.kind AS kind, min(x.date) AS done_on "
            + open_renewals.format(
                join="JOIN activities x ON x.account_id = r.account_id "
                f"AND x.kind IN ({', '.join('?' for _ in kinds)}) "
                f"AND x.date >= {since} AND x.date <= ?"
            )
            + " GROUP BY r.id, x.kind",
            [*kinds, _iso(as_of), _iso(end)] + ([csm] if csm else []),
        )
        for row in logged:
            found.setdefault(row["id"], []).append(
                StepEvidence(
                    account_id=row["account_id"],
                    step=ACTIVITY_STEP[row["kind"]],
                    done_on=dt.date.fromisoformat(row["done_on"][:10]),
                )
            )
        ticked = self.query(
            "SELECT r.id, r.account_id, t.title, min(t.done_on) AS done_on "
            + open_renewals.format(
                join="JOIN playbook_runs p ON p.account_id = r.account_id AND p.playbook LIKE ? "
                f"JOIN playbook_tasks t ON t.run_id = p.id AND t.done_on >= {since} "
                "AND t.done_on <= ?"
            )
            + " GROUP BY r.id, t.title",
            [RENEWAL_PLAYBOOK_PATTERN, _iso(as_of), _iso(end)] + ([csm] if csm else []),
        )
        for row in ticked:
            step = step_from_task_title(row["title"])
            if step is not None and step in LOGGABLE_STEPS:
                found.setdefault(row["id"], []).append(
                    StepEvidence(
                        account_id=row["account_id"],
                        step=step,
                        done_on=dt.date.fromisoformat(row["done_on"][:10]),
                        source="playbook",
                    )
                )
        return found

    def renewal_evidence(
        self, since: dt.date, until: dt.date, *, csm: str | None = None
    ) -> dict[str, list[StepEvidence]]:
        """Renewal steps done between two dates (both included), per account.

        Logged `renewal_conversation` / `renewal_proposal` / `renewal_contract` activities,
        and ticked tasks of renewal-preparation playbook runs whose title names a step.
        """
        kinds = list(STEP_ACTIVITY.values())
        book = " AND account_id IN (SELECT account_id FROM accounts WHERE csm = ?)" if csm else ""
        params: list[Any] = [*kinds, _iso(since), _iso(until)] + ([csm] if csm else [])
        found: dict[str, list[StepEvidence]] = {}
        for row in self.query(
            f"SELECT account_id, kind, date FROM activities WHERE kind IN "
            f"({', '.join('?' for _ in kinds)}) AND date >= ? AND date <= ?{book}",
            params,
        ):
            found.setdefault(row["account_id"], []).append(
                StepEvidence(
                    account_id=row["account_id"],
                    step=ACTIVITY_STEP[row["kind"]],
                    done_on=dt.date.fromisoformat(row["date"]),
                )
            )
        book = " AND r.account_id IN (SELECT account_id FROM accounts WHERE csm = ?)" if csm else ""
        params = [RENEWAL_PLAYBOOK_PATTERN, _iso(since), _iso(until)] + ([csm] if csm else [])
        for row in self.query(
            "SELECT r.account_id, t.title, t.done_on FROM playbook_tasks t "
            "JOIN playbook_runs r ON r.id = t.run_id "
            f"WHERE r.playbook LIKE ? AND t.done_on >= ? AND t.done_on <= ?{book}",
            params,
        ):
            step = step_from_task_title(row["title"])
            if step is not None and step in LOGGABLE_STEPS:
                found.setdefault(row["account_id"], []).append(
                    StepEvidence(
                        account_id=row["account_id"],
                        step=step,
                        done_on=dt.date.fromisoformat(row["done_on"]),
                        source="playbook",
                    )
                )
        return found

    def renewal_health(self, as_of: dt.date, *, csm: str | None = None) -> dict[str, HealthInfo]:
        """account_id -> score, band and 30-day change at the latest snapshot by `as_of`.

        Read through the health part of the Store (`HealthQueries.latest_health`); accounts
        without a snapshot are absent, so their band is unknown.
        """
        health = cast("HealthQueries", self)
        return {
            row.account_id: HealthInfo(score=row.score, band=row.band, change_30d=row.change_30d)
            for row in health.latest_health(as_of, csm=csm)
        }

    def decided_renewals(
        self, start: dt.date, end: dt.date | None = None, *, csm: str | None = None
    ) -> list[DecidedRenewal]:
        """Renewals with renewal_date in [start, end] (no end: any later date) and an outcome.

        This is DESIGN.md's "decided renewals" of a metrics window: outcome renewed or
        churned, `arr_renewed` 0 when churned. Ordered by renewal date, latest first.

        Args:
            start: first renewal date included.
            end: last renewal date included; None includes renewals decided ahead of a
                future date.
            csm: only this CSM's book.
        """
        sql = (
            "SELECT r.id AS renewal_id, r.account_id, a.name AS account_name, a.csm, "
            "r.renewal_date, r.outcome, r.arr_due, coalesce(r.arr_renewed, 0) AS arr_renewed, "
            "r.churn_reason FROM renewals r JOIN accounts a ON a.account_id = r.account_id "
            "WHERE r.outcome IN ('renewed', 'churned') AND r.renewal_date >= ?"
        )
        params: list[Any] = [_iso(start)]
        if end is not None:
            sql += " AND r.renewal_date <= ?"
            params.append(_iso(end))
        if csm:
            sql += " AND a.csm = ?"
            params.append(csm)
        sql += " ORDER BY r.renewal_date DESC, a.name"
        return self.models(DecidedRenewal, sql, params)

    def decided_renewals_past_year(
        self, as_of: dt.date, *, csm: str | None = None
    ) -> list[DecidedRenewal]:
        """Renewals decided with a renewal date in the 365 days ending at `as_of`."""
        start, end = past_year(as_of)
        return self.decided_renewals(start, end, csm=csm)

    # -- writing ------------------------------------------------------------------------------

    def log_renewal_step(
        self, account_id: str, step: Step, date: dt.date, author: str, text: str = ""
    ) -> Activity:
        """Log a renewal step (conversation, proposal, contract) as an activity.

        Raises:
            RenewalError: the step cannot be logged (execution is an outcome) or no such
                account.
        """
        if step not in LOGGABLE_STEPS:
            raise RenewalError({"step": f"{step!r} is recorded as the outcome, not logged"})
        if not self.query("SELECT 1 FROM accounts WHERE account_id = ?", [account_id]):
            raise RenewalError({"account_id": f"no account {account_id!r}"})
        text = text.strip() or STEP_LABELS[step].capitalize()
        kind = STEP_ACTIVITY[step]
        with self.transaction() as conn:
            new_id = self.insert_activity(conn, account_id, kind, date, author, text)
        return Activity(
            account_id=account_id, kind=kind, date=date, author=author, text=text, id=new_id
        )

    def record_renewal_outcome(
        self, renewal_id: int, outcome: Outcome, decided_on: dt.date, author: str
    ) -> OutcomeRecorded:
        """Decide an open renewal, all in one transaction.

        Renewed: the renewal gets `arr_renewed`; next year's open renewal is created with
        `arr_due` = the new ARR (or updated, when one already exists and is open); the
        account's renewal_date moves to it and its MRR becomes the new ARR / 12.
        Churned: `arr_renewed` 0 and the reason; the account becomes churned on the renewal
        date (when the contract ends). Either way a `renewal_outcome` activity is logged.

        Raises:
            RenewalError: no such renewal, already decided, or next year's renewal already
                decided.
        """
        with self.transaction() as conn:
            current = conn.execute("SELECT * FROM renewals WHERE id = ?", [renewal_id]).fetchone()
            if current is None:
                raise RenewalError({"renewal": f"no renewal with id {renewal_id}"})
            renewal = Renewal.model_validate(dict(current))
            if renewal.outcome != "open":
                raise RenewalError({"outcome": f"this renewal is already {renewal.outcome}"})
            next_renewal = None
            if isinstance(outcome, ChurnedOutcome):
                decided = renewal.model_copy(
                    update={
                        "outcome": "churned",
                        "arr_renewed": 0.0,
                        "churn_reason": outcome.churn_reason,
                    }
                )
                conn.execute(
                    "UPDATE accounts SET status = 'churned', churned_on = ? WHERE account_id = ?",
                    [_iso(renewal.renewal_date), renewal.account_id],
                )
            else:
                decided = renewal.model_copy(
                    update={"outcome": "renewed", "arr_renewed": outcome.arr_renewed}
                )
                next_renewal = self._open_next(conn, decided, outcome.arr_renewed)
                conn.execute(
                    "UPDATE accounts SET renewal_date = ?, mrr = ? WHERE account_id = ?",
                    [
                        _iso(next_renewal.renewal_date),
                        round(outcome.arr_renewed / 12, 2),
                        renewal.account_id,
                    ],
                )
            conn.execute(
                "UPDATE renewals SET outcome = ?, arr_renewed = ?, churn_reason = ? WHERE id = ?",
                [decided.outcome, decided.arr_renewed, decided.churn_reason, renewal_id],
            )
            text = outcome_text(renewal.arr_due, outcome)
            new_id = self.insert_activity(
                conn, renewal.account_id, "renewal_outcome", decided_on, author, text
            )
            activity = Activity(
                account_id=renewal.account_id,
                kind="renewal_outcome",
                date=decided_on,
                author=author,
                text=text,
                id=new_id,
            )
        return OutcomeRecorded(renewal=decided, next_renewal=next_renewal, activity=activity)

    def _open_next(self, conn: sqlite3.Connection, renewal: Renewal, arr: float) -> Renewal:
        """Create (or refresh, if already there and open) next year's open renewal."""
        when = next_renewal_date(renewal.renewal_date)
        existing = conn.execute(
            "SELECT * FROM renewals WHERE account_id = ? AND renewal_date = ?",
            [renewal.account_id, _iso(when)],
        ).fetchone()
        if existing is not None:
            if existing["outcome"] != "open":
                raise RenewalError(
                    {"renewal": f"next year's renewal ({when}) is already {existing['outcome']}"}
                )
            conn.execute("UPDATE renewals SET arr_due = ? WHERE id = ?", [arr, existing["id"]])
            renewal_id = existing["id"]
        else:
            cur = conn.execute(
                "INSERT INTO renewals (account_id, renewal_date, arr_due, outcome) "
                "VALUES (?, ?, ?, 'open')",
                [renewal.account_id, _iso(when), arr],
            )
            renewal_id = cur.lastrowid
        return Renewal(account_id=renewal.account_id, renewal_date=when, arr_due=arr, id=renewal_id)
