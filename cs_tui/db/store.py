"""The Store: the only API the rest of cs-tui uses to read and write the database.

Each area keeps its SQL in its own module as a mixin over `BaseStore`; `Store` composes them.
"""

from __future__ import annotations

from cs_tui.db.accounts import AccountQueries
from cs_tui.db.core import BaseStore, StoreError
from cs_tui.db.health import HealthQueries
from cs_tui.db.journey import JourneyQueries
from cs_tui.db.metrics import MetricQueries
from cs_tui.db.playbooks import PlaybookQueries
from cs_tui.db.renewals import RenewalQueries

__all__ = ["Store", "StoreError"]


class Store(
    AccountQueries,
    JourneyQueries,
    RenewalQueries,
    MetricQueries,
    HealthQueries,
    PlaybookQueries,
    BaseStore,
):
    """A cs-tui database: `Store.open(path)`, then read and write through its methods."""
