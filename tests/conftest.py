"""Shared fixtures: isolated paths, a fixed as-of date, an empty store and the demo portfolio."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from cs_tui.db.accounts import ACCOUNT_COLUMNS
from cs_tui.db.store import Store

AS_OF = dt.date(2026, 10, 1)
"""Every test computes at this date, so figures and snapshots never drift."""

DEMO_ACCOUNTS = 400
DEMO_SEED = 42


@pytest.fixture(autouse=True)
def isolated_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point config, data and database paths at tmp_path: a developer's files never leak in."""
    home = tmp_path / "home"
    monkeypatch.setenv("CS_TUI_CONFIG", str(home / "config"))
    monkeypatch.setenv("CS_TUI_DATA", str(home / "data"))
    monkeypatch.setenv("CS_TUI_DB", str(home / "data" / "cs.db"))
    monkeypatch.setenv("CS_TUI_DEMO_DB", str(home / "data" / "demo.db"))
    return home


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """An empty, migrated store in a temporary file."""
    s = Store.open(tmp_path / "empty.db", create=True)
    yield s
    s.close()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The deterministic demo portfolio, generated once per test process."""
    from cs_tui.db.demo import build

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    s = Store.open(path, create=True)
    # As `cs-tui demo` does: the tables, then health history and playbook runs.
    build(s, accounts=DEMO_ACCOUNTS, seed=DEMO_SEED, as_of=AS_OF, stale_days=90)
    s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    s.close()
    return path


@pytest.fixture
def demo_path(demo_template: Path, tmp_path: Path) -> Path:
    """A private copy of the demo portfolio that a test may change."""
    path = tmp_path / "demo.db"
    shutil.copyfile(demo_template, path)
    return path


@pytest.fixture
def demo_store(demo_path: Path) -> Iterator[Store]:
    """The demo portfolio, opened."""
    s = Store.open(demo_path)
    yield s
    s.close()


def add_accounts(store: Store, rows: list[tuple[str, str, str, str, str]]) -> None:
    """Insert (account_id, name, segment, edition, csm) accounts with plain defaults."""
    store.insert_many(
        "accounts",
        ACCOUNT_COLUMNS,
        [(*r, "2025-11-01", "2026-11-01", 1000.0, 20, "active", None) for r in rows],
    )
