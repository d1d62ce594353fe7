"""Faults a laptop meets: a full disk, a corrupt or truncated file, two writers at once."""

from __future__ import annotations

import datetime as dt
import errno
import multiprocessing
import shutil
import sqlite3
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


def test_a_backup_of_a_checkpointed_database_is_the_file_itself(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_accounts(store, [("A1", "Acme", "smb", "professional", "Ana")])
    store.add_activity("A1", "note", DAY, "me", "in the backup")
    copied: list[Path] = []
    real_copy = shutil.copyfile
    monkeypatch.setattr(
        "cs_tui.db.core.shutil.copyfile", lambda src, dst: copied.append(src) or real_copy(src, dst)
    )
    target = store.backup(tmp_path / "copy.db")
    assert copied == [store.path]
    assert target.read_bytes() == store.path.read_bytes()
    assert (target.stat().st_mode & 0o777) == 0o600
    copy = Store.open(target)
    assert [a.text for a in copy.activities("A1")] == ["in the backup"]
    copy.close()


def test_a_backup_while_a_reader_holds_old_frames_copies_through_sqlite(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_accounts(store, [("A1", "Acme", "smb", "professional", "Ana")])
    reader = sqlite3.connect(store.path)
    reader.execute("BEGIN")
    assert reader.execute("SELECT count(*) FROM accounts").fetchone() == (1,)  # a snapshot
    store.add_activity("A1", "note", DAY, "me", "after the reader's snapshot")

    def not_now(src: Path, dst: Path) -> None:
        raise AssertionError("the file alone is not the database while frames are pending")

    monkeypatch.setattr("cs_tui.db.core.shutil.copyfile", not_now)
    target = store.backup(tmp_path / "copy.db")
    reader.rollback()
    reader.close()
    copy = Store.open(target)
    assert [a.text for a in copy.activities("A1")] == ["after the reader's snapshot"]
    copy.close()


def test_a_backup_that_cannot_be_written_keeps_the_previous_one_and_stops_the_import(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cs_tui.db.importers import import_csv

    add_accounts(store, [("A1", "Acme", "smb", "professional", "Ana")])
    previous = store.rolling_backup("import")
    kept = previous.read_bytes()
    store.add_activity("A1", "note", DAY, "me", "not in the old backup")

    def disk_full(src: Path, dst: Path) -> None:
        Path(dst).write_bytes(b"half a copy")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("cs_tui.db.core.shutil.copyfile", disk_full)
    csv_file = tmp_path / "tickets.csv"
    csv_file.write_text(
        "ticket_id,account_id,opened_at,closed_at,priority\nT1,A1,2026-01-02,,high\n"
    )
    with pytest.raises(StoreError, match="No space left on device.*nothing was changed"):
        import_csv(store, "tickets", csv_file)
    assert previous.read_bytes() == kept
    assert not previous.with_name(previous.name + ".partial").exists()
    assert store.count("tickets") == 0


def test_an_import_takes_a_rolling_backup_first(store: Store, tmp_path: Path) -> None:
    from cs_tui.db.importers import import_csv

    add_accounts(store, [("A1", "Acme", "smb", "professional", "Ana")])
    csv_file = tmp_path / "tickets.csv"
    csv_file.write_text(
        "ticket_id,account_id,opened_at,closed_at,priority\nT1,A1,2026-01-02,,high\n"
    )
    assert import_csv(store, "tickets", csv_file).ok
    backup = store.path.with_name(store.path.name + ".before-import.bak")
    before = Store.open(backup)
    assert before.count("accounts") == 1 and before.count("tickets") == 0
    before.close()
    assert store.count("tickets") == 1


def _import_slowly(db: str, csv_path: str) -> None:
    from cs_tui.db.importers import import_csv

    s = Store.open(db)
    import_csv(s, "usage", Path(csv_path))


def test_kill_9_half_way_through_an_import_leaves_the_database_as_before(
    store: Store, tmp_path: Path
) -> None:
    import os
    import signal
    import time

    add_accounts(store, [("A1", "Acme", "smb", "professional", "Ana")])
    store.close()
    rows = 150_000
    csv_file = tmp_path / "usage.csv"
    start = dt.date(2000, 1, 1)
    with csv_file.open("w") as fh:
        fh.write(
            "account_id,date,active_users,logins,session_minutes,features_used,"
            "workflows_completed,integrations_active\n"
        )
        for i in range(rows):
            fh.write(f"A1,{start + dt.timedelta(days=i)},3,5,20,4,1,1\n")
    ctx = multiprocessing.get_context("spawn")
    proc = ctx.Process(target=_import_slowly, args=(str(store.path), str(csv_file)))
    proc.start()
    # Wait until the import holds the write lock (its transaction has begun), then kill it.
    deadline = time.monotonic() + 60
    wal = Path(f"{store.path}-wal")
    while time.monotonic() < deadline and (not wal.exists() or wal.stat().st_size < 500_000):
        time.sleep(0.01)
    assert proc.pid is not None
    os.kill(proc.pid, signal.SIGKILL)
    proc.join(timeout=30)
    assert proc.exitcode == -signal.SIGKILL
    again = Store.open(store.path)
    assert again.count("usage") == 0  # nothing of the killed import is visible
    assert again.count("accounts") == 1
    from cs_tui.db.importers import import_csv

    result = import_csv(again, "usage", csv_file)  # the re-run completes
    assert result.ok and again.count("usage") == rows
    again.close()
