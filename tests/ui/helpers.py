"""Helpers for Pilot and snapshot tests."""

from __future__ import annotations

from pathlib import Path

from cs_tui.app import CsApp
from cs_tui.config import Settings
from cs_tui.db.store import Store
from tests.conftest import AS_OF

SIZE = (160, 48)


def make_app(store: Store | None, *, settings: Settings | None = None) -> CsApp:
    """The app at the fixed as-of, with a stable path in the header (snapshots stay equal)."""
    return CsApp(store, as_of=AS_OF, settings=settings, db_path=Path("demo.db"))
