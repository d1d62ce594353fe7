"""CSV imports: validate a whole file, then upsert it in one transaction, or write nothing.

`import_csv(store, kind, path)` reads a CSV export (see `csv_reader`), validates every row
with the row models of `cs_tui.domain.rows` (in chunks, one pydantic-core call per chunk),
checks what only the whole file and the database can tell (duplicate keys, unknown
accounts), and upserts by natural key with `executemany` inside one transaction. Any problem
means the transaction is rolled back: the database is left exactly as it was.

Counting is done by SQLite itself: the upsert only touches a row whose values differ, so
`rowcount` is inserted + updated, and the table's row count before and after gives inserted.

After a successful import that changed anything, the settings key `derived_stale` is set to
"1" in the same transaction: health snapshots and playbook triggers are refreshed (and the
key cleared) by the code that owns them.
"""

from __future__ import annotations

import csv
import gc
import sqlite3
from array import array
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from cs_tui.db.core import BaseStore
from cs_tui.db.csv_reader import FILE_COLUMN, CsvFile, CsvFileError, Problem, read_csv
from cs_tui.db.derived import DERIVED_STALE
from cs_tui.domain.rows import KINDS, ROW_KINDS, RowKind, problems_of

__all__ = [
    "DERIVED_STALE",
    "KINDS",
    "ImportResult",
    "Problem",
    "Progress",
    "import_csv",
]

PROBLEM_CAP = 50
"""How many problems a report lists before "... and N more problems"."""
CHUNK = 5000
"""Rows validated per pydantic call and written per executemany."""
_KEEP = 10_000  # problems kept in memory; beyond that they are only counted
BULK_CACHE_KIB = 131_072
"""SQLite page cache while importing (128 MiB; given back afterwards)."""

Progress = Callable[[int, int], None]
"""Called as `progress(done, total)` (physical lines of the file) while importing."""


@dataclass
class ImportResult:
    """What an import did (or, with problems, why it did nothing)."""

    kind: str
    file: str
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    staff_created: int = 0
    dry_run: bool = False
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0

    @property
    def ok(self) -> bool:
        """True when the file had no problem (and, unless a dry run, was imported)."""
        return self.problem_count == 0

    @property
    def changed(self) -> int:
        """Rows inserted or updated."""
        return self.inserted + self.updated

    def problem_lines(self, cap: int = PROBLEM_CAP) -> list[str]:
        """`FILE:LINE: column: message` for the first `cap` problems, then a count of the rest."""
        lines = [str(p) for p in self.problems[:cap]]
        if self.problem_count > cap:
            lines.append(f"... and {self.problem_count - cap} more problems")
        return lines

    def summary(self) -> str:
        """One line of counts, e.g. `usage: 1000 rows: 990 inserted, 10 updated, 0 unchanged`."""
        if not self.ok:
            noun = "problem" if self.problem_count == 1 else "problems"
            return f"{self.kind}: {self.problem_count} {noun} in {self.file}; nothing imported"
        verb = "would be " if self.dry_run else ""
        text = (
            f"{self.kind}: {self.rows} row{'' if self.rows == 1 else 's'}: "
            f"{self.inserted} {verb}inserted, "
            f"{self.updated} {verb}updated, {self.unchanged} unchanged"
        )
        if self.staff_created:
            text += f"; {self.staff_created} new CSM(s) {verb}added to staff"
        return text


class _Rollback(Exception):
    """Raised inside the transaction to undo it (problems found, or a dry run)."""


@dataclass
class _Plan:
    """How one file's columns map onto a kind's row model and its upsert."""

    spec: RowKind
    present: tuple[str, ...]
    """The model's columns the file has, in model order."""
    pick: Callable[[list[str]], Any] | None
    """Fields of a record -> values of `present` (None: the record already is exactly that)."""
    width: int
    sql: str


def _plan(spec: RowKind, header: Sequence[str]) -> _Plan:
    present = tuple(c for c in spec.columns if c in header)
    positions = [header.index(c) for c in present]
    pick = None if positions == list(range(len(header))) else itemgetter(*positions)
    columns = spec.columns
    updates = [c for c in present if c not in spec.key]
    table = spec.table
    assignments = ", ".join(f"{c} = excluded.{c}" for c in updates)
    same = " AND ".join(f"{table}.{c} IS excluded.{c}" for c in updates)
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
        f"ON CONFLICT ({', '.join(spec.key)}) DO "
        + (f"UPDATE SET {assignments} WHERE NOT ({same})" if updates else "NOTHING")
    )
    return _Plan(spec=spec, present=present, pick=pick, width=len(header), sql=sql)


class _Collector:
    """Problems of one file: kept up to a limit, always counted.

    Problems about records are noted by the record's ordinal (its index after the header),
    and turned into line numbers at the end (see `CsvFile.start_lines`).
    """

    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.at_lines: list[Problem] = []
        self.at_records: list[tuple[int, str, str, int | None]] = []
        self.count = 0

    def add(self, line: int, column: str, message: str) -> None:
        """A problem at a known line (the file or its header)."""
        self.count += 1
        if len(self.at_lines) + len(self.at_records) < _KEEP:
            self.at_lines.append(Problem(self.shown, line, column, message))

    def add_record(self, ordinal: int, column: str, message: str, other: int | None = None) -> None:
        """A problem with record `ordinal`; `{other}` in the message names record `other`'s line."""
        self.count += 1
        if len(self.at_lines) + len(self.at_records) < _KEEP:
            self.at_records.append((ordinal, column, message, other))

    def problems(self, csv_file: CsvFile | None) -> list[Problem]:
        """Every kept problem with its line, by line (within a line, in the order found)."""
        found = list(self.at_lines)
        if self.at_records and csv_file is not None:
            wanted = {r[0] for r in self.at_records}
            wanted |= {r[3] for r in self.at_records if r[3] is not None}
            lines = csv_file.start_lines(wanted)
            for ordinal, column, message, other in self.at_records:
                if other is not None:
                    message = message.format(other=lines.get(other, "?"))
                found.append(Problem(self.shown, lines.get(ordinal, 0), column, message))
        return sorted(found, key=lambda p: p.line)


def import_csv(
    store: BaseStore,
    kind: str,
    path: Path | str,
    progress: Progress | None = None,
    *,
    dry_run: bool = False,
    shown: str | None = None,
) -> ImportResult:
    """Import one CSV file of `kind` into `store`: all rows or none.

    Args:
        store: an open, writable store.
        kind: one of `KINDS` (accounts, contacts, usage, tickets, surveys, renewals).
        path: the CSV file.
        progress: called with (lines done, total lines) after each chunk.
        dry_run: validate and count exactly as an import would, then roll back.
        shown: how to name the file in problems (default: `path` as given).

    Returns:
        The counts, or the problems (then nothing was written).

    Raises:
        ValueError: an unknown kind (a programming error: the CLI offers only `KINDS`).
        StoreError: the database is read-only.
    """
    if kind not in ROW_KINDS:
        raise ValueError(f"unknown import kind {kind!r} (one of {', '.join(KINDS)})")
    spec = ROW_KINDS[kind]
    shown = str(path) if shown is None else shown
    result = ImportResult(kind=kind, file=shown, dry_run=dry_run)
    problems = _Collector(shown)
    try:
        csv_file = read_csv(path, shown)
    except CsvFileError as exc:
        problems.add(exc.problem.line, exc.problem.column, exc.problem.message)
        return _finish(result, problems, None)
    missing = [c for c in spec.required if c not in csv_file.header]
    for column in missing:
        problems.add(csv_file.header_line, column, "required column is missing from the header")
    if missing:
        fits = [
            other.kind
            for other in ROW_KINDS.values()
            if other.kind != kind and all(c in csv_file.header for c in other.required)
        ]
        if fits:
            problems.add(
                csv_file.header_line,
                FILE_COLUMN,
                f"the header has every column of {' and '.join(fits)}: is that the kind?",
            )
        return _finish(result, problems, csv_file)

    plan = _plan(spec, csv_file.header)
    if not dry_run and store.count("accounts"):
        store.rolling_backup("import")
    with _bulk_pragmas(store):
        try:
            with store.transaction() as conn:
                _FileImport(conn, plan, csv_file, result, problems, progress).run()
                if problems.count or dry_run:
                    raise _Rollback
                if result.changed:
                    store.set_setting(DERIVED_STALE, "1")
        except _Rollback:
            pass
    if problems.count:
        result.inserted = result.updated = result.unchanged = result.staff_created = 0
    return _finish(result, problems, csv_file)


@contextmanager
def _bulk_pragmas(store: BaseStore) -> Iterator[None]:
    """A big page cache, no per-row foreign-key lookups and no garbage collector while one
    file is written.

    The importer checks every account_id itself (with the line number), so SQLite's own
    check would only repeat it; random-order inserts into the usage key need the cache.
    The garbage collector would otherwise run a collection every 700 of the millions of
    short-lived lists and tuples a big file makes, each one walking every object the
    process holds (measured: a third of a million-row import); the import makes no
    reference cycles, so reference counting frees all of it as it goes.
    """
    with _no_gc():
        conn = store.conn
        if conn.in_transaction:  # inside a caller's transaction: pragmas cannot change here
            yield
            return
        cache = conn.execute("PRAGMA cache_size").fetchone()[0]
        conn.execute(f"PRAGMA cache_size = {-BULK_CACHE_KIB:d}")
        conn.execute("PRAGMA foreign_keys = OFF")
        try:
            yield
        finally:
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute(f"PRAGMA cache_size = {int(cache):d}")


@contextmanager
def _no_gc() -> Iterator[None]:
    """The cyclic garbage collector paused (process-wide), then back as it was."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _finish(result: ImportResult, problems: _Collector, csv_file: CsvFile | None) -> ImportResult:
    result.problems = problems.problems(csv_file)
    result.problem_count = problems.count
    return result


class _EndOfRecords:
    """Wraps the csv reader: stops at a badly quoted field and remembers it."""

    def __init__(self, reader: Any) -> None:
        self.reader = reader
        self.error: csv.Error | None = None

    def __iter__(self) -> Iterator[list[str]]:
        try:
            yield from self.reader
        except csv.Error as exc:
            self.error = exc


class _FileImport:
    """One file's import inside the caller's transaction: validate, check, write, count."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        plan: _Plan,
        csv_file: CsvFile,
        result: ImportResult,
        problems: _Collector,
        progress: Progress | None,
    ) -> None:
        self.conn, self.plan, self.csv_file = conn, plan, csv_file
        self.result, self.problems, self.progress = result, problems, progress
        spec = plan.spec
        self.spec = spec
        self.validator = spec.validator(plan.present)
        self.key_of = itemgetter(*(spec.columns.index(c) for c in spec.key))
        self.account_at = spec.columns.index("account_id")
        self.known: set[str] | None = None
        if spec.kind != "accounts":
            self.known = {r[0] for r in conn.execute("SELECT account_id FROM accounts")}
        self.hashes: array[int] = array("q")
        self.ordinals: array[int] = array("q")
        self.csms: set[str] = set()
        self.written = 0

    def run(self) -> None:
        """Read, validate and write every chunk; then duplicates, counts and staff."""
        table = self.spec.table
        before = self._count(table)
        records = _EndOfRecords(self.csv_file.reader)
        stream = iter(records)
        base = 0
        # Writing is not overlapped with validation in a thread: the writer needs the GIL
        # to bind every row, so it would mostly wait (measured: slower, not faster).
        while chunk := list(islice(stream, CHUNK)):
            self._chunk(chunk, base)
            base += len(chunk)
            if self.progress is not None:
                self.progress(self.csv_file.lines_read, self.csv_file.total_lines)
        if records.error is not None:
            message = (
                "a quoted field starts here and is never closed"
                if "end of data" in str(records.error)
                else f"badly quoted field ({records.error}): nothing after it can be read"
            )
            self.problems.add_record(base, FILE_COLUMN, message)
        if self.progress is not None:
            self.progress(self.csv_file.total_lines, self.csv_file.total_lines)
        _duplicates(self.spec, self.hashes, self.ordinals, self.problems)
        if self.problems.count:
            return
        result = self.result
        result.inserted = self._count(table) - before
        result.updated = self.written - result.inserted
        result.unchanged = result.rows - self.written
        if self.csms:
            cur = self.conn.executemany(
                "INSERT OR IGNORE INTO staff (name, role) VALUES (?, 'csm')",
                [(name,) for name in sorted(self.csms)],
            )
            result.staff_created = max(cur.rowcount, 0)

    def _count(self, table: str) -> int:
        return int(self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

    def _chunk(self, chunk: list[list[str]], base: int) -> None:
        """One chunk of records: the fast path has no per-row Python beyond C-level calls."""
        width, problems = self.plan.width, self.problems
        drop: set[int] = set()
        odd = [] if set(map(len, chunk)) == {width} else range(len(chunk))
        for i in [i for i in odd if len(chunk[i]) != width]:
            fields = chunk[i]
            if not "".join(fields).strip():
                drop.add(i)  # a blank line
            elif len(fields) < width:
                chunk[i] = fields + [""] * (width - len(fields))
            else:
                drop.add(i)
                problems.add_record(
                    base + i,
                    "(row)",
                    f"{len(fields)} fields but the header has {width}: "
                    "is a comma or semicolon in a value not quoted?",
                )
        ordinals: Sequence[int] = range(base, base + len(chunk))
        if drop:
            ordinals = [o for o in ordinals if o - base not in drop]
            chunk = [f for i, f in enumerate(chunk) if i not in drop]
        if self.plan.pick is not None:
            chunk = list(map(self.plan.pick, chunk))
        rows, ordinals = self._validate(chunk, ordinals)
        rows, ordinals = self._known_accounts(rows, ordinals)
        self.hashes.extend(map(hash, map(self.key_of, rows)))
        self.ordinals.extend(ordinals)
        if self.spec.kind == "accounts":
            self.csms.update(map(itemgetter(self.spec.columns.index("csm")), rows))
        self.result.rows += len(rows)
        if not problems.count:
            self.written += self._write(rows)

    def _validate(
        self, chunk: list[Any], ordinals: Sequence[int]
    ) -> tuple[list[tuple[Any, ...]], Sequence[int]]:
        """Valid rows (as full tuples) and their ordinals; problems of the others noted."""
        try:
            return self.validator.validate_python(chunk), ordinals
        except ValidationError as exc:
            errors = exc.errors(include_url=False)
        bad: set[int] = set()
        present = self.plan.present
        for error in errors:
            index = int(error["loc"][0])
            bad.add(index)
            if "".join(chunk[index]).strip():  # a row of empty fields is a blank line
                for column, message in problems_of(error, present):
                    self.problems.add_record(ordinals[index], column, message)
        keep = [i for i in range(len(chunk)) if i not in bad]
        if not keep:
            return [], []
        rows = self.validator.validate_python([chunk[i] for i in keep])
        return rows, [ordinals[i] for i in keep]

    def _known_accounts(
        self, rows: list[tuple[Any, ...]], ordinals: Sequence[int]
    ) -> tuple[list[tuple[Any, ...]], Sequence[int]]:
        """Drop (and note) rows whose account is not in the database."""
        known, at = self.known, self.account_at
        if known is None:
            return rows, ordinals
        unknown = {row[at] for row in rows} - known
        if not unknown:
            return rows, ordinals
        hint = "" if known else " (the database has no accounts yet: import accounts first)"
        kept_rows, kept_ordinals = [], []
        for row, ordinal in zip(rows, ordinals, strict=True):
            if row[at] in unknown:
                self.problems.add_record(
                    ordinal, "account_id", f"unknown account {row[at]!r}{hint}"
                )
            else:
                kept_rows.append(row)
                kept_ordinals.append(ordinal)
        return kept_rows, kept_ordinals

    def _write(self, rows: list[tuple[Any, ...]]) -> int:
        # In key order: neighbouring keys share index pages, so SQLite touches fewer pages
        # (measured: the sort costs ~0.3 us a row and saves a little more than that).
        ordered = sorted(rows, key=self.key_of)
        return max(self.conn.executemany(self.plan.sql, ordered).rowcount, 0)


def _duplicates(
    spec: RowKind, hashes: array[int], ordinals: array[int], problems: _Collector
) -> None:
    """Note rows whose natural key repeats an earlier row of the same file.

    Keys are compared by their 64-bit hash, sorted with numpy: 16 bytes a row instead of a
    Python dict of a million tuples. (Two different keys sharing a hash would be reported
    as a duplicate, never silently merged; with 64 bits that is about 1 in 10^7 files of a
    million rows.)
    """
    if len(hashes) < 2:
        return
    import numpy as np

    values = np.frombuffer(hashes, dtype=np.int64)
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    same = np.flatnonzero(ordered[1:] == ordered[:-1])
    if not len(same):
        return
    # Each later row of a run of equal keys points at the run's first (earliest) row.
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    run_first = starts[np.searchsorted(starts, same + 1, side="right") - 1]
    ordinal_of = np.frombuffer(ordinals, dtype=np.int64)
    names = " and ".join(spec.key)
    column = "+".join(spec.key)
    for later_pos, first_pos in zip(same + 1, run_first, strict=True):
        problems.add_record(
            int(ordinal_of[order[later_pos]]),
            column,
            f"same {names} as line {{other}} (duplicate key)",
            other=int(ordinal_of[order[first_pos]]),
        )
