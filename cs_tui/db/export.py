"""Exports: CSV files of tables and of every import KIND (in the import format), written safely.

`write_csv(path, columns, rows)` is what the TUI's `e` key on a table calls; `export_kind`
writes a kind's rows exactly in the column set `cs-tui import` reads, so that
`export` then `import` into a fresh database gives the same data back.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cs_tui.domain.rows import KINDS, ROW_KINDS

if TYPE_CHECKING:
    from cs_tui.db.core import BaseStore


class ExportError(Exception):
    """A file that cannot be written, with one line for the user."""


def csv_value(value: Any) -> str:
    """One value as CSV text that `cs-tui import` reads back to the same value.

    None is empty, booleans are true/false, whole floats lose their `.0` (12500.0 -> 12500),
    other floats keep every digit (repr), dates are ISO.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def write_csv(path: Path | str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write a header and rows to `path` as UTF-8 CSV, atomically (a reader never sees half a file).

    Args:
        path: the file to write (its folder is created; an existing file is replaced).
        columns: the header.
        rows: the values, each row in `columns` order (formatted with `csv_value`).

    Returns:
        How many rows were written.

    Raises:
        ExportError: the folder or file cannot be written.
    """
    path = Path(path)
    count = 0
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        raise ExportError(f"cannot write in {path.parent}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(columns)
            for row in rows:
                writer.writerow([csv_value(v) for v in row])
                count += 1
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise ExportError(f"cannot write {path}: {exc.strerror}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return count


def write_text(path: Path | str, text: str) -> None:
    """Write `text` to `path` as UTF-8, atomically (for Markdown and JSON exports).

    Raises:
        ExportError: the folder or file cannot be written.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        raise ExportError(f"cannot write in {path.parent}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise ExportError(f"cannot write {path}: {exc.strerror}") from None


def unique_path(folder: Path, stem: str, suffix: str = ".csv") -> Path:
    """`folder/stem.csv`, or `stem-2.csv`, `stem-3.csv`... if taken: an export never overwrites."""
    path = folder / f"{stem}{suffix}"
    counter = 1
    while path.exists():
        counter += 1
        path = folder / f"{stem}-{counter}{suffix}"
    return path


def kind_rows(store: BaseStore, kind: str) -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
    """The columns of import KIND and every stored row of it, in its natural-key order."""
    if kind not in ROW_KINDS:
        raise ValueError(f"unknown kind {kind!r} (one of {', '.join(KINDS)})")
    spec = ROW_KINDS[kind]
    columns = spec.columns
    rows = store.conn.execute(
        f"SELECT {', '.join(columns)} FROM {spec.table} ORDER BY {', '.join(spec.key)}"
    ).fetchall()
    if kind == "contacts":  # stored as 0/1
        at = columns.index("advocate")
        return columns, [(*r[:at], bool(r[at]), *r[at + 1 :]) for r in rows]
    return columns, [tuple(r) for r in rows]


def export_kind(store: BaseStore, kind: str, path: Path | str) -> int:
    """Write every row of KIND to `path` in the format `cs-tui import KIND` reads.

    Returns:
        How many rows were written.
    """
    columns, rows = kind_rows(store, kind)
    return write_csv(path, columns, rows)
