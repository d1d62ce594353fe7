"""SectionScreen: what every section shares (header with db and as-of, footer, placeholder)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header

from cs_tui import config
from cs_tui.widgets.worker_errors import ReportsWorkerErrors

if TYPE_CHECKING:
    from cs_tui.app import CsApp
    from cs_tui.db.store import Store


class SectionScreen(ReportsWorkerErrors, Screen[None]):
    """A section of the workstation: header, a body from `compose_body`, and the footer."""

    @property
    def cs_app(self) -> CsApp:
        """The app, typed."""
        return cast("CsApp", self.app)

    @property
    def store(self) -> Store:
        """The open store (sections only exist when a database is open)."""
        store = self.cs_app.store
        assert store is not None
        return store

    _read_version: tuple[int, tuple[tuple[str, int], ...]] | None = None

    def _inputs_version(self) -> tuple[int, tuple[tuple[str, int], ...]]:
        return self.store.data_version(), config.templates_signature()

    def mark_read(self) -> None:
        """Note that the section's data is being read now (call as a read starts, any thread)."""
        self._read_version = self._inputs_version()

    def changed_since_read(self) -> bool:
        """Whether anything was committed (here, in a worker or by another program), or a
        template file edited, since the section last read its data: coming back to an
        unchanged section reads nothing."""
        return self._read_version is None or self._inputs_version() != self._read_version

    def compose(self) -> ComposeResult:
        yield Header()
        yield from self.compose_body()
        yield Footer()

    def compose_body(self) -> ComposeResult:
        """The section's own widgets."""
        yield from ()
