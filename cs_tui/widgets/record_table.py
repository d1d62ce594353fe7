"""RecordTable: a fast, sortable table of records whose text is always shown literally."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar, Literal, NoReturn

from rich.padding import Padding
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.renderables.styled import Styled
from textual_fastdatatable import DataTable
from textual_fastdatatable.backend import DataTableBackend
from textual_fastdatatable.column import CELL_X_PADDING
from textual_fastdatatable.format import cell_formatter, measure_width

from cs_tui.widgets.literal import literal_str


@dataclass(frozen=True)
class Col:
    """A column: the record key it shows, its header and how a value is displayed.

    `fmt` returns trusted Rich markup built by cs-tui itself (a band badge, an arrow);
    without `fmt`, text is escaped so data never becomes markup. `right` aligns the
    column's text to the right, as for formatted figures (integers always are).
    """

    key: str
    label: str
    fmt: Callable[[Any], str] | None = None
    width: int | None = None
    right: bool = False


def _sort_key(value: Any) -> tuple[int, Any]:
    # None sorts last in ascending order; numbers and strings never compare with each other.
    if value is None:
        return (2, 0)
    if isinstance(value, str):
        return (1, value.casefold())
    return (0, value)


@lru_cache(maxsize=65_536)
def _markup_width(text: str) -> int:
    return measure_width(text, render_markup=True)


def _plain(text: str) -> bool:
    """Whether `text` shows as itself, one cell per character (no markup, no escapes)."""
    return text.isascii() and text.isprintable() and "[" not in text and "\\" not in text


def cell_width(cell: Any) -> int:
    """The cells `cell` (a value `_cell` returned) takes on screen, as the table renders it."""
    if cell is None:
        return 0
    if isinstance(cell, str):
        # Fast path: plain ASCII is as wide as it is long; markup and the rest are measured.
        if _plain(cell):
            return len(cell)
        return _markup_width(cell)
    if isinstance(cell, Text):
        return cell.cell_len
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return len(f"{cell:n}")
    return _markup_width(str(cell))


class RecordBackend(DataTableBackend[list]):
    """The rows of a RecordTable, formatted only when the table asks for them.

    fastdatatable's ArrowBackend copies every formatted cell into Arrow (and imports
    pandas on the way): on 10,000 records that cost more than a second per update. This
    backend keeps the records themselves; a row is formatted when it is drawn, and the
    column widths are the table's, measured once over every record it was given.
    """

    def __init__(  # noqa: D107
        self,
        data: list,
        max_rows: int | None = None,
        column_names: Sequence[str] | None = None,
        *,
        table: RecordTable | None = None,
        widths: Callable[[], list[int]] | None = None,
    ) -> None:
        super().__init__(data, max_rows, column_names)
        self.data = data
        self._labels = list(column_names or [])
        self._table = table
        self._column_widths = widths

    @classmethod
    def from_pydict(
        cls, data: Any, max_rows: int | None = None, column_names: Any = None
    ) -> NoReturn:  # noqa: D102
        raise NotImplementedError("a RecordTable is filled with set_records")

    def _row(self, index: int) -> tuple[Any, ...]:
        assert self._table is not None
        return self._table._cells(self.data[index])

    @property
    def source_data(self) -> list:  # noqa: D102
        return self.data

    @property
    def source_row_count(self) -> int:  # noqa: D102
        return len(self.data)

    @property
    def row_count(self) -> int:  # noqa: D102
        return len(self.data)

    @property
    def columns(self) -> Sequence[str]:  # noqa: D102
        return self._labels

    @property
    def column_content_widths(self) -> Sequence[int]:  # noqa: D102
        return [0] * len(self._labels) if self._column_widths is None else self._column_widths()

    def get_row_at(self, index: int) -> Sequence[Any]:  # noqa: D102
        return self._row(index)

    def get_column_at(self, index: int) -> Sequence[Any]:  # noqa: D102
        return [self._row(i)[index] for i in range(len(self.data))]

    def get_cell_at(self, row_index: int, column_index: int) -> Any:  # noqa: D102
        return self._row(row_index)[column_index]

    def _read_only(self, *_args: Any, **_kwargs: Any) -> NoReturn:
        raise NotImplementedError("a RecordTable is changed with set_records")

    def append_column(self, label: str, default: Any | None = None) -> int:  # noqa: D102
        self._read_only()

    def append_rows(self, records: Iterable[Iterable[Any]]) -> list[int]:  # noqa: D102
        self._read_only()

    def drop_row(self, row_index: int) -> None:  # noqa: D102
        self._read_only()

    def update_cell(self, row_index: int, column_index: int, value: Any) -> None:  # noqa: D102
        self._read_only()

    def sort(self, by: list[tuple[str, Literal["ascending", "descending"]]] | str) -> None:  # noqa: D102
        self._read_only()


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
        self._cell_cache: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        self._cached_columns = tuple(self.columns)
        self.sort_key = sort_key
        self.reverse = reverse
        self._universe: list[dict[str, Any]] = []
        self._universe_widths: list[int] | None = None
        self._drawn_cache: dict[tuple[Any, ...], list[list[Segment]]] = {}
        super().__init__(
            backend=RecordBackend([], column_names=[c.label for c in columns], table=self),
            render_markup=True,
            cursor_type="row",
            zebra_stripes=True,
            show_row_labels=False,
            column_widths=[c.width for c in self.columns],
            max_column_content_width=60,
            id=id,
            classes=classes,
        )

    # -- drawing ----------------------------------------------------------------------------

    def _render_cell(  # type: ignore[override]
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
        in_range: bool = False,
    ) -> list[list[Segment]]:
        """Draw a body cell, reusing the drawing of any cell that showed the same value.

        fastdatatable draws every cell through Rich (padding, alignment, markup, cropping)
        and forgets it when the rows change, which made each keystroke of a filter redraw
        a screenful from scratch. Here a value is drawn once per width and style and only
        the row and column (mouse metadata) are added per cell. Plain text and integers
        that fit are drawn directly, with the same styles.
        """
        if row_index < 0 or column_index < 0 or self.fixed_rows or self.fixed_columns:
            return super()._render_cell(
                row_index, column_index, base_style, width, cursor, hover, in_range
            )
        key = (
            row_index,
            column_index,
            base_style,
            cursor,
            hover,
            in_range,
            self._show_hover_cursor,
            self._update_count,
            self._pseudo_class_state,
        )
        lines = self._cell_render_cache.get(key)
        if lines is None:
            component_style, post_style = self._get_styles_to_render_cell(
                False,
                False,
                False,
                hover,
                cursor,
                in_range,
                self.show_cursor,
                self._show_hover_cursor,
                self.cursor_type == "range",
                self.cursor_foreground_priority == "css",
                self.cursor_background_priority == "css",
            )
            assert self.backend is not None
            cell = self.backend.get_cell_at(row_index, column_index)
            drawn = self._drawn(cell, column_index, width, base_style + component_style, post_style)
            meta = Style.from_meta({"row": row_index, "column": column_index})
            lines = [
                [Segment(s.text, s.style + meta if s.style else meta, s.control) for s in line]
                for line in drawn
            ]
            self._cell_render_cache[key] = lines
        return lines

    def _drawn(
        self, cell: Any, column_index: int, width: int, pre_style: Style, post_style: Style
    ) -> list[list[Segment]]:
        """`cell` drawn `width` wide in the given styles (cached by value)."""
        right = self.columns[column_index].right
        try:
            key = (cell, type(cell), right, width, pre_style, post_style)
            hit = self._drawn_cache.get(key)
        except TypeError:  # an unhashable value (a Text): drawn every time
            key, hit = None, None
        if hit is not None:
            return hit
        room = width - CELL_X_PADDING
        text = None
        if isinstance(cell, str) and cell and _plain(cell) and len(cell) <= room:
            text = f" {cell:>{room}} " if right else f" {cell:<{room}} "
        elif isinstance(cell, int) and not isinstance(cell, bool) and len(f"{cell:n}") <= room:
            text = f" {cell:>{room}n} "
        if text is not None:
            drawn = [[Segment(text, pre_style + post_style)]]
        else:  # as fastdatatable draws a cell
            options = self.app.console.options.update_dimensions(width, 1)
            if self.max_column_content_width is not None:
                options.overflow = "ellipsis"
                options.no_wrap = True
            renderable = cell_formatter(
                cell,
                null_rep=self.null_rep,
                col=self.ordered_columns[column_index],
                render_markup=self.render_markup,
                max_width=room,
            )
            if right and isinstance(renderable, Text):
                renderable.justify = "right"
            drawn = self.app.console.render_lines(
                Styled(Padding(renderable, (0, 1)), pre_style=pre_style, post_style=post_style),
                options,
            )
        if key is not None:
            if len(self._drawn_cache) > 20_000:
                self._drawn_cache.clear()
            self._drawn_cache[key] = drawn
        return drawn

    # -- data -------------------------------------------------------------------------------

    def _cell(self, col: Col, record: dict[str, Any]) -> Any:
        value = record.get(col.key)
        if col.fmt is not None:
            return col.fmt(value)
        if value is None or isinstance(value, bool):
            return "" if value is None else ("yes" if value else "no")
        if isinstance(value, int):
            return value  # drawn right-aligned by the table
        if isinstance(value, float):
            # As stored (10.0 stays "10.0", not "10"), right-aligned like the integers.
            return Text(str(value), justify="right")
        text = str(value)
        # Most cells: text that reads the same when drawn as markup (no brackets, no
        # backslashes, no ":emoji:" codes), drawn fast and cached by value.
        if text.isprintable() and not any(c in text for c in "[\\:"):
            return text
        # The rest as a Text, which is never parsed: shown as stored, escapes made visible.
        return Text(literal_str(text, single_line=True))

    def _cells(self, record: dict[str, Any]) -> tuple[Any, ...]:
        """The displayed cells of `record`, formatted once per set of values.

        Filtering and re-reading show the same values again and again: formatting them once
        keeps a keystroke (and a return to a section) cheap. The cache is keyed by the
        values shown and their types, so a record changed in place, or read again from the
        database, is looked up by what it shows.
        """
        values = self._values(record)
        try:
            key = (values, tuple(map(type, values)))
            hit = self._cell_cache.get(key)
        except TypeError:  # an unhashable value: format it every time
            key, hit = None, None
        if hit is not None:
            return hit
        cells = tuple(self._cell(c, record) for c in self.columns)
        if key is not None:
            if len(self._cell_cache) > 200_000:
                self._cell_cache.clear()
            self._cell_cache[key] = cells
        return cells

    def _values(self, record: dict[str, Any]) -> tuple[Any, ...]:
        """The raw values `record` shows: a record changed in place is formatted again."""
        return tuple(record.get(c.key) for c in self.columns)

    def set_records(self, records: Sequence[dict[str, Any]]) -> None:
        """Show `records` (sorted by the current sort column), keeping the cursor's record.

        They become the table's universe: `show_subset` narrows to some of them without
        sorting or measuring again, so filtering costs little however many there are.
        """
        if tuple(self.columns) != self._cached_columns:  # new columns: new cells
            self._cell_cache.clear()
            self._cached_columns = tuple(self.columns)
        self._universe = list(records)
        self._apply_sort()
        self._universe_widths = None
        self._show(self._universe)

    def show_subset(self, records: Iterable[dict[str, Any]]) -> None:
        """Show only `records` (records given to the last `set_records`), in the table's order.

        The columns keep the widths of every record, so they stay put while the user types.
        """
        keep = {id(r) for r in records}
        self._show([r for r in self._universe if id(r) in keep])

    def _show(self, rows: list[dict[str, Any]]) -> None:
        current = self.cursor_key
        self.records = rows
        self.backend = RecordBackend(
            rows,
            column_names=[c.label for c in self.columns],
            table=self,
            widths=self._universe_column_widths,
        )
        self.backend.render_markup = True
        self._ordered_columns = None  # widths follow the new contents
        self._clear_caches()
        self._require_update_dimensions = True
        self._update_count += 1
        row = self.row_of(current) if current is not None else None
        self.cursor_coordinate = self.cursor_coordinate._replace(row=row or 0)
        if self.cursor_key != current:
            # Another record (or none) is under the cursor at the same row: actions that
            # depend on it (a footer key shown or dimmed) are checked again.
            self.refresh_bindings()
        self.refresh()
        self.check_idle()

    def _universe_column_widths(self) -> list[int]:
        """The widest cell of each column over every record (measured once per universe).

        Measured per distinct value, not per record: a 10,000-row table has a few hundred
        scores, bands and dates, so the first frame does not wait for every row to be
        formatted (rows are formatted when they are drawn).
        """
        if self._universe_widths is None:
            self._universe_widths = [self._column_width(c) for c in self.columns]
        return self._universe_widths

    def _column_width(self, col: Col) -> int:
        values = [r.get(col.key) for r in self._universe]
        try:
            distinct: Iterable[Any] = set(values)
        except TypeError:  # unhashable values: measure each
            distinct = values
        return max((cell_width(self._cell(col, {col.key: v})) for v in distinct), default=0)

    def _apply_sort(self) -> None:
        if self.sort_key is not None:
            key = self.sort_key
            self._universe.sort(key=lambda r: _sort_key(r.get(key)), reverse=self.reverse)

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
        shown = self.records
        self._apply_sort()
        if len(shown) == len(self._universe):
            self._show(self._universe)
        else:
            self.show_subset(shown)
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
