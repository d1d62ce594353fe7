"""Playbook runs and tasks: portfolio facts for the triggers, starting, ticking, closing runs.

`evaluate_playbooks(store, as_of)` is the entry point the app runs in a worker at start-up
and after imports or changes; `cs-tui playbooks --evaluate` runs it from the command line.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from cs_tui.db.core import BaseStore
from cs_tui.domain.models import PlaybookRun, PlaybookTask
from cs_tui.domain.playbooks import (
    HEALTH_CATEGORIES,
    AccountFacts,
    Playbook,
    PlaybookStateError,
    PlaybookTemplate,
    RunHistory,
    RunProgress,
    RunStart,
    TodayTask,
    evaluate,
    manual_start,
    nps_category,
    windows,
)

DAY = dt.timedelta(days=1)


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value[:10]) if value else None


class PlaybookQueries(BaseStore):
    """The playbooks part of the Store."""

    # -- facts --------------------------------------------------------------------------------

    def playbook_facts(
        self,
        as_of: dt.date,
        *,
        ticket_windows: Iterable[int] = (30,),
        change_windows: Iterable[int] = (30,),
    ) -> list[AccountFacts]:
        """What the triggers see of every account active at `as_of`, by SQL aggregation.

        Args:
            as_of: the evaluation date.
            ticket_windows: the N of every "tickets in N days" the rules use.
            change_windows: the N of every "change over N days" the rules use.

        Returns:
            One record per active account, ordered by account_id. Health facts are unknown
            (None) when the store cannot tell them.
        """
        day = as_of.isoformat()
        next_day = (as_of + DAY).isoformat()
        accounts = self.query(
            "SELECT account_id, segment, edition, csm, start_date, renewal_date FROM accounts "
            "WHERE start_date <= ? AND (churned_on IS NULL OR churned_on = '' OR churned_on > ?) "
            "ORDER BY account_id",
            [day, day],
        )
        renewals: dict[str, str] = {
            r[0]: r[1]
            for r in self.query(
                "SELECT account_id, min(renewal_date) FROM renewals WHERE outcome = 'open' "
                "GROUP BY account_id"
            )
        }
        tickets: dict[int, dict[str, int]] = {}
        for days in sorted(set(ticket_windows)):
            since = (as_of - dt.timedelta(days=days - 1)).isoformat()
            tickets[days] = {
                r[0]: r[1]
                for r in self.query(
                    "SELECT account_id, count(*) FROM tickets "
                    "WHERE opened_at >= ? AND opened_at < ? GROUP BY account_id",
                    [since, next_day],
                )
            }
        # SQLite takes the bare column `score` from the row holding max(submitted_at).
        nps = {
            r[0]: r[1]
            for r in self.query(
                "SELECT account_id, score, max(submitted_at) FROM surveys "
                "WHERE kind = 'nps' AND submitted_at < ? GROUP BY account_id",
                [next_day],
            )
        }
        health = self._health_by_account(as_of, set(change_windows))
        facts = []
        for row in accounts:
            account_id = row["account_id"]
            renewal = _date(renewals.get(account_id) or row["renewal_date"])
            h = health.get(account_id, {})
            score = nps.get(account_id)
            facts.append(
                AccountFacts(
                    account_id=account_id,
                    segment=row["segment"],
                    edition=row["edition"],
                    csm=row["csm"] or "",
                    age_days=(as_of - dt.date.fromisoformat(row["start_date"][:10])).days,
                    days_to_renewal=None if renewal is None else (renewal - as_of).days,
                    renewal_date=renewal,
                    band=h.get("band"),
                    score=h.get("score"),
                    nps=None if score is None else nps_category(score),
                    tickets={d: counts.get(account_id, 0) for d, counts in tickets.items()},
                    change=h.get("change", {}),
                    categories=h.get("categories", {}),
                )
            )
        return facts

    def _health_by_account(
        self, as_of: dt.date, change_windows: set[int]
    ) -> dict[str, dict[str, Any]]:
        """Band, score, categories and score changes per account, from the latest health
        snapshot on or before `as_of` (what `recompute_health` writes; see `db/health.py`).

        An account without a snapshot has unknown health: rules on health do not fire for
        it. Changes over windows other than 30 days compare with older weekly snapshots.
        """
        day = as_of.isoformat()
        rows = self.query(
            "SELECT account_id, score, band, change_30d, engagement, product, relationship, "
            "business FROM health_snapshots WHERE week = "
            "(SELECT max(week) FROM health_snapshots WHERE week <= ?)",
            [day],
        )
        health: dict[str, dict[str, Any]] = {}
        for account_id, score, band, c30, *categories in rows:
            health[account_id] = {
                "band": band,
                "score": score,
                "categories": {
                    name: value
                    for name, value in zip(HEALTH_CATEGORIES, categories, strict=True)
                    if value is not None
                },
                "change": {} if c30 is None else {30: c30},
            }
        for days in change_windows - {30}:
            then = (as_of - dt.timedelta(days=days)).isoformat()
            for account_id, past, _week in self.query(
                "SELECT account_id, score, max(week) FROM health_snapshots "
                "WHERE week <= ? GROUP BY account_id",
                [then],
            ):
                h = health.get(account_id)
                if h is not None and h["score"] is not None and past is not None:
                    h["change"][days] = h["score"] - past
        return health

    def playbook_history(self, as_of: dt.date) -> dict[tuple[str, str], RunHistory]:
        """(account_id, playbook) -> whether a run is open and when the last one started."""
        rows = self.query(
            "SELECT account_id, playbook, max(status = 'open'), "
            "max(CASE WHEN started_on <= ? THEN started_on END) "
            "FROM playbook_runs GROUP BY account_id, playbook",
            [as_of.isoformat()],
        )
        return {(r[0], r[1]): RunHistory(open=bool(r[2]), last_started=_date(r[3])) for r in rows}

    # -- starting runs ------------------------------------------------------------------------

    def _insert_runs(self, conn: sqlite3.Connection, starts: Sequence[RunStart]) -> list[int]:
        ids: list[int] = []
        tasks: list[tuple[int, int, str, str, str]] = []
        for start in starts:
            cur = conn.execute(
                "INSERT INTO playbook_runs (account_id, playbook, started_on, reason, status) "
                "VALUES (?, ?, ?, ?, 'open')",
                [start.account_id, start.playbook, start.started_on.isoformat(), start.reason],
            )
            run_id = int(cur.lastrowid or 0)
            ids.append(run_id)
            tasks.extend(
                (run_id, t.step, t.title, t.owner_role, t.due_on.isoformat()) for t in start.tasks
            )
        conn.executemany(
            "INSERT INTO playbook_tasks (run_id, step, title, owner_role, due_on) "
            "VALUES (?, ?, ?, ?, ?)",
            tasks,
        )
        return ids

    def start_triggered(
        self,
        template: PlaybookTemplate,
        facts: Sequence[AccountFacts],
        as_of: dt.date,
    ) -> list[RunStart]:
        """Evaluate the triggers over `facts` and store the runs they start, in one transaction.

        The history is read inside the write transaction, so two evaluations at once
        cannot start the same run twice.

        Returns:
            The runs started.
        """
        with self.transaction() as conn:
            starts = evaluate(template, facts, self.playbook_history(as_of), as_of)
            self._insert_runs(conn, starts)
        return starts

    def start_playbook(
        self, account_id: str, playbook: Playbook, as_of: dt.date, reason: str, by: str
    ) -> int:
        """Start `playbook` for an account by hand, with who and why (stored at once).

        Returns:
            The new run's id.

        Raises:
            PlaybookStateError: no reason, no such account, or a run of it is already open.
        """
        try:
            renewal = self._next_renewal(account_id)
            start = manual_start(playbook, account_id, as_of, reason, by, renewal)
        except ValueError as exc:
            raise PlaybookStateError(str(exc)) from None
        with self.transaction() as conn:
            if conn.execute(
                "SELECT 1 FROM playbook_runs WHERE account_id = ? AND playbook = ? "
                "AND status = 'open'",
                [account_id, playbook.id],
            ).fetchone():
                raise PlaybookStateError(f"{playbook.name} is already running for this account")
            [run_id] = self._insert_runs(conn, [start])
            self.insert_activity(
                conn,
                account_id,
                "playbook",
                as_of,
                by,
                f"Started {playbook.name}: {reason.strip()}",
            )
        return run_id

    def _next_renewal(self, account_id: str) -> dt.date | None:
        row = self.conn.execute(
            "SELECT coalesce((SELECT min(renewal_date) FROM renewals "
            "WHERE account_id = a.account_id AND outcome = 'open'), a.renewal_date) "
            "FROM accounts a WHERE account_id = ?",
            [account_id],
        ).fetchone()
        if row is None:
            raise ValueError(f"no account {account_id!r}")
        return _date(row[0])

    # -- ticking, closing, cancelling ---------------------------------------------------------

    def tick_task(self, task_id: int, as_of: dt.date, by: str) -> str:
        """Mark a task done (stored at once); the run closes when it was the last one open.

        Returns:
            The run's status afterwards: "open" or "done".

        Raises:
            PlaybookStateError: no such task, or its run was cancelled.
        """
        with self.transaction() as conn:
            run_id, status = self._task_run(conn, task_id)
            conn.execute(
                "UPDATE playbook_tasks SET done_on = ?, done_by = ? "
                "WHERE id = ? AND done_on IS NULL",
                [as_of.isoformat(), by, task_id],
            )
            left = conn.execute(
                "SELECT count(*) FROM playbook_tasks WHERE run_id = ? AND done_on IS NULL",
                [run_id],
            ).fetchone()[0]
            if left == 0 and status == "open":
                conn.execute(
                    "UPDATE playbook_runs SET status = 'done', closed_on = ? WHERE id = ?",
                    [as_of.isoformat(), run_id],
                )
                return "done"
        return status

    def untick_task(self, task_id: int) -> str:
        """Mark a task not done again; a run it had closed opens again.

        Returns:
            The run's status afterwards.

        Raises:
            PlaybookStateError: no such task, or its run was cancelled.
        """
        with self.transaction() as conn:
            run_id, status = self._task_run(conn, task_id)
            conn.execute(
                "UPDATE playbook_tasks SET done_on = NULL, done_by = NULL WHERE id = ?", [task_id]
            )
            if status == "done":
                conn.execute(
                    "UPDATE playbook_runs SET status = 'open', closed_on = NULL WHERE id = ?",
                    [run_id],
                )
        return "open"

    def _task_run(self, conn: sqlite3.Connection, task_id: int) -> tuple[int, str]:
        row = conn.execute(
            "SELECT r.id, r.status FROM playbook_tasks t JOIN playbook_runs r ON r.id = t.run_id "
            "WHERE t.id = ?",
            [task_id],
        ).fetchone()
        if row is None:
            raise PlaybookStateError(f"no task {task_id}")
        if row[1] == "cancelled":
            raise PlaybookStateError("this run was cancelled: its tasks cannot change")
        return int(row[0]), str(row[1])

    def cancel_run(self, run_id: int, as_of: dt.date, reason: str, by: str) -> None:
        """Cancel an open run with a reason (kept in the account's history).

        Raises:
            PlaybookStateError: no reason, no such run, or the run is not open.
        """
        reason = reason.strip()
        if not reason:
            raise PlaybookStateError("a reason is needed to cancel a run")
        with self.transaction() as conn:
            row = conn.execute(
                "SELECT account_id, playbook, status FROM playbook_runs WHERE id = ?", [run_id]
            ).fetchone()
            if row is None:
                raise PlaybookStateError(f"no run {run_id}")
            if row["status"] != "open":
                raise PlaybookStateError(f"this run is {row['status']}, not open")
            conn.execute(
                "UPDATE playbook_runs SET status = 'cancelled', closed_on = ?, cancel_reason = ? "
                "WHERE id = ?",
                [as_of.isoformat(), reason, run_id],
            )
            self.insert_activity(
                conn,
                row["account_id"],
                "playbook",
                as_of,
                by,
                f"Cancelled {row['playbook']}: {reason}",
            )

    # -- reading ------------------------------------------------------------------------------

    def playbook_run(self, run_id: int) -> PlaybookRun | None:
        """One run, or None."""
        found = self.models(PlaybookRun, "SELECT * FROM playbook_runs WHERE id = ?", [run_id])
        return found[0] if found else None

    def playbook_runs(
        self, *, account_id: str | None = None, status: str | None = None
    ) -> list[PlaybookRun]:
        """Runs, newest first, optionally of one account and/or in one status."""
        where, params = [], []
        if account_id is not None:
            where.append("account_id = ?")
            params.append(account_id)
        if status is not None:
            where.append("status = ?")
            params.append(status)
        sql = "SELECT * FROM playbook_runs"
        if where:
            sql += " WHERE " + " AND ".join(where)
        return self.models(PlaybookRun, sql + " ORDER BY started_on DESC, id DESC", params)

    def playbook_tasks(self, run_ids: Iterable[int]) -> dict[int, list[PlaybookTask]]:
        """The tasks of some runs, by run id, in step order."""
        ids = list(run_ids)
        out: dict[int, list[PlaybookTask]] = {i: [] for i in ids}
        for chunk in range(0, len(ids), 500):
            part = ids[chunk : chunk + 500]
            for task in self.models(
                PlaybookTask,
                f"SELECT * FROM playbook_tasks WHERE run_id IN ({','.join('?' * len(part))}) "
                "ORDER BY run_id, step",
                part,
            ):
                out[task.run_id].append(task)
        return out

    def account_playbooks(self, account_id: str) -> list[tuple[PlaybookRun, list[PlaybookTask]]]:
        """An account's runs (open first, then newest) with their checklists."""
        runs = sorted(self.playbook_runs(account_id=account_id), key=lambda r: r.status != "open")
        tasks = self.playbook_tasks(r.id for r in runs if r.id is not None)
        return [(run, tasks.get(run.id or 0, [])) for run in runs]

    def today_tasks(
        self,
        as_of: dt.date,
        *,
        csm: str | None = None,
        owner_role: str | None = None,
        days_ahead: int = 7,
    ) -> list[TodayTask]:
        """Open tasks overdue, due today and due within `days_ahead` days, earliest first.

        Tasks ticked on `as_of` stay in the list (shown done), so a tick can be seen and undone.

        Args:
            as_of: today.
            csm: only accounts of this CSM.
            owner_role: only tasks for this role (csm, onboarding, manager, executive).
            days_ahead: how far "this week" reaches (due before as_of + days_ahead).
        """
        sql = (
            "SELECT t.id, t.run_id, t.step, t.title, t.owner_role, t.due_on, t.done_on, "
            "r.account_id, a.name, a.csm, r.playbook, r.reason "
            "FROM playbook_tasks t JOIN playbook_runs r ON r.id = t.run_id "
            "JOIN accounts a ON a.account_id = r.account_id "
            "WHERE t.due_on < ? AND ("
            "  (t.done_on IS NULL AND r.status = 'open')"
            "  OR (t.done_on = ? AND r.status != 'cancelled'))"
        )
        params: list[Any] = [(as_of + dt.timedelta(days=days_ahead)).isoformat(), as_of.isoformat()]
        if csm:
            sql += " AND a.csm = ?"
            params.append(csm)
        if owner_role:
            sql += " AND t.owner_role = ?"
            params.append(owner_role)
        sql += " ORDER BY t.due_on, a.name, r.id, t.step"
        return [
            TodayTask(
                task_id=r[0],
                run_id=r[1],
                step=r[2],
                title=r[3],
                owner_role=r[4],
                due_on=dt.date.fromisoformat(r[5]),
                done_on=_date(r[6]),
                account_id=r[7],
                account_name=r[8],
                csm=r[9] or "",
                playbook=r[10],
                reason=r[11] or "",
            )
            for r in self.query(sql, params)
        ]

    def open_runs(
        self, *, playbook: str | None = None, csm: str | None = None
    ) -> list[RunProgress]:
        """Open runs with done / total tasks and the next due date, earliest due first."""
        sql = (
            "SELECT r.id, r.account_id, a.name, a.csm, r.playbook, r.reason, r.started_on, "
            "count(t.done_on), count(t.id), min(CASE WHEN t.done_on IS NULL THEN t.due_on END) "
            "FROM playbook_runs r JOIN accounts a ON a.account_id = r.account_id "
            "LEFT JOIN playbook_tasks t ON t.run_id = r.id WHERE r.status = 'open'"
        )
        params: list[Any] = []
        if playbook:
            sql += " AND r.playbook = ?"
            params.append(playbook)
        if csm:
            sql += " AND a.csm = ?"
            params.append(csm)
        sql += " GROUP BY r.id ORDER BY 10, a.name, r.id"
        return [
            RunProgress(
                run_id=r[0],
                account_id=r[1],
                account_name=r[2],
                csm=r[3] or "",
                playbook=r[4],
                reason=r[5] or "",
                started_on=dt.date.fromisoformat(r[6]),
                done=r[7],
                total=r[8],
                next_due=_date(r[9]),
            )
            for r in self.query(sql, params)
        ]


@dataclass(frozen=True)
class Evaluation:
    """What one evaluation did: how many accounts it looked at and the runs it started."""

    accounts: int
    started: list[RunStart]


def load_playbooks() -> PlaybookTemplate:
    """The playbooks template (the user's copy in the config dir, else the built-in one).

    Raises:
        ConfigError: the file is not valid, with the problem named.
    """
    from cs_tui.config import load_template

    return load_template("playbooks.toml", PlaybookTemplate)


def evaluate_playbooks(
    store: PlaybookQueries, as_of: dt.date, template: PlaybookTemplate | None = None
) -> Evaluation:
    """Run every trigger over the portfolio at `as_of` and store the runs they start.

    Args:
        store: the Store.
        as_of: the evaluation date; new runs start on it.
        template: the playbooks; by default the user's or built-in template.

    Returns:
        How many accounts were evaluated and the runs started.
    """
    template = template or load_playbooks()
    ticket_windows, change_windows = windows(template)
    facts = store.playbook_facts(
        as_of, ticket_windows=ticket_windows or {30}, change_windows=change_windows or {30}
    )
    started = store.start_triggered(template, facts, as_of)
    return Evaluation(accounts=len(facts), started=started)


def task_state(due_on: dt.date, done_on: dt.date | None, as_of: dt.date) -> str:
    """A task's state at `as_of`: done, overdue, due today or open."""
    if done_on is not None:
        return "done"
    if due_on < as_of:
        return "overdue"
    return "due today" if due_on == as_of else "open"


def open_run_report(
    store: PlaybookQueries, as_of: dt.date, template: PlaybookTemplate | None = None
) -> list[dict[str, Any]]:
    """Every open run with its account, playbook, reason and tasks, as plain data (for the CLI).

    Returns:
        One dict per run (earliest next due first): run_id, account_id, account_name,
        playbook, playbook_name, started_on, reason, and tasks (step, title, owner_role,
        due_on, done_on, state).
    """
    names = template.names() if template is not None else {}
    runs = store.open_runs()
    tasks = store.playbook_tasks(r.run_id for r in runs)
    return [
        {
            "run_id": run.run_id,
            "account_id": run.account_id,
            "account_name": run.account_name,
            "playbook": run.playbook,
            "playbook_name": names.get(run.playbook, run.playbook),
            "started_on": run.started_on.isoformat(),
            "reason": run.reason,
            "tasks": [
                {
                    "step": t.step,
                    "title": t.title,
                    "owner_role": t.owner_role,
                    "due_on": t.due_on.isoformat(),
                    "done_on": t.done_on.isoformat() if t.done_on else None,
                    "state": task_state(t.due_on, t.done_on, as_of),
                }
                for t in tasks.get(run.run_id, [])
            ],
        }
        for run in runs
    ]
