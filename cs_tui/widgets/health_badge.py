"""How health shows: a band by colour AND symbol and word, a score, a 30-day change arrow.

Colour is never the only signal: every band carries its own symbol and its name.
The markup here is built by cs-tui from numbers and band names only (never from data text).
"""

from __future__ import annotations

from rich.text import Text

BAND_STYLE = {"green": "green", "yellow": "yellow", "red": "bold red"}
BAND_SYMBOL = {"green": "●", "yellow": "◆", "red": "▼"}
BAND_RANK = {"red": 0, "yellow": 1, "green": 2}
"""Sort order: the worst band first."""


def band_markup(band: str | None) -> str:
    """`● green` / `◆ yellow` / `▼ red` in the band's colour (empty when not scored)."""
    if band not in BAND_STYLE:
        return "[dim]not scored[/]"
    return f"[{BAND_STYLE[band]}]{BAND_SYMBOL[band]} {band}[/]"


def band_text(band: str | None) -> Text:
    """`band_markup` as a Text."""
    if band not in BAND_STYLE:
        return Text("not scored", "dim")
    return Text(f"{BAND_SYMBOL[band]} {band}", BAND_STYLE[band])


def score_markup(score: float | None, band: str | None) -> str:
    """The score, rounded, in its band's colour."""
    if score is None:
        return ""
    style = BAND_STYLE.get(band or "", "")
    return f"[{style}]{score:.0f}[/]" if style else f"{score:.0f}"


def change_markup(change: float | None) -> str:
    """`▲ +5` (up), `▼ -12` (down) or `▶ 0` (within a point), coloured; empty for no data."""
    if change is None:
        return "[dim]–[/]"
    if change >= 1:
        return f"[green]▲ +{change:.0f}[/]"
    if change <= -1:
        return f"[red]▼ {change:.0f}[/]"
    return f"[dim]▶ {abs(change):.0f}[/]"


def change_text(change: float | None) -> Text:
    """`change_markup` as a Text."""
    return Text.from_markup(change_markup(change))


def bar(score: float | None, width: int = 20, band: str | None = None) -> Text:
    """A horizontal bar of `score` out of 100 (`█` filled, `░` empty)."""
    if score is None:
        return Text("░" * width, "dim")
    filled = round(max(0.0, min(100.0, score)) / 100 * width)
    out = Text("█" * filled, BAND_STYLE.get(band or "", "cyan"))
    out.append("░" * (width - filled), "dim")
    return out
