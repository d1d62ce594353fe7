"""BaseStore: connections, opening, migrations, transactions and small query helpers."""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self, TypeVar

from pydantic import BaseModel

from cs_tui.db import schema

M = TypeVar("M", bound=BaseModel)
SQLITE_HEADER = b"SQLite format 3\x00"


class StoreError(Exception):
    """A database that cannot be opened or written, with one line for the user."""


def _check_file(path: Path) -> None:
    """Refuse, with a clear message, a path that is not a SQLite database."""
    if path.is_dir():
        raise StoreError(f"{path} is a directory, not a cs-tui database")
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_HEADER))
    except PermissionError:
        raise StoreError(f"{path}: permission denied") from None
    except OSError as exc:
        raise StoreError(f"{path}: cannot read: {exc.strerror}") from None
    if head and head != SQLITE_HEADER:
        raise StoreError(f"{path} is not a SQLite database (nothing was changed)")


def _create_file(path: Path) -> None:
    """Create an empty database file readable by its owner only: it holds customer data."""
    parent = path.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create directory {parent}: {exc.strerror}") from None
    if not os.access(parent, os.W_OK):
        raise StoreError(f"cannot write in {parent}: permission denied")
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except OSError as exc:
        raise StoreError(f"cannot create {path}: {exc.strerror}") from None
    os.close(fd)


def _row_model(model: type[M], row: sqlite3.Row) -> M:
    return model.model_validate({k: row[k] for k in row.keys() if k in model.model_fields})


CHANGE_COUNT_KEY = "data.changes"
"""Settings key counting the transactions that changed data (see `BaseStore.change_count`)."""

_COUNT_CHANGE = (
    "INSERT INTO settings (key, value) VALUES (?, '1') "
    "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
)


class BaseStore:
    """Connection handling shared by every part of the Store (see `cs_tui.db.store.Store`).

    Each thread gets its own sqlite3 connection, so workers can read while the UI writes.
    """

    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        self.path = path
        self.readonly = readonly
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        self._watch: sqlite3.Connection | None = None

    # -- opening ------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | str, *, create: bool = False, migrate: bool = True) -> Self:
        """Open (and with `create`, make) the database at `path`, migrating it if needed.

        Args:
            path: the database file.
            create: create the file (mode 0600) when it does not exist.
            migrate: apply pending migrations (a backup is taken first).

        Returns:
            The open store; read-only (`store.readonly`) when the file cannot be written.

        Raises:
            StoreError: not a database, a newer schema, no such file, or no permission.
        """
        path = Path(path).expanduser()
        if path.exists():
            _check_file(path)
        elif create:
            _create_file(path)
        else:
            raise StoreError(
                f"no database at {path} (try `cs-tui demo --db {path}` or `cs-tui import`)"
            )
        readonly = not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK)
        store = cls(path, readonly=readonly)
        try:
            version = schema.schema_version(store.conn)
            # Reading the catalogue touches the first pages: a truncated or corrupt file
            # fails here, with a clear message, instead of inside a screen.
            store.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as exc:
            store.close()
            raise StoreError(f"{path} is not a usable SQLite database: {exc}") from None
        if version > schema.SCHEMA_VERSION:
            store.close()
            raise StoreError(
                f"{path} has schema version {version}, newer than this cs-tui "
                f"({schema.SCHEMA_VERSION}): upgrade cs-tui to open it"
            )
        if version < schema.SCHEMA_VERSION and migrate:
            if readonly:
                store.close()
                raise StoreError(f"{path} needs a schema upgrade but is read-only")
            store.migrate()
        return store

    def connect(self) -> sqlite3.Connection:
        """A new connection with cs-tui's pragmas (WAL, foreign keys, busy timeout)."""
        if self.readonly:
            conn = sqlite3.connect(
                f"file:{self.path}?mode=ro", uri=True, check_same_thread=False, timeout=10
            )
        else:
            conn = sqlite3.connect(self.path, check_same_thread=False, timeout=10)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 10000")
        if not self.readonly:
            try:
                conn.execute("PRAGMA journal_mode = WAL")
            except sqlite3.DatabaseError as exc:
                conn.close()
                raise StoreError(f"{self.path} is not a usable SQLite database: {exc}") from None
            conn.execute("PRAGMA synchronous = NORMAL")
        with self._lock:
            self._connections.append(conn)
        return conn

    @property
    def conn(self) -> sqlite3.Connection:
        """This thread's connection."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self.connect()
            self._local.conn = conn
        return conn

    @contextmanager
    def derived_writes(self) -> Iterator[None]:
        """Inside, this thread's transactions write derived data (health snapshots, the
        playbook runs the triggers start): they are not counted in `change_count`, so a change
        made by anyone else meanwhile still shows as one."""
        self._local.derived = True
        try:
            yield
        finally:
            self._local.derived = False

    def change_count(self) -> int:
        """How many transactions have changed data in this database, ever.

        Kept in the file, so it tells a later session (or another program) whether
        anything changed since derived data was computed.
        """
        return int(self.get_setting(CHANGE_COUNT_KEY) or 0)

    def data_version(self) -> int:
        """A number that changes whenever anyone commits a change to the database.

        Read from a connection of its own that never writes, so SQLite's
        `PRAGMA data_version` moves with every commit: this process's other threads'
        and other processes' alike. A section compares it to skip reading again
        when nothing changed.
        """
        with self._lock:
            watch = self._watch
        if watch is None:
            watch = self.connect()
            with self._lock:
                self._watch = watch
        with self._lock:
            return int(watch.execute("PRAGMA data_version").fetchone()[0])

    def close(self) -> None:
        """Close every connection this store opened."""
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
            self._watch = None
        self._local = threading.local()

    def migrate(self) -> int:
        """Apply pending migrations, backing the file up first when it holds data."""
        if schema.schema_version(self.conn) > 0:
            self.backup(
                self.path.with_name(self.path.name + f".v{schema.schema_version(self.conn)}.bak")
            )
        return schema.migrate(self.conn)

    def backup(self, target: Path) -> Path:
        """Copy the database to `target` (mode 0600): the file itself when the write-ahead
        log is fully checkpointed (under the write lock), else with SQLite's online backup API.

        The copy is written beside `target`, synced to disk and then renamed over it: a
        crash or a full disk half-way leaves the previous `target` as it was (the rolling
        backup is the user's way back, so it is never half a file).

        Raises:
            StoreError: the copy cannot be written (full disk, no permission).
        """
        partial = target.with_name(target.name + ".partial")
        partial.unlink(missing_ok=True)
        _create_file(partial)
        try:
            if not self._copy_checkpointed(partial):
                dest = sqlite3.connect(partial)
                try:
                    # A fresh private file: no journal of its own; one fsync below instead.
                    dest.execute("PRAGMA journal_mode = OFF")
                    dest.execute("PRAGMA synchronous = OFF")
                    self.conn.backup(dest)
                finally:
                    dest.close()
            fd = os.open(partial, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(partial, target)
        except BaseException as exc:
            partial.unlink(missing_ok=True)
            if isinstance(exc, OSError | sqlite3.Error):
                why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
                raise StoreError(
                    f"cannot write the copy {target}: {why} (nothing was changed)"
                ) from exc
            raise
        return target

    def _copy_checkpointed(self, partial: Path) -> bool:
        """Copy the database file itself to `partial` when that file alone is the database.

        It is when every write-ahead-log frame has been copied into it (checkpointed) while
        this connection holds the write lock, so that no new frame can come: then a plain
        file copy (the kernel's, about three times as fast as the backup API: 0.4 s for a
        400 MB portfolio) is an exact copy. Otherwise (a reader still needs old frames, a
        transaction is open, the store is read-only) nothing is copied and False returned.
        """
        conn = self.conn
        if self.readonly or conn.in_transaction:
            return False
        try:
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)")  # never waits; usually completes
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:  # another program holds the write lock
            return False
        try:
            # A checkpoint cannot run inside this connection's own transaction: ask another.
            other = sqlite3.connect(self.path, timeout=0)
            try:
                busy, frames, done = other.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            finally:
                other.close()
            if busy or frames != done:
                return False
            shutil.copyfile(self.path, partial)
            return True
        except sqlite3.OperationalError:
            return False
        finally:
            conn.rollback()

    def rolling_backup(self, label: str) -> Path:
        """Copy the database to `<file>.before-<label>.bak`, replacing the previous such copy.

        Taken before every import (and, as `.v<N>.bak`, before every migration), so the last
        known-good state is always one `cp` away.
        """
        return self.backup(self.path.with_name(f"{self.path.name}.before-{label}.bak"))

    @property
    def schema_version(self) -> int:
        """The number of migrations applied."""
        return schema.schema_version(self.conn)

    # -- helpers ------------------------------------------------------------------------------

    @contextmanager
    def transaction(self, *, changes_data: bool = True) -> Iterator[sqlite3.Connection]:
        """One write transaction: everything inside commits together or not at all.

        Args:
            changes_data: count the transaction in `change_count` (False for bookkeeping
                in the settings table, which no figure is computed from).
        """
        if self.readonly:
            raise StoreError(f"{self.path} is read-only: nothing can be changed")
        conn = self.conn
        if conn.in_transaction:
            yield conn
            return
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                if changes_data and not getattr(self._local, "derived", False):
                    conn.execute(_COUNT_CHANGE, [CHANGE_COUNT_KEY])
            except BaseException:
                conn.rollback()
                raise
            else:
                conn.commit()
        except sqlite3.OperationalError as exc:
            raise StoreError(self._write_failure(exc)) from exc

    def _write_failure(self, exc: sqlite3.OperationalError) -> str:
        """One line saying why a write failed; the transaction was rolled back."""
        text = str(exc).lower()
        if "full" in text:
            why = "the disk is full"
        elif "readonly" in text or "read-only" in text:
            why = "the database is read-only"
        elif "locked" in text or "busy" in text:
            why = "another program holds the database locked"
        elif "disk i/o" in text:
            why = "a disk I/O error occurred"
        else:
            why = str(exc)
        return f"{self.path}: nothing was saved: {why}"

    @staticmethod
    def insert_activity(
        conn: sqlite3.Connection, account_id: str, kind: str, on: Any, by: str, text: str
    ) -> int:
        """Add a line to an account's activity log inside the caller's transaction.

        Returns:
            The new activity's id.
        """
        cur = conn.execute(
            "INSERT INTO activities (account_id, kind, date, author, text) VALUES (?, ?, ?, ?, ?)",
            [account_id, kind, on.isoformat(), by, text],
        )
        return int(cur.lastrowid or 0)

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        """Rows of a read query."""
        return self.conn.execute(sql, params).fetchall()

    def models(self, model: type[M], sql: str, params: Sequence[Any] = ()) -> list[M]:
        """Rows of a read query as pydantic models."""
        return [_row_model(model, row) for row in self.query(sql, params)]

    def count(self, table: str) -> int:
        """How many rows `table` holds."""
        if not table.isidentifier():
            raise ValueError(table)
        return int(self.conn.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0])

    # -- settings -----------------------------------------------------------------------------

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        """A value from the database's own settings table."""
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return default if row is None else row[0]

    def set_setting(self, key: str, value: str) -> None:
        """Store a value in the database's settings table (not counted as a data change)."""
        with self.transaction(changes_data=False) as conn:
            conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, value],
            )

    # -- bulk ---------------------------------------------------------------------------------

    def insert_many(
        self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
    ) -> None:
        """Bulk insert with executemany (fast path for the demo and importers)."""
        if not table.isidentifier() or not all(c.isidentifier() for c in columns):
            raise ValueError("bad identifier")
        sql = (
            f"INSERT INTO [{table}] ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' for _ in columns)})"
        )
        with self.transaction() as conn:
            conn.executemany(sql, rows)
