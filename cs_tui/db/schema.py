"""The schema: ordered migrations, and the version check that runs before anything else.

`PRAGMA user_version` holds how many migrations a database has had. Opening a database
reads it with plain sqlite3 (cheap); only when migrations are pending is sqlite-utils
imported, because it pulls in pandas and costs most of a second.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database

Migration = Callable[["Database"], None]
MIGRATIONS: list[Migration] = []


def migration(fn: Migration) -> Migration:
    """Register `fn` as the next migration, in definition order."""
    MIGRATIONS.append(fn)
    return fn


@migration
def m001_initial(db: Database) -> None:
    """Every table of the first release."""
    db["settings"].create({"key": str, "value": str}, pk="key")
    db["staff"].create({"name": str, "role": str, "email": str}, pk="name", not_null={"role"})
    db["accounts"].create(
        {
            "account_id": str,
            "name": str,
            "segment": str,
            "edition": str,
            "csm": str,
            "start_date": str,
            "renewal_date": str,
            "mrr": float,
            "licensed_users": int,
            "status": str,
            "churned_on": str,
        },
        pk="account_id",
        not_null={"name", "segment", "edition", "csm", "start_date", "mrr", "status"},
    )
    db["contacts"].create(
        {
            "account_id": str,
            "name": str,
            "email": str,
            "role": str,
            "advocate": int,
        },
        pk=("account_id", "email"),
        foreign_keys=[("account_id", "accounts", "account_id")],
    )
    db["usage"].create(
        {
            "account_id": str,
            "date": str,
            "active_users": int,
            "logins": int,
            "session_minutes": float,
            "features_used": int,
            "workflows_completed": int,
            "integrations_active": int,
        },
        pk=("account_id", "date"),
        foreign_keys=[("account_id", "accounts", "account_id")],
    )
    db["tickets"].create(
        {
            "ticket_id": str,
            "account_id": str,
            "opened_at": str,
            "closed_at": str,
            "priority": str,
        },
        pk="ticket_id",
        foreign_keys=[("account_id", "accounts", "account_id")],
    )
    db["surveys"].create(
        {
            "response_id": str,
            "account_id": str,
            "kind": str,
            "score": int,
            "submitted_at": str,
            "comment": str,
        },
        pk="response_id",
        foreign_keys=[("account_id", "accounts", "account_id")],
    )
    db["renewals"].create(
        {
            "id": int,
            "account_id": str,
            "renewal_date": str,
            "arr_due": float,
            "outcome": str,
            "arr_renewed": float,
            "churn_reason": str,
        },
        pk="id",
        foreign_keys=[("account_id", "accounts", "account_id")],
    )
    db["milestones"].create(
        {"account_id": str, "milestone_id": str, "done_on": str, "done_by": str},
        pk=("account_id", "milestone_id"),
        foreign_keys=[("account_id", "accounts", "account_id")],
    )
    db["barriers"].create(
        {
            "id": int,
            "account_id": str,
            "stage": str,
            "kind": str,
            "text": str,
            "opened_on": str,
            "resolved_on": str,
            "created_by": str,
        },
        pk="id",
        foreign_keys=[("account_id", "accounts", "account_id")],
    )
    db["activities"].create(
        {"id": int, "account_id": str, "kind": str, "date": str, "author": str, "text": str},
        pk="id",
        foreign_keys=[("account_id", "accounts", "account_id")],
    )
    db["manual_measures"].create(
        {
            "account_id": str,
            "measure": str,
            "value": float,
            "set_by": str,
            "set_on": str,
            "reason": str,
        },
        pk=("account_id", "measure"),
        foreign_keys=[("account_id", "accounts", "account_id")],
    )
    db["health_snapshots"].create(
        {
            "account_id": str,
            "week": str,
            "score": float,
            "engagement": float,
            "product": float,
            "relationship": float,
            "business": float,
        },
        pk=("account_id", "week"),
        foreign_keys=[("account_id", "accounts", "account_id")],
    )
    db["playbook_runs"].create(
        {
            "id": int,
            "account_id": str,
            "playbook": str,
            "started_on": str,
            "reason": str,
            "status": str,
            "closed_on": str,
            "cancel_reason": str,
        },
        pk="id",
        foreign_keys=[("account_id", "accounts", "account_id")],
    )
    db["playbook_tasks"].create(
        {
            "id": int,
            "run_id": int,
            "step": int,
            "title": str,
            "owner_role": str,
            "due_on": str,
            "done_on": str,
            "done_by": str,
        },
        pk="id",
        foreign_keys=[("run_id", "playbook_runs", "id")],
    )
    db["renewals"].create_index(["account_id", "renewal_date"], unique=True)
    db["renewals"].create_index(["renewal_date"])
    db["accounts"].create_index(["csm"])
    db["tickets"].create_index(["account_id", "opened_at"])
    db["surveys"].create_index(["account_id", "submitted_at"])
    db["surveys"].create_index(["submitted_at"])
    db["usage"].create_index(["date"])
    db["barriers"].create_index(["account_id"])
    db["activities"].create_index(["account_id", "date"])
    db["health_snapshots"].create_index(["week"])
    db["playbook_runs"].create_index(["account_id", "playbook"])
    db["playbook_tasks"].create_index(["run_id"])
    db["playbook_tasks"].create_index(["due_on"])


@migration
def m002_health_snapshot_band_change(db: Database) -> None:
    """Health snapshots keep their band, 30-day change and whether no usage capped them."""
    table = db["health_snapshots"]
    table.add_column("band", str)  # type: ignore[union-attr]
    table.add_column("change_30d", float)  # type: ignore[union-attr]
    table.add_column("no_usage", int, not_null_default=0)  # type: ignore[union-attr]


# Keep this below the last migration: it counts them.
USAGE_VALUES = (
    "active_users",
    "logins",
    "session_minutes",
    "features_used",
    "workflows_completed",
    "integrations_active",
)
"""The usage table's figures, in table order (after account_id and date)."""

SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(conn: sqlite3.Connection) -> int:
    """The number of migrations this database has had."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection) -> int:
    """Apply every pending migration to `conn`, each in its own transaction.

    Returns:
        How many migrations were applied.
    """
    from sqlite_utils import Database

    current = schema_version(conn)
    pending = MIGRATIONS[current:]
    db = Database(conn)
    for offset, fn in enumerate(pending, start=current + 1):
        with db.atomic():
            fn(db)
            conn.execute(f"PRAGMA user_version = {offset:d}")
    return len(pending)
