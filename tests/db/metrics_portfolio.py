"""A small hand-built portfolio in a store, shared by the metrics db and CLI tests."""

from __future__ import annotations

from cs_tui.db.accounts import ACCOUNT_COLUMNS
from cs_tui.db.store import Store

ACCOUNTS = [
    # account_id, name, segment, edition, csm, start, renewal, mrr, users, status, churned_on
    (
        "A1",
        "Acme",
        "enterprise",
        "enterprise",
        "ann",
        "2023-01-01",
        "2025-06-01",
        1000,
        50,
        "active",
        None,
    ),
    (
        "A2",
        "Bolt",
        "mid-market",
        "professional",
        "bob",
        "2023-06-01",
        None,
        500,
        10,
        "churned",
        "2024-03-15",
    ),
    ("A3", "Cora", "smb", "professional", "ann", "2024-05-01", None, 100, 3, "active", None),
]


def fill(store: Store) -> Store:
    """Write the portfolio into `store` (empty and migrated) and return it."""
    store.insert_many(
        "accounts",
        ACCOUNT_COLUMNS,
        ACCOUNTS,
    )
    store.insert_many(
        "renewals",
        ["account_id", "renewal_date", "arr_due", "outcome", "arr_renewed"],
        [
            ("A1", "2024-06-01", 12000, "renewed", 15000),
            ("A2", "2024-03-01", 6000, "churned", 0),
            ("A1", "2023-06-01", 10000, "renewed", 12000),  # before the window
            ("A3", "2024-12-31", 1200, "open", None),  # open: not decided
            ("A1", "2025-06-01", 15000, "open", None),
        ],
    )
    store.insert_many(
        "surveys",
        ["response_id", "account_id", "kind", "score", "submitted_at", "comment"],
        [
            ("n1", "A1", "nps", 10, "2024-01-01", ""),  # on `from`
            ("n2", "A2", "nps", 5, "2024-12-31T17:00:00", ""),  # a timestamp on `to`
            ("n3", "A1", "nps", 9, "2023-12-31", ""),  # before
            ("c1", "A3", "csat", 4, "2024-07-01", ""),
            ("c2", "A3", "csat", 2, "2025-01-01", ""),  # after
        ],
    )
    store.insert_many(
        "tickets",
        ["ticket_id", "account_id", "opened_at", "closed_at", "priority"],
        [
            ("t1", "A1", "2023-12-20", "2024-01-05", "high"),  # closed in the window
            ("t2", "A1", "2024-03-01", "2024-03-04", "low"),
            ("t3", "A3", "2024-12-01", None, "normal"),  # open
            ("t4", "A2", "2023-01-01", "2023-02-01", "low"),  # closed before
        ],
    )
    store.insert_many(
        "contacts",
        ["account_id", "name", "email", "role", "advocate"],
        [
            ("A1", "Ann", "ann@acme.test", "champion", 1),
            ("A1", "Ben", "ben@acme.test", "buyer", 0),
            ("A3", "Cy", "cy@cora.test", "user", 0),
        ],
    )
    weeks = [
        # account, week, score, engagement, product, relationship, business
        ("A1", "2024-02-26", 50, 40, 60, 50, 60),  # the latest on or before 2024-03-03
        ("A1", "2024-03-04", 90, 90, 90, 90, 90),  # after 90 days before 2024-06-01
        ("A1", "2024-12-23", 88, 90, 85, 88, 90),
        ("A1", "2025-01-06", 20, 20, 20, 20, 20),  # after `to`
        ("A2", "2023-11-27", 45, 30, 50, 60, 50),  # 95 days before 2024-03-01
        ("A3", "2024-12-30", 70, 70, 70, 70, 70),
    ]
    store.insert_many(
        "health_snapshots",
        ["account_id", "week", "score", "engagement", "product", "relationship", "business"],
        weeks,
    )
    return store
