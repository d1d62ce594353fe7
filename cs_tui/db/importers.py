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
import datetime as dt
import sqlite3
from array import array
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from cs_tui.db.csv_reader import FILE_COLUMN, CsvFileError, Problem, read_csv
from cs_tui.domain.rows import KINDS, ROW_KINDS, RowKind, problems_of

if TYPE_CHECKING:
    from cs_tui.db.core import BaseStore

__all__ = [
    "DERIVED_STALE",
    "KINDS",
    "ImportResult",
    "Problem",
    "Progress",
    "import_csv",
]

DERIVED_STALE = "derived_stale"
"""Settings key set to "1" after an import changed data; the health/playbook code clears it."""
PROBLEM_CAP = 50
"""How many problems a report lists before "... and N more problems"."""
CHUNK = 5000
"""Rows validated per pydantic call and written per executemany."""
_KEEP = 10_000  # problems kept in memory; beyond that they are only counted
BULK_CACHE_KIB = 131_072
"""SQLite page cache while importing (128 MiB; given back afterwards)."""

Progress = Callable[[int, int], None]
"""Called as `progress(done, total)` (physical lines of the file) while importing."""

# Dates are bound as ISO text, as everywhere in the database. This is what Python's own
# default adapter did before 3.12 deprecated it; registering it explicitly keeps it quiet.
sqlite3.register_adapter(dt.date, dt.date.isoformat)


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
            f"{self.kind}: {self.rows} rows: {self.inserted} {verb}inserted, "
            f"{self.updated} {verb}updated, {self.unchanged} unchanged"
        )
        if self.staff_created:
            text += f"; {self.staff_created} new CSM(s) added to staff"
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
    """Problems of one file: kept up to a limit, always counted."""

    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.items: list[Problem] = []
        self.count = 0

    def add(self, line: int, column: str, message: str) -> None:
        self.count += 1
        if len(self.items) < _KEEP:
            self.items.append(Problem(self.shown, line, column, message))


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
        return _finish(result, problems)
    missing = [c for c in spec.required if c not in csv_file.header]
    for column in missing:
        problems.add(csv_file.header_line, column, "required column is missing from the header")
    if missing:
        return _finish(result, problems)

    plan = _plan(spec, csv_file.header)
    with _bulk_pragmas(store):
        try:
            with store.transaction() as conn:
                _run(conn, plan, csv_file, result, problems, progress)
                if problems.count or dry_run:
                    raise _Rollback
                if result.changed:
                    store.set_setting(DERIVED_STALE, "1")
        except _Rollback:
            pass
    if problems.count:
        result.inserted = result.updated = result.unchanged = result.staff_created = 0
    return _finish(result, problems)


@contextmanager
def _bulk_pragmas(store: BaseStore) -> Iterator[None]:
    """A big page cache and no per-row foreign-key lookups while one file is written.

    The importer checks every account_id itself (with the line number), so SQLite's own
    check would only repeat it; random-order inserts into the usage key need the cache.
    """
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


def _finish(result: ImportResult, problems: _Collector) -> ImportResult:
    # By line; within a line, in the order found (the columns' order).
    result.problems = sorted(problems.items, key=lambda p: p.line)
    result.problem_count = problems.count
    return result


def _run(
    conn: sqlite3.Connection,
    plan: _Plan,
    csv_file: Any,
    result: ImportResult,
    problems: _Collector,
    progress: Progress | None,
) -> None:
    """Validate and write every chunk; leaves problems in `problems`, counts in `result`."""
    spec = plan.spec
    table = spec.table
    columns = spec.columns
    known: set[str] | None = None
    if spec.kind != "accounts":
        known = {r[0] for r in conn.execute("SELECT account_id FROM accounts")}
    before = int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    key_of = itemgetter(*(columns.index(c) for c in spec.key))
    account_at = columns.index("account_id")
    hint = "" if known else " (the database has no accounts yet: import accounts first)"
    hashes: array[int] = array("q")
    key_lines: array[int] = array("q")
    csms: set[str] = set()
    written = 0
    total = csv_file.total_lines
    validator = spec.validator(plan.present)

    lines: list[int] = []
    raw: list[Any] = []
    # SQLite releases the GIL while it steps: write chunk n while chunk n+1 is validated.
    writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cs-import")
    pending: Future[int] | None = None

    def write(rows: list[tuple[Any, ...]]) -> int:
        return max(conn.executemany(plan.sql, rows).rowcount, 0)

    def wait() -> None:
        nonlocal pending, written
        if pending is not None:
            written += pending.result()
            pending = None

    def flush() -> None:
        nonlocal pending
        rows = _validate(validator, plan.present, raw, lines, problems)
        good: list[tuple[Any, ...]] = []
        append_hash, append_line, keep = hashes.append, key_lines.append, good.append
        for line, row in rows:
            if known is not None and row[account_at] not in known:
                problems.add(line, "account_id", f"unknown account {row[account_at]!r}{hint}")
                continue
            append_hash(hash(key_of(row)))
            append_line(line)
            keep(row)
        if spec.kind == "accounts":
            at = columns.index("csm")
            csms.update(row[at] for row in good)
        wait()
        if not problems.count:
            pending = writer.submit(write, good)
        result.rows += len(raw)
        lines.clear()
        raw.clear()
        if progress is not None:
            progress(csv_file.lines_read, total)

    reader = csv_file.reader
    previous = csv_file.header_line
    pick, width = plan.pick, plan.width
    try:
        # One flat loop (no per-row generator): this is the hot path of a 1M-row import.
        for fields in reader:
            line = previous + 1
            previous = reader.line_num
            if not fields or (not fields[0].strip() and not "".join(fields).strip()):
                continue
            if len(fields) != width:
                fitted = _fit(fields, width, line, problems)
                if fitted is None:
                    continue
                fields = fitted
            lines.append(line)
            raw.append(fields if pick is None else pick(fields))
            if len(raw) >= CHUNK:
                flush()
        if raw:
            flush()
        wait()
    except csv.Error as exc:
        message = (
            "a quoted field starts here and is never closed"
            if "end of data" in str(exc)
            else f"badly quoted field ({exc}): nothing after it can be read"
        )
        problems.add(previous + 1, FILE_COLUMN, message)
        return
    finally:
        writer.shutdown(wait=True)  # never leave the writer on the connection
    if progress is not None:
        progress(total, total)
    _duplicates(spec, hashes, key_lines, problems)
    if problems.count:
        return
    after = int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    result.inserted = after - before
    result.updated = written - result.inserted
    result.unchanged = result.rows - written
    if csms:
        cur = conn.executemany(
            "INSERT OR IGNORE INTO staff (name, role) VALUES (?, 'csm')",
            [(name,) for name in sorted(csms)],
        )
        result.staff_created = max(cur.rowcount, 0)


def _fit(fields: list[str], width: int, line: int, problems: _Collector) -> list[str] | None:
    """A record with fewer fields than the header is padded; one with more is flagged.

    Returns:
        The record at the header's width, or None when it is too long (flagged here: its
        columns are shifted, so their own errors would only mislead).
    """
    if len(fields) < width:
        return fields + [""] * (width - len(fields))
    problems.add(
        line,
        "(row)",
        f"{len(fields)} fields but the header has {width}: "
        "is a comma or semicolon in a value not quoted?",
    )
    return None


def _validate(
    validator: Any,
    present: tuple[str, ...],
    raw: list[Any],
    lines: list[int],
    problems: _Collector,
) -> list[tuple[int, tuple[Any, ...]]]:
    """Validate a chunk; return (line, row) of the valid rows and record the others' problems."""
    try:
        return list(zip(lines, validator.validate_python(raw), strict=True))
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
    bad: set[int] = set()
    for error in errors:
        index = int(error["loc"][0])
        bad.add(index)
        for column, message in problems_of(error, present):
            problems.add(lines[index], column, message)
    keep = [i for i in range(len(raw)) if i not in bad]
    if not keep:
        return []
    rows = validator.validate_python([raw[i] for i in keep])
    return [(lines[i], row) for i, row in zip(keep, rows, strict=True)]


def _duplicates(
    spec: RowKind, hashes: array[int], key_lines: array[int], problems: _Collector
) -> None:
    """Report rows whose natural key repeats an earlier row of the same file.

    Keys are compared by their 64-bit hash, sorted with numpy: 16 bytes a row instead of a
    Python dict of a million tuples.
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
    line_of = np.frombuffer(key_lines, dtype=np.int64)
    names = " and ".join(spec.key)
    column = "+".join(spec.key)
    for later_pos, first_pos in zip(same + 1, run_first, strict=True):
        earlier = int(line_of[order[first_pos]])
        later = int(line_of[order[later_pos]])
        problems.add(later, column, f"same {names} as line {earlier} (duplicate key)")
