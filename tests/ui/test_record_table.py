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
