"""RecordTable: a fast, sortable table of records whose text is always shown literally."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.markup import escape
from textual.binding import Binding, BindingType
from textual.message import Message
from textual_fastdatatable import ArrowBackend, DataTable

from cs_tui.widgets.literal import literal_str


@dataclass(frozen=True)
class Col:
    """A column: the record key it shows, its header and how a value is displayed.

    `fmt` returns trusted Rich markup built by cs-tui itself (a band badge, an arrow);
    without `fmt`, text is escaped so data never becomes markup.
    """

    key: str
    label: str
    fmt: Callable[[Any], str] | None = None
    width: int | None = None


def _sort_key(value: Any) -> tuple[int, Any]:
    # None sorts last in ascending order; numbers and strings never compare with each other.
    if value is None:
        return (2, 0)
    if isinstance(value, str):
        return (1, value.casefold())
    return (0, value)


class RecordTable(DataTable):
    """A table of dict records keyed by one field, backed by Arrow so 50k rows stay fast.

    Sorting is by the raw values of a column; `e` asks the app to export what is shown.
    """

    DEFAULT_CSS = """
    RecordTable {
        height: 1fr;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("s", "sort_next", "Sort", id="table.sort", tooltip="Sort by the next column"),
        Binding(
            "S", "sort_reverse", "Reverse", id="table.reverse", tooltip="Reverse the sort order"
        ),
        Binding("e", "export", "Export", id="table.export", tooltip="Write the rows shown to CSV"),
    ]

    @dataclass
    class Sorted(Message):
        """The table was sorted by a column."""

        table: RecordTable
        key: str
        reverse: bool

    @dataclass
    class ExportRequested(Message):
        """The user asked to export the rows shown."""

        table: RecordTable

    def __init__(
        self,
        columns: Sequence[Col],
        *,
        key: str,
        sort_key: str | None = None,
        reverse: bool = False,
        id: str | None = None,  # noqa: A002
        classes: str | None = None,
    ) -> None:
        self.columns = list(columns)
        self.key_field = key
        self.records: list[dict[str, Any]] = []
        self._cell_cache: dict[int, tuple[dict[str, Any], tuple[Any, ...], tuple[Any, ...]]] = {}
        self.sort_key = sort_key
        self.reverse = reverse
        super().__init__(
            backend=self._backend([]),
            render_markup=True,
            cursor_type="row",
            zebra_stripes=True,
            show_row_labels=False,
            column_widths=[c.width for c in self.columns],
            max_column_content_width=60,
            id=id,
            classes=classes,
        )

    # -- data -------------------------------------------------------------------------------

    def _cell(self, col: Col, record: dict[str, Any]) -> Any:
        value = record.get(col.key)
        if col.fmt is not None:
            return col.fmt(value)
        if value is None or isinstance(value, bool):
            return "" if value is None else ("yes" if value else "no")
        if isinstance(value, int | float):
            return value
        text = str(value)
        # Fast path (most cells): nothing to escape, nothing to make visible.
        if text.isprintable() and "[" not in text and "\\" not in text:
            return text
        return escape(literal_str(text, single_line=True))

    def _cells(self, record: dict[str, Any]) -> tuple[Any, ...]:
        """The displayed cells of `record`, formatted once per record object.

        Filtering shows the same record dicts again and again: formatting them once keeps a
        keystroke cheap on a 10,000-row table. A record whose shown values changed (in place)
        is formatted again.
        """
        values = self._values(record)
        hit = self._cell_cache.get(id(record))
        if hit is not None and hit[0] is record and hit[1] == values:
            return hit[2]
        cells = tuple(self._cell(c, record) for c in self.columns)
        if len(self._cell_cache) > 200_000:
            self._cell_cache.clear()
        self._cell_cache[id(record)] = (record, values, cells)
        return cells

    def _values(self, record: dict[str, Any]) -> tuple[Any, ...]:
        """The raw values `record` shows: a record changed in place is formatted again."""
        return tuple(record.get(c.key) for c in self.columns)

    def _backend(self, records: list[dict[str, Any]]) -> ArrowBackend:
        header = tuple(c.label for c in self.columns)
        rows = [self._cells(r) for r in records]
        backend = ArrowBackend.from_records([header, *rows], has_header=True)
        backend.render_markup = True
        return backend

    def set_records(self, records: Sequence[dict[str, Any]]) -> None:
        """Show `records` (sorted by the current sort column), keeping the cursor's record."""
        current = self.cursor_key
        self.records = list(records)
        self._apply_sort()
        self.backend = self._backend(self.records)
        self._ordered_columns = None  # widths follow the new contents
        self._clear_caches()
        self._require_update_dimensions = True
        self._update_count += 1
        row = self.row_of(current) if current is not None else None
        self.cursor_coordinate = self.cursor_coordinate._replace(row=row or 0)
        self.refresh()
        self.check_idle()

    def _apply_sort(self) -> None:
        if self.sort_key is not None:
            key = self.sort_key
            self.records.sort(key=lambda r: _sort_key(r.get(key)), reverse=self.reverse)

    def row_of(self, key: str) -> int | None:
        """The row index showing the record with `key`, or None."""
        for index, record in enumerate(self.records):
            if record.get(self.key_field) == key:
                return index
        return None

    @property
    def cursor_record(self) -> dict[str, Any] | None:
        """The record under the cursor."""
        if not self.records or not 0 <= self.cursor_row < len(self.records):
            return None
        return self.records[self.cursor_row]

    @property
    def cursor_key(self) -> str | None:
        """The key of the record under the cursor."""
        record = self.cursor_record
        return None if record is None else record.get(self.key_field)

    def shown(self) -> tuple[list[str], list[list[Any]]]:
        """The headers and raw values of the rows shown, in order (for export)."""
        headers = [c.label for c in self.columns]
        return headers, [[r.get(c.key) for c in self.columns] for r in self.records]

    # -- actions ----------------------------------------------------------------------------

    def sort_by(self, key: str, reverse: bool = False) -> None:
        """Sort by column `key`."""
        self.sort_key, self.reverse = key, reverse
        self.set_records(self.records)
        self.post_message(self.Sorted(self, key, reverse))

    def action_sort_next(self) -> None:
        """Sort by the column after the current sort column."""
        keys = [c.key for c in self.columns]
        index = keys.index(self.sort_key) + 1 if self.sort_key in keys else 0
        self.sort_by(keys[index % len(keys)], self.reverse)

    def action_sort_reverse(self) -> None:
        """Reverse the sort order."""
        self.sort_by(self.sort_key or self.columns[0].key, not self.reverse)

    def action_export(self) -> None:
        """Ask the app to export the rows shown."""
        self.post_message(self.ExportRequested(self))

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        """Clicking a header sorts by it (again: reverses)."""
        event.stop()
        key = self.columns[event.column_index].key
        self.sort_by(key, not self.reverse if key == self.sort_key else False)
