"""Command palette providers: jump to any account by name, or to any section."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from cs_tui.widgets.literal import literal_str

if TYPE_CHECKING:
    from cs_tui.app import CsApp


class AccountCommands(Provider):
    """Every account by name: picking one opens its account screen."""

    async def startup(self) -> None:
        app = cast("CsApp", self.app)
        store = app.store
        worker = app.run_worker(
            store.account_names if store is not None else list, thread=True, group="palette"
        )
        self.accounts: list[tuple[str, str]] = await worker.wait() or []

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        app = cast("CsApp", self.app)
        for account_id, name in self.accounts:
            shown = literal_str(name, single_line=True)
            score = matcher.match(shown)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(shown),
                    partial(app.open_account, account_id),
                    help=f"Open account {account_id}",
                )


SECTIONS = {
    "portfolio": "Portfolio: every account, health and renewal",
    "journey": "Critical path: milestones and barriers, week 1 to 52",
    "renewals": "Renewals: the queue from 90 days out",
    "playbooks": "Playbooks: today's tasks and open runs",
    "metrics": "Metrics against targets",
}


class SectionCommands(Provider):
    """The five sections of the workstation."""

    def _hits(self) -> list[tuple[str, str]]:
        return [(f"Go to {text.split(':')[0]}", mode) for mode, text in SECTIONS.items()]

    async def discover(self) -> Hits:
        app = cast("CsApp", self.app)
        for text, mode in self._hits():
            yield DiscoveryHit(text, partial(app.switch_section, mode), help=SECTIONS[mode])

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        app = cast("CsApp", self.app)
        for text, mode in self._hits():
            score = matcher.match(text)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(text),
                    partial(app.switch_section, mode),
                    help=SECTIONS[mode],
                )


class ImportCommands(Provider):
    """Import a CSV file: one hit for the screen, one per kind (which preselects it)."""

    def _hits(self) -> list[tuple[str, str | None, str]]:
        from cs_tui.domain.rows import KINDS

        hits: list[tuple[str, str | None, str]] = [
            ("Import a CSV file", None, "Check a CSV export, then import it: all rows or none")
        ]
        hits += [(f"Import {kind} (CSV)", kind, f"Import a CSV export of {kind}") for kind in KINDS]
        return hits

    async def discover(self) -> Hits:
        app = cast("CsApp", self.app)
        text, kind, help_text = self._hits()[0]
        yield DiscoveryHit(text, partial(app.open_import, kind), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        app = cast("CsApp", self.app)
        for text, kind, help_text in self._hits():
            score = matcher.match(text)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(text), partial(app.open_import, kind), help=help_text
                )
