"""WelcomeScreen: shown when there is no database yet; says how to get one."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Center, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Markdown

WELCOME = """\
# Welcome to cs-tui

There is no database at **`{path}`** yet.

## Try it on the demo portfolio

    cs-tui --demo

builds a realistic demo book of 400 accounts (a year of usage, tickets, surveys, renewals,
critical-path milestones) in its own file and opens it.

## Load your own data

Export CSVs from your CRM, ticket desk and survey tool, then:

    cs-tui import accounts accounts.csv --db {path}
    cs-tui import usage usage.csv --db {path}

and likewise `contacts`, `tickets`, `surveys`, `renewals` (columns in the README).
Every problem in a file is reported as `FILE:LINE: column: message` and nothing is written
until the whole file is valid.

Press **q** to quit.
"""


class WelcomeScreen(Screen[None]):
    """The first screen a new user sees."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(), Center():
            yield Markdown(WELCOME.format(path=self.path), id="welcome")
        yield Footer()
