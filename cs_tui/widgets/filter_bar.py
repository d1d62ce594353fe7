"""FilterBar: the `/` filter input that narrows a table as you type."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar, Generic, TypeVar

from textual import on
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input

T = TypeVar("T")


class FilterBar(Input):
    """A one-line filter, hidden until shown; `escape` clears and hides it."""

    DEFAULT_CSS = """
    FilterBar {
        dock: top;
        display: none;
        border: tall $accent;
        height: 3;
    }
    FilterBar.-shown {
        display: block;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Clear filter", id="filter.close", tooltip="Clear and hide"),
        Binding("enter", "done", "Keep filter", id="filter.done", tooltip="Back to the table"),
    ]

    @dataclass
    class FilterChanged(Message):
        """The filter text changed (an empty string means no filter)."""

        bar: FilterBar
        text: str

    def __init__(self, placeholder: str = "Filter…", *, id: str | None = None) -> None:  # noqa: A002
        # Disabled while hidden: a hidden input must never take focus (or the keys meant for
        # the section, like `2`, would be typed into it).
        super().__init__(placeholder=placeholder, id=id, disabled=True)

    def open(self) -> None:
        """Show the bar and focus it."""
        self.disabled = False
        self.add_class("-shown")
        self.focus()

    def action_close(self) -> None:
        """Clear the filter, hide the bar and hand focus back."""
        self.value = ""
        self.remove_class("-shown")
        self.disabled = True
        self.screen.focus_next()

    def action_done(self) -> None:
        """Keep the filter and go back to the table."""
        if not self.value:
            self.remove_class("-shown")
            self.disabled = True
        self.screen.focus_next()

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.FilterChanged(self, event.value))


def haystack(*fields: object) -> str:
    """The text a filter searches: `fields` joined and case-folded (compute it once per row)."""
    return " ".join("" if f is None else str(f) for f in fields).casefold()


def matches(query: str, *fields: object) -> bool:
    """Whether every word of `query` occurs (case-insensitively) in one of `fields`."""
    hay = haystack(*fields)
    return all(word in hay for word in query.casefold().split())


class TextFilter(Generic[T]):
    """Rows with their haystacks, filtered by a query as the user types.

    Typing only narrows: when the new query extends the last one, every row it matches
    also matched the last, so only those are searched again.
    """

    def __init__(self, rows: Iterable[tuple[str, T]] = ()) -> None:
        self.rows = list(rows)
        self._last: tuple[str, list[tuple[str, T]]] = ("", self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def apply(self, query: str) -> list[T]:
        """The rows whose haystack holds every word of `query`, in their order."""
        folded = query.casefold()
        last_query, last_rows = self._last
        pool = last_rows if folded.startswith(last_query) else self.rows
        words = folded.split()
        hits = [row for row in pool if all(word in row[0] for word in words)]
        self._last = (folded, hits)
        return [item for _hay, item in hits]
