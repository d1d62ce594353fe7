"""Paths, settings and templates: the one place that knows where files live and what day it is."""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

APP_NAME = "cs-tui"
M = TypeVar("M", bound=BaseModel)


class ConfigError(Exception):
    """A settings or template file that cannot be used, with a message for the user."""


def today() -> dt.date:
    """The default as-of date. The only place in cs-tui that reads the clock's date."""
    return dt.date.today()


def parse_date(text: str) -> dt.date:
    """Parse an ISO `YYYY-MM-DD` date (or the date part of a full ISO timestamp)."""
    text = text.strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise ValueError(f"not a date (YYYY-MM-DD): {text!r}") from None


def data_dir() -> Path:
    """The platform data directory (not created until something is written there).

    `CS_TUI_DATA` overrides it.
    """
    if env := os.environ.get("CS_TUI_DATA"):
        return Path(env)
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def config_dir() -> Path:
    """The user's config directory; `CS_TUI_CONFIG` overrides it."""
    if env := os.environ.get("CS_TUI_CONFIG"):
        return Path(env)
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False)


def default_db_path() -> Path:
    """The database used when no `--db` is given; `CS_TUI_DB` overrides it."""
    if env := os.environ.get("CS_TUI_DB"):
        return Path(env)
    return data_dir() / "cs.db"


def exports_dir() -> Path:
    """Where tables exported with `e` are written."""
    return data_dir() / "exports"


def demo_db_path() -> Path:
    """Where `cs-tui --demo` keeps its generated demo portfolio."""
    if env := os.environ.get("CS_TUI_DEMO_DB"):
        return Path(env)
    return data_dir() / "demo.db"


class Targets(BaseModel):
    """Portfolio targets from DOMAIN.md; ratios are fractions."""

    model_config = ConfigDict(extra="forbid")

    max_pct_red: float = 0.25
    """Share of unhealthy (red) accounts at most."""
    min_avg_health: float = 75.0
    """Average health score at least."""
    nrr: float = 1.10
    grr: float = 0.90
    nps: float = 50.0
    csat: float = 0.87
    onboarding_completion: float = 0.90
    max_logo_churn: float = 0.05
    """Annual logo churn below this."""
    max_revenue_churn: float = 0.05
    """Annual revenue (eligible) churn below this."""
    expansion_rate: float = 0.15
    """Share of decided renewals renewed above their ARR due, at least (15% in 12 months)."""


class Settings(BaseModel):
    """Everything a user may set in `settings.toml` in the config directory."""

    model_config = ConfigDict(extra="forbid")

    user: str = ""
    """Who is using cs-tui: the name recorded on notes, ticks and outcomes."""
    my_csm: str = ""
    """The CSM whose book "my book" shows; defaults to `user`."""
    gross_margin: float = Field(0.75, ge=0, le=1)
    """Gross margin used by CLV."""
    stuck_weeks: int = Field(3, ge=1)
    """A customer with an overdue milestone and no tick for this many weeks is stuck."""
    manual_measure_stale_days: int = Field(90, ge=1)
    """A manual health measure older than this is stale and no longer counts."""
    cac_per_acv: float = 1 / 1.15
    """Sales spend per $1 of new ACV (DOMAIN.md: $1.00 wins $1.15)."""
    crc_per_acv: float = 0.12
    """Customer-success spend per $1 of retained ACV."""
    targets: Targets = Field(default_factory=Targets)
    keymap: dict[str, str] = Field(default_factory=dict)
    """Binding id -> keys, applied with `App.set_keymap`."""

    @property
    def book_owner(self) -> str:
        """The CSM whose accounts "my book" shows."""
        return self.my_csm or self.user


def settings_path() -> Path:
    """The settings file in the config directory."""
    return config_dir() / "settings.toml"


def load_settings(path: Path | None = None) -> Settings:
    """Load settings from TOML, falling back to defaults when there is no file.

    Raises:
        ConfigError: the file is not TOML or holds unknown or invalid values.
    """
    path = path or settings_path()
    if not path.exists():
        return Settings()
    return _validated(Settings, _read_toml(path), path)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read as TOML: {exc}") from None


def _validated(model: type[M], data: dict[str, Any], path: Path) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(file)'}: {err['msg']}"
            for err in exc.errors()
        )
        raise ConfigError(f"{path}: {problems}") from None


def template_text(name: str) -> tuple[str, Path | None]:
    """The text of template `name` (e.g. "health.toml"): the user's copy if any, else ours.

    Returns:
        The text, and the user's path when the user's copy was used.
    """
    user_copy = config_dir() / name
    if user_copy.exists():
        try:
            return user_copy.read_text(encoding="utf-8"), user_copy
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{user_copy}: cannot read: {exc}") from None
    return resources.files("cs_tui.templates").joinpath(name).read_text(encoding="utf-8"), None


def load_template(name: str, model: type[M]) -> M:
    """Load and validate template `name` into `model`, with a clear error on a bad file."""
    text, path = template_text(name)
    shown = path or Path(f"(built-in) {name}")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{shown}: not valid TOML: {exc}") from None
    return _validated(model, data, shown)


def templates_signature() -> tuple[tuple[str, int], ...]:
    """The user's template files (health, journey, playbooks, ...) and when each last changed:
    a section that reads one compares this to notice an edit made while it was open."""
    folder = config_dir()
    if not folder.is_dir():
        return ()
    return tuple(sorted((p.name, p.stat().st_mtime_ns) for p in folder.glob("*.toml")))


def write_crash_log(exc: BaseException) -> Path:
    """Append the traceback of `exc` to crash.log in the data directory; return its path."""
    import traceback

    path = data_dir() / "crash.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write("".join(traceback.format_exception(exc)))
    except OSError:
        pass
    return path
