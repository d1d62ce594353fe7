"""Coming back to a section reads its data again only when something was committed."""

from __future__ import annotations

from cs_tui.db.store import Store
from cs_tui.screens.portfolio_screen import PortfolioScreen
from tests.ui.helpers import SIZE, make_app, wait_for_workers


async def test_a_section_reads_again_only_after_a_change(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(app)
        screen = app.screen
        assert isinstance(screen, PortfolioScreen)
        reads: list[int] = []

        def load() -> None:  # counts reads; marks what it read, as the real one does
            reads.append(1)
            screen.mark_read()

        screen.load = load  # type: ignore[method-assign]

        async def away_and_back() -> None:
            await pilot.press("3")
            await wait_for_workers(app)
            await pilot.press("1")
            await pilot.pause()

        await away_and_back()
        assert reads == []  # nothing changed: what is shown is current
        demo_store.set_setting("probe", "changed")  # any commit, e.g. a tick on the timeline
        await away_and_back()
        assert reads == [1]
        await away_and_back()
        assert reads == [1]  # the first read after the change counts as current


async def test_a_template_edited_while_open_is_read_on_return(demo_store: Store) -> None:
    from cs_tui import config

    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(app)
        screen = app.screen
        reads: list[int] = []

        def load() -> None:
            reads.append(1)
            screen.mark_read()

        screen.load = load  # type: ignore[method-assign]
        config.config_dir().mkdir(parents=True, exist_ok=True)
        (config.config_dir() / "journey.toml").write_text("# edited by the user\n")
        await pilot.press("3")
        await wait_for_workers(app)
        await pilot.press("1")
        await pilot.pause()
        assert reads == [1]
