"""Bulk inserts: many rows per INSERT statement, from a 2-D object array of row values.

`executemany` with one row per statement pays, per row, a statement reset, a step and a
round trip through the GIL; with 100 rows per statement the demo's usage load and the health
history writes take about half the time. Rows are written in the array's order.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

ROWS_PER_INSERT = 100
"""Rows per statement, capped so that the parameters stay within 999 (old SQLite's limit)."""


def rows_per_insert(width: int) -> int:
    """How many rows of `width` columns go into one statement."""
    return max(1, min(ROWS_PER_INSERT, 999 // max(width, 1)))


def insert_head(table: str, columns: tuple[str, ...] | list[str], verb: str = "INSERT") -> str:
    """`INSERT INTO table (columns) VALUES ` (`verb` e.g. "INSERT OR REPLACE")."""
    if not table.isidentifier() or not all(c.isidentifier() for c in columns):
        raise ValueError("bad identifier")
    return f"{verb} INTO [{table}] ({', '.join(columns)}) VALUES "


def batches(table: np.ndarray) -> tuple[list[list[object]], list[list[object]]]:
    """The rows of `table` (rows x columns, dtype object) as parameter lists: whole
    statements of `rows_per_insert` rows (flattened), then the remaining single rows."""
    count, width = table.shape
    per = rows_per_insert(width)
    whole = count // per * per
    return table[:whole].reshape(-1, per * width).tolist(), table[whole:].tolist()


def execute_batches(
    conn: sqlite3.Connection,
    head: str,
    width: int,
    grouped: list[list[object]],
    single: list[list[object]],
) -> None:
    """Run the parameter lists of `batches` with the statement `head` (see `insert_head`)."""
    marks = f"({', '.join('?' for _ in range(width))})"
    if grouped:
        conn.executemany(head + ", ".join([marks] * rows_per_insert(width)), grouped)
    if single:
        conn.executemany(head + marks, single)


def insert_rows(conn: sqlite3.Connection, head: str, table: np.ndarray) -> None:
    """Insert every row of `table` (dtype object: Python values, None for NULL)."""
    grouped, single = batches(table)
    execute_batches(conn, head, table.shape[1], grouped, single)


def insert_tuples(
    conn: sqlite3.Connection, head: str, rows: Sequence[Sequence[object]], width: int
) -> None:
    """Insert rows given as sequences of `width` Python values (None for NULL)."""
    import numpy as np

    table = np.empty((len(rows), width), dtype=object)
    for j in range(width):
        table[:, j] = [row[j] for row in rows]
    insert_rows(conn, head, table)
