"""The Store: creating, refusing bad files, migrating, and the basic reads and writes."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from cs_tui.db import schema
from cs_tui.db.store import Store, StoreError
from tests.conftest import add_accounts


def test_a_new_database_is_private_and_fully_migrated(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "cs.db"
    s = Store.open(path, create=True)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert s.schema_version == schema.SCHEMA_VERSION
    assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert s.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    s.close()


def test_a_file_that_is_not_sqlite_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a database\n")
    with pytest.raises(StoreError, match="is not a SQLite database"):
        Store.open(path)
    assert path.read_text() == "not a database\n"


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer than this cs-tui"):
        Store.open(path)


def test_a_missing_file_is_not_created_unless_asked(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no database at"):
        Store.open(tmp_path / "missing.db")
    assert not (tmp_path / "missing.db").exists()


def _deny_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every path unwritable as far as the Store can tell (tests run as root in CI)."""
    real_access = os.access
    monkeypatch.setattr(
        "cs_tui.db.core.os.access",
        lambda path, mode: False if mode & os.W_OK else real_access(path, mode),
    )


def test_an_unwritable_directory_gives_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    _deny_writes(monkeypatch)
    with pytest.raises(StoreError, match=f"cannot write in {folder}"):
        Store.open(folder / "cs.db", create=True)
    assert list(folder.iterdir()) == []


def test_an_earlier_schema_is_backed_up_and_migrated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.db"
    s = Store.open(path, create=True)
    add_accounts(s, [("A1", "Acme", "smb", "professional", "Ana")])
    s.close()

    def m002_add_tier(db: object) -> None:
        db["accounts"].add_column("tier", str)  # type: ignore[index]

    before = schema.SCHEMA_VERSION
    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, m002_add_tier])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", len(schema.MIGRATIONS))
    s = Store.open(path)
    assert s.schema_version == len(schema.MIGRATIONS)
    columns = {r[1] for r in s.query("PRAGMA table_info(accounts)")}
    assert "tier" in columns
    assert [a.name for a in s.accounts()] == ["Acme"]
    backup = path.with_name(f"old.db.v{before}.bak")
    assert backup.exists()
    old = sqlite3.connect(backup)
    assert old.execute("PRAGMA user_version").fetchone()[0] == before
    assert old.execute("SELECT name FROM accounts").fetchall() == [("Acme",)]
    old.close()
    s.close()


def test_a_read_only_file_opens_read_only_and_refuses_writes(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_accounts(store, [("A1", "Acme", "smb", "professional", "Ana")])
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    _deny_writes(monkeypatch)
    ro = Store.open(store.path)
    assert ro.readonly
    assert [a.account_id for a in ro.accounts()] == ["A1"]
    with pytest.raises(StoreError, match="read-only"):
        ro.add_activity("A1", "note", dt.date(2026, 1, 1), "me", "x")
    ro.close()


def test_activities_round_trip_literally_newest_first(store: Store) -> None:
    add_accounts(store, [("A1", "Acme", "smb", "professional", "Ana")])
    store.add_activity("A1", "call", dt.date(2026, 1, 1), "Ana", "kick-off")
    note = store.add_activity("A1", "note", dt.date(2026, 2, 1), "Ana", "[@click=app.quit]\x1b[2J")
    assert note.id is not None
    got = store.activities("A1")
    assert [(a.kind, a.text) for a in got] == [
        ("note", "[@click=app.quit]\x1b[2J"),
        ("call", "kick-off"),
    ]


def test_foreign_keys_are_enforced(store: Store) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        store.add_activity("NOPE", "note", dt.date(2026, 1, 1), "me", "orphan")
    assert store.count("activities") == 0


def test_accounts_filter_by_csm_and_read_one(store: Store) -> None:
    add_accounts(
        store,
        [("A1", "Acme", "smb", "professional", "Ana"), ("A2", "Globex", "smb", "enterprise", "Bo")],
    )
    assert [a.account_id for a in store.accounts(csm="Bo")] == ["A2"]
    one = store.account("A1")
    assert one is not None and one.arr == 12_000
    assert store.account("zzz") is None


def test_no_two_parts_of_the_store_define_the_same_method() -> None:
    # Store composes one mixin per area: a name defined twice would silently shadow the other.
    owners: dict[str, list[str]] = {}
    for part in Store.__mro__[1:]:
        if part is object:
            continue
        for name in vars(part):
            if not name.startswith("__"):
                owners.setdefault(name, []).append(part.__name__)
    assert {n: o for n, o in owners.items() if len(o) > 1} == {}


def test_data_version_moves_with_every_commit_from_anywhere(store: Store) -> None:
    first = store.data_version()
    assert store.data_version() == first  # nothing committed: unchanged
    store.set_setting("probe", "1")  # this thread's connection
    second = store.data_version()
    assert second != first
    other = Store.open(store.path)  # another program writing the same file
    try:
        other.set_setting("probe", "2")
    finally:
        other.close()
    assert store.data_version() != second
