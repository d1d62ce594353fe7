"""Row models for CSV imports: what one line of each import KIND must hold (pure validation).

Each KIND of DESIGN.md's CSV formats has a pydantic row model (a `TypedDict` validated by
pydantic, so a chunk of thousands of rows is checked in one call to pydantic-core) and a
`RowKind` that says which columns are required, which form the natural key and which table
the rows go to. Field errors and cross-field rules are turned into one short message per
problem by `problems_of`, so the importer can print `FILE:LINE: column: message`.

Values arrive as the strings a CSV reader yields: blanks mean "absent", enum values are
matched without regard to case, dates are `YYYY-MM-DD` or a full ISO timestamp (the date part
as written is kept: an export's timestamps are read in the exporting system's time zone) and
come out as `YYYY-MM-DD` text, the form the database stores.
"""

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Annotated, Any, NotRequired, get_args, get_origin, get_type_hints

from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, TypeAdapter
from pydantic_core import PydanticCustomError
from typing_extensions import TypedDict

from cs_tui.domain.models import (
    AccountStatus,
    ContactRole,
    Edition,
    Priority,
    RenewalOutcome,
    Segment,
    SurveyKind,
)

KINDS: tuple[str, ...] = ("accounts", "contacts", "usage", "tickets", "surveys", "renewals")
"""Every import KIND, in the order a fresh database should be loaded."""

_TIMESTAMP = re.compile(
    r"(\d{4}-\d{2}-\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?"
    r"(?:\s?(?:Z|[+-]\d{2}(?::?\d{2})?))?)?"
)
_TRUE = {"true", "yes", "y", "1", "t"}
_FALSE = {"false", "no", "n", "0", "f", ""}


def _custom(message: str) -> PydanticCustomError:
    return PydanticCustomError("cs_value", message)


def parse_date(value: Any) -> dt.date:
    """A date from `YYYY-MM-DD` or a full ISO timestamp (its date part); raises with a message."""
    if isinstance(value, dt.date):
        return value
    return _parse_date_text(str(value))


@lru_cache(maxsize=8192)
def iso_date(value: Any) -> str:
    """`parse_date`, as the `YYYY-MM-DD` text the database stores (ISO text sorts by date).

    Cached (a usage file repeats each day once per account) and called directly by pydantic:
    on a million rows every layer of Python call shows.
    """
    return parse_date(value).isoformat()


@lru_cache(maxsize=8192)
def _parse_date_text(value: str) -> dt.date:
    # Cached: a usage file repeats each day once per account.
    text = value.strip()
    if not text:
        raise _custom("missing value")
    # The common case first: exactly YYYY-MM-DD (fromisoformat alone would also take 2024-W01-1).
    if len(text) == 10 and text[4] == "-" == text[7]:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    else:
        match = _TIMESTAMP.fullmatch(text)
        if match:
            try:
                return dt.date.fromisoformat(match.group(1))
            except ValueError:
                pass
    raise _custom(f"not a date (YYYY-MM-DD or ISO timestamp): {text!r}")


def _optional_date(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return iso_date(value)


def _enum(allowed: tuple[str, ...], default: str | None = None) -> Callable[[Any], Any]:
    """A before-validator: trimmed, lower-cased, blank -> default, unknown -> a clear message."""
    listed = ", ".join(allowed)

    def check(value: Any) -> Any:
        text = str(value).strip().lower()
        if not text:
            if default is not None:
                return default
            raise _custom("missing value")
        if text not in allowed:
            raise _custom(f"unknown value {str(value).strip()!r} (allowed: {listed})")
        return text

    return check


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _custom(f"not true/false: {str(value).strip()!r}")


def _optional_money(value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return value


def _blank_to(default: Any) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return default
        return value

    return check


Text = Annotated[str, Field(min_length=1)]
"""A required text value (trimmed)."""
OptionalText = Annotated[str, BeforeValidator(_blank_to(""))]
Date = Annotated[str, BeforeValidator(iso_date)]
"""A date, validated, as ISO `YYYY-MM-DD` text (the database's form; compares as dates do)."""
OptionalDate = Annotated[str | None, BeforeValidator(_optional_date)]
Money = Annotated[float, Field(ge=0, allow_inf_nan=False)]
OptionalMoney = Annotated[Money | None, BeforeValidator(_optional_money)]
INT_MAX = 2**63 - 1
"""The largest whole number SQLite stores: a larger one is a problem in the file, not a crash."""
Count = Annotated[int, Field(ge=0, le=INT_MAX)]
Minutes = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Flag = Annotated[bool, BeforeValidator(_bool)]


def _enum_type(literal: Any, default: str | None = None) -> Any:
    allowed: tuple[str, ...] = get_args(literal)
    return Annotated[literal, BeforeValidator(_enum(allowed, default))]


_CONFIG = ConfigDict(str_strip_whitespace=True, extra="ignore")


# -- the row models ---------------------------------------------------------------------------


class AccountRow(TypedDict):
    """One line of an accounts CSV (a CRM export)."""

    __pydantic_config__ = _CONFIG  # type: ignore[misc]
    account_id: Text
    name: Text
    segment: _enum_type(Segment)  # type: ignore[valid-type]
    edition: _enum_type(Edition)  # type: ignore[valid-type]
    csm: Text
    start_date: Date
    renewal_date: NotRequired[OptionalDate]
    mrr: Money
    licensed_users: Count
    status: NotRequired[_enum_type(AccountStatus, "active")]  # type: ignore[valid-type]
    churned_on: NotRequired[OptionalDate]


def _account_rules(row: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    status = row.get("status", "active")
    churned_on = row.get("churned_on")
    if status == "churned" and churned_on is None:
        yield "churned_on", "required when status is churned"
    if status != "churned" and churned_on is not None:
        yield "churned_on", f"set, but status is {status!r}: only churned accounts have one"
    if churned_on is not None and churned_on < row["start_date"]:
        yield "churned_on", f"{churned_on} is before start_date {row['start_date']}"
    renewal = row.get("renewal_date")
    if renewal is not None and renewal < row["start_date"]:
        yield "renewal_date", f"{renewal} is before start_date {row['start_date']}"


class ContactRow(TypedDict):
    """One line of a contacts CSV."""

    __pydantic_config__ = _CONFIG  # type: ignore[misc]
    account_id: Text
    name: Text
    email: Text
    role: _enum_type(ContactRole)  # type: ignore[valid-type]
    advocate: NotRequired[Flag]


def _contact_rules(row: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    email: str = row["email"]
    local, at, domain = email.partition("@")
    if not at or not local or not domain or any(ch.isspace() or ord(ch) < 32 for ch in email):
        yield "email", f"not an email address: {email!r}"


class UsageRow(TypedDict):
    """One account's usage on one day."""

    __pydantic_config__ = _CONFIG  # type: ignore[misc]
    account_id: Text
    date: Date
    active_users: Count
    logins: Count
    session_minutes: Minutes
    features_used: Count
    workflows_completed: Count
    integrations_active: Count


class TicketRow(TypedDict):
    """One support ticket from a ticket desk export."""

    __pydantic_config__ = _CONFIG  # type: ignore[misc]
    ticket_id: Text
    account_id: Text
    opened_at: Date
    closed_at: NotRequired[OptionalDate]
    priority: NotRequired[_enum_type(Priority, "normal")]  # type: ignore[valid-type]


def _ticket_rules(row: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    closed = row.get("closed_at")
    if closed is not None and closed < row["opened_at"]:
        yield "closed_at", f"{closed} is before opened_at {row['opened_at']}"


class SurveyRow(TypedDict):
    """One NPS or CSAT response from a survey tool."""

    __pydantic_config__ = _CONFIG  # type: ignore[misc]
    response_id: Text
    account_id: Text
    kind: _enum_type(SurveyKind)  # type: ignore[valid-type]
    score: int
    submitted_at: Date
    comment: NotRequired[OptionalText]


SCORE_RANGES: dict[str, tuple[int, int]] = {"nps": (0, 10), "csat": (1, 5)}
"""Valid score range per survey kind, both ends included."""


def _survey_rules(row: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    low, high = SCORE_RANGES[row["kind"]]
    if not low <= row["score"] <= high:
        yield "score", f"{row['kind']} scores run {low}-{high}, got {row['score']}"


class RenewalRow(TypedDict):
    """One renewal of an account's contract, open or decided."""

    __pydantic_config__ = _CONFIG  # type: ignore[misc]
    account_id: Text
    renewal_date: Date
    arr_due: Money
    outcome: NotRequired[_enum_type(RenewalOutcome, "open")]  # type: ignore[valid-type]
    arr_renewed: NotRequired[OptionalMoney]


def _renewal_rules(row: dict[str, Any]) -> Iterator[tuple[str, str]]:
    outcome = row.get("outcome", "open")
    renewed = row.get("arr_renewed")
    if outcome == "open" and renewed is not None:
        yield "arr_renewed", "must be empty while the outcome is open"
    elif outcome == "renewed" and renewed is None:
        yield "arr_renewed", "required when the outcome is renewed"
    elif outcome == "churned":
        if renewed is None:
            row["arr_renewed"] = 0.0  # DESIGN.md: 0 if churned; a blank means exactly that
        elif renewed != 0:
            yield "arr_renewed", f"must be 0 when the outcome is churned, got {renewed:g}"


# -- kinds ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowKind:
    """What one import KIND is: its row model, required columns, natural key and table."""

    kind: str
    table: str
    model: Any
    key: tuple[str, ...]
    rules: Callable[[Any], Iterator[tuple[str, str]]] | None = None
    columns: tuple[str, ...] = field(init=False)
    required: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        hints = self.model.__annotations__
        object.__setattr__(self, "columns", tuple(k for k in hints if not k.startswith("__")))
        object.__setattr__(
            self,
            "required",
            tuple(c for c in self.columns if c in self.model.__required_keys__),
        )

    def validator(self, present: tuple[str, ...]) -> TypeAdapter[list[tuple[Any, ...]]]:
        """Validates a list of rows, each a tuple of strings holding the `present` columns.

        `present` are the columns a file has, in this kind's column order; the rows come out
        as tuples of every column (absent ones at their default), ready for an INSERT.
        Positional tuples rather than dicts: pydantic-core checks them twice as fast, which
        is what a million-row usage file needs. The field types are the row model's.
        """
        return _validator(self, present)

    @property
    def optional(self) -> tuple[str, ...]:
        """Columns a file may leave out (blank or absent means the default)."""
        return tuple(c for c in self.columns if c not in self.required)


@lru_cache(maxsize=64)
def _validator(kind: RowKind, present: tuple[str, ...]) -> TypeAdapter[list[tuple[Any, ...]]]:
    hints = get_type_hints(kind.model, include_extras=True)
    types = {c: _unwrap_not_required(hints[c]) for c in kind.columns}
    missing = [c for c in present if c not in types]
    if missing or list(present) != [c for c in kind.columns if c in present]:
        raise ValueError(f"{kind.kind}: columns {present} are not in the model's order")
    absent = [c for c in kind.columns if c not in present]
    defaults = {c: TypeAdapter(types[c], config=_CONFIG).validate_python("") for c in absent}
    item: Any = tuple[tuple(types[c] for c in present)]  # type: ignore[misc]
    if kind.rules is not None or absent:
        item = Annotated[item, AfterValidator(_completer(kind, present, defaults))]
    return TypeAdapter(list[item], config=_CONFIG)


def _unwrap_not_required(hint: Any) -> Any:
    return get_args(hint)[0] if get_origin(hint) is NotRequired else hint


def _completer(
    kind: RowKind, present: tuple[str, ...], defaults: dict[str, Any]
) -> Callable[[tuple[Any, ...]], tuple[Any, ...]]:
    """After the fields: fill absent columns with defaults, then apply the row rules."""
    columns, rules = kind.columns, kind.rules

    def complete(values: tuple[Any, ...]) -> tuple[Any, ...]:
        row = dict(zip(present, values, strict=True))
        row.update(defaults)
        if rules is not None:
            found = list(rules(row))
            if found:
                raise PydanticCustomError(
                    "cs_rule", "{summary}", {"summary": found[0][1], "problems": tuple(found)}
                )
        return tuple(row[c] for c in columns)

    return complete


ROW_KINDS: dict[str, RowKind] = {
    "accounts": RowKind("accounts", "accounts", AccountRow, ("account_id",), _account_rules),
    "contacts": RowKind(
        "contacts", "contacts", ContactRow, ("account_id", "email"), _contact_rules
    ),
    "usage": RowKind("usage", "usage", UsageRow, ("account_id", "date")),
    "tickets": RowKind("tickets", "tickets", TicketRow, ("ticket_id",), _ticket_rules),
    "surveys": RowKind("surveys", "surveys", SurveyRow, ("response_id",), _survey_rules),
    "renewals": RowKind(
        "renewals", "renewals", RenewalRow, ("account_id", "renewal_date"), _renewal_rules
    ),
}
"""Every import KIND by name."""


# -- messages ---------------------------------------------------------------------------------


def _shown(value: Any) -> str:
    return repr(value.strip()) if isinstance(value, str) else repr(value)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def message_of(error: Mapping[str, Any]) -> str:
    """One pydantic error as a short message for a CSV user."""
    kind = error["type"]
    value = error.get("input")
    if kind in ("cs_value", "cs_rule"):
        return str(error["msg"])
    if kind == "missing" or _blank(value):
        return "missing value"
    if kind in ("int_parsing", "int_from_float", "int_type"):
        return f"not a whole number: {_shown(value)}"
    if kind in ("float_parsing", "float_type"):
        return f"not a number: {_shown(value)}"
    if kind == "finite_number":
        return f"not a finite number: {_shown(value)}"
    if kind == "greater_than_equal":
        return f"must not be negative, got {str(value).strip()}"
    if kind == "less_than_equal":
        return f"too large (at most {error['ctx']['le']}), got {str(value).strip()}"
    return str(error["msg"])


def problems_of(error: Mapping[str, Any], present: tuple[str, ...]) -> list[tuple[str, str]]:
    """(column, message) pairs for one pydantic error of a chunk validated by `validator`.

    Args:
        error: one item of `ValidationError.errors()`; its loc is (row index, position).
        present: the columns the rows held, in order.
    """
    if error["type"] == "cs_rule":
        return list(error["ctx"]["problems"])
    loc = error["loc"]
    if len(loc) > 1 and isinstance(loc[1], int) and loc[1] < len(present):
        return [(present[loc[1]], message_of(error))]
    return [("(row)", message_of(error))]
