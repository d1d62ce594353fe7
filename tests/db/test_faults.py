"""Faults a laptop meets: a full disk, a corrupt or truncated file, two writers at once."""

from __future__ import annotations

import datetime as dt
import multiprocessing
from pathlib import Path

import pytest

from cs_tui.db.store import Store, StoreError
from tests.conftest import add_accounts

DAY = dt.date(2026, 1, 1)


def test_a_full_disk_is_one_clear_error_and_keeps_what_was_saved(store: Store) -> None:
    add_accounts(store, [("A1", "Acme", "smb", "professional", "Ana")])
    store.add_activity("A1", "note", DAY, "me", "kept")
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages}")  # the disk is now "full"
    with pytest.raises(StoreError, match="nothing was saved: the disk is full"):
        store.add_activity("A1", "note", DAY, "me", "x" * 200_000)
    assert [a.text for a in store.activities("A1")] == ["kept"]


def test_a_truncated_file_is_refused_with_one_line(store: Store, tmp_path: Path) -> None:
    add_accounts(store, [(f"A{i}", f"Acct {i}", "smb", "professional", "Ana") for i in range(500)])
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    broken = tmp_path / "broken.db"
    data = store.path.read_bytes()
    broken.write_bytes(data[:100] + b"\x00" * 4000)
    with pytest.raises(StoreError, match="not a usable SQLite database"):
        Store.open(broken)


def _write_notes(path: str, author: str, count: int) -> None:
    s = Store.open(path)
    for i in range(count):
        s.add_activity("A1", "note", DAY, author, f"{author} {i}")
    s.close()


def test_two_processes_writing_at_once_lose_nothing(store: Store) -> None:
    add_accounts(store, [("A1", "Acme", "smb", "professional", "Ana")])
    ctx = multiprocessing.get_context("spawn")
    procs = [
        ctx.Process(target=_write_notes, args=(str(store.path), who, 150)) for who in ("ana", "bo")
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
        assert p.exitcode == 0
    texts = {a.text for a in store.activities("A1", limit=1000)}
    assert texts == {f"{who} {i}" for who in ("ana", "bo") for i in range(150)}


def test_backup_is_a_consistent_private_copy(store: Store, tmp_path: Path) -> None:
    add_accounts(store, [("A1", "Acme", "smb", "professional", "Ana")])
    store.add_activity("A1", "note", DAY, "me", "in the backup")
    target = store.backup(tmp_path / "copy.db")
    assert (target.stat().st_mode & 0o777) == 0o600
    copy = Store.open(target)
    assert [a.text for a in copy.activities("A1")] == ["in the backup"]
    copy.close()
