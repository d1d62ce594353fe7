"""RecordTable cells: data is shown literally, whatever it contains."""

from __future__ import annotations

from rich.text import Text

from cs_tui.widgets.record_table import Col, RecordTable


def shown(value: object) -> str:
    """What a cell holding `value` displays, as the table renders markup cells."""
    table = RecordTable([Col("v", "Value")], key="v")
    cell = table._cell(table.columns[0], {"v": value})
    return Text.from_markup(cell).plain if isinstance(cell, str) else str(cell)


def test_markup_is_displayed_as_typed() -> None:
    assert shown("[bold red]Evil[/]") == "[bold red]Evil[/]"
    assert shown("[@click=app.quit]x") == "[@click=app.quit]x"
    assert shown("back\\slash [b]") == "back\\slash [b]"


def test_terminal_escapes_are_made_visible_and_newlines_flattened() -> None:
    assert shown("Globex\x1b[2J") == "Globex␛[2J"
    assert shown("two\nlines") == "two lines"


def test_plain_text_and_numbers_pass_through() -> None:
    assert shown("Acme Corp") == "Acme Corp"
    assert shown(1234.5) == "1234.5"
    assert shown(None) == ""
    assert shown(True) == "yes"


async def test_a_record_changed_in_place_is_shown_changed() -> None:
    from textual.app import App, ComposeResult

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield RecordTable([Col("k", "Key"), Col("when", "When")], key="k", sort_key="k")

    app = One()
    async with app.run_test() as pilot:
        table = app.query_one(RecordTable)
        records = [{"k": "a", "when": "today"}, {"k": "b", "when": "this week"}]
        table.set_records(records)
        table.set_records(records[:1])  # a filter: the same record objects again
        assert table.get_row_at(0) == ["a", "today"]
        records[0]["when"] = "done"  # ticked in place, then shown again
        table.set_records(records)
        await pilot.pause()
        assert [table.get_row_at(i) for i in range(2)] == [["a", "done"], ["b", "this week"]]


async def test_fast_cells_draw_exactly_as_the_library_draws_them() -> None:
    """Plain text and integers skip Rich's layout; what they draw must not change."""
    from rich.segment import Segment
    from textual.app import App, ComposeResult
    from textual_fastdatatable import DataTable

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield RecordTable(
                [
                    Col("name", "Name"),
                    Col("n", "Count"),
                    Col("csm", "CSM"),
                    Col("band", "Band", fmt=lambda b: f"[b red]▼ {b}[/]"),
                    Col("x", "Share"),
                ],
                key="name",
            )

    def cells(lines: list[list[Segment]]) -> list[tuple[str, object]]:
        # Character by character, with the style each character is drawn in.
        return [(ch, seg.style) for line in lines for seg in line for ch in seg.text]

    app = One()
    async with app.run_test() as pilot:
        table = app.query_one(RecordTable)
        table.set_records(
            [
                {"name": "Acme Corp", "n": 1234, "csm": "Jamal Quinn", "band": "red", "x": 0.5},
                {"name": "Globex", "n": 7, "csm": None, "band": "red", "x": None},
                {"name": "Initech [b]Holdings[/]", "n": -3, "csm": "Ann", "band": "", "x": 2.0},
            ]
        )
        await pilot.pause()
        style = table.rich_style
        for row in range(3):
            for column in range(5):
                for cursor in (False, True):
                    width = table.ordered_columns[column].render_width
                    ours = table._render_cell(row, column, style, width, cursor=cursor)
                    if column < 3 and (row, column) not in [(1, 2), (2, 0)]:
                        # plain text and numbers are drawn in one piece, without Rich
                        assert len(ours) == 1 and len(ours[0]) == 1, (row, column)
                    table._clear_caches()
                    theirs = DataTable._render_cell(table, row, column, style, width, cursor=cursor)
                    table._clear_caches()
                    assert cells(ours) == cells(theirs), (row, column, cursor)
                    again = table._render_cell(row, column, style, width, cursor=cursor)
                    assert cells(again) == cells(theirs), (row, column, cursor)  # from cache


async def test_a_subset_keeps_the_table_order_and_the_column_widths() -> None:
    from textual.app import App, ComposeResult

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield RecordTable([Col("k", "Key"), Col("name", "Name")], key="k", sort_key="name")

    app = One()
    async with app.run_test() as pilot:
        table = app.query_one(RecordTable)
        records = [
            {"k": "1", "name": "zeta"},
            {"k": "2", "name": "a much longer name"},
            {"k": "3", "name": "beta"},
        ]
        table.set_records(records)
        await pilot.pause()
        widths = [c.content_width for c in table.ordered_columns]
        table.show_subset([records[0], records[2]])  # in any order
        await pilot.pause()
        assert [r["k"] for r in table.records] == ["3", "1"]  # sorted by name
        assert [c.content_width for c in table.ordered_columns] == widths
        table.sort_by("name", reverse=True)  # sorting keeps the subset
        assert [r["k"] for r in table.records] == ["1", "3"]
        table.set_records(records)
        assert [r["k"] for r in table.records] == ["1", "3", "2"]


async def test_a_right_aligned_column_shows_figures_flush_right() -> None:
    from textual.app import App, ComposeResult

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield RecordTable(
                [
                    Col("k", "Key"),
                    Col("arr", "ARR", fmt=lambda v: f"{v:,.0f}", right=True),
                    Col("band", "Band", fmt=lambda v: f"[red]{v}[/]", right=True),
                ],
                key="k",
            )

    app = One()
    async with app.run_test() as pilot:
        table = app.query_one(RecordTable)
        table.set_records(
            [{"k": "a", "arr": 1234567.0, "band": "red"}, {"k": "b", "arr": 7.0, "band": "x"}]
        )
        await pilot.pause()
        style = table.rich_style

        def drawn(row: int, column: int) -> str:
            width = table.ordered_columns[column].render_width
            lines = table._render_cell(row, column, style, width)
            return "".join(segment.text for segment in lines[0])

        assert drawn(0, 1) == " 1,234,567 "
        assert drawn(1, 1) == "         7 "
        assert drawn(1, 2).endswith(" x ") and drawn(1, 2).startswith("   ")


def test_backslashes_and_emoji_codes_are_shown_as_typed() -> None:
    assert shown("ok\\") == "ok\\"
    assert shown("Café :rocket: Ltd") == "Café :rocket: Ltd"


async def test_data_is_drawn_as_typed_whether_it_fits_or_not() -> None:
    from textual.app import App, ComposeResult

    names = ["Café :rocket: Ltd\\", "[b]Bold[/] :smile: Inc", "Plain Name"]

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield RecordTable([Col("name", "Name")], key="name")

    app = One()
    async with app.run_test() as pilot:
        table = app.query_one(RecordTable)
        table.set_records([{"name": n} for n in names])
        await pilot.pause()
        style = table.rich_style
        for row, name in enumerate(table.records):
            lines = table._render_cell(row, 0, style, 40)  # room for the whole name
            assert "".join(s.text for s in lines[0]).strip() == name["name"]
            narrow = table._render_cell(row, 0, style, 8)  # clipped, but never converted
            drawn = "".join(s.text for s in narrow[0])
            assert "🚀" not in drawn and "😄" not in drawn
