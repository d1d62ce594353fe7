"""ReportsWorkerErrors: a failed worker opens the app's error panel instead of vanishing."""

from __future__ import annotations

from textual import on
from textual.dom import DOMNode
from textual.worker import Worker, WorkerState


class ReportsWorkerErrors(DOMNode):
    """Mix into any screen or widget that starts workers.

    `Worker.StateChanged` does not bubble, so the app never hears of a failure in a screen's
    or widget's worker; this handler passes it on to the app's error panel.
    """

    @on(Worker.StateChanged)
    def _report_failed_worker(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            from cs_tui.screens.error_modal import ErrorModal

            self.app.push_screen(ErrorModal(event.worker.name, event.worker.error))
