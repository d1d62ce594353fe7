"""The rule vocabulary of playbook triggers: facts, conditions, triggers (pure).

See `cs_tui.domain.playbooks` for the vocabulary table and the evaluation.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

NUMERIC_OPS = ("<", "<=", ">", ">=", "=", "!=")
WORD_OPS = ("=", "!=", "in", "not in")
HEALTH_CATEGORIES = ("engagement", "product", "relationship", "business")
NPS_CATEGORIES = ("promoter", "passive", "detractor")
BANDS = ("green", "yellow", "red")


@dataclass(frozen=True)
class FactSpec:
    """One word of the rule vocabulary."""

    kind: Literal["number", "word"]
    label: str
    words: tuple[str, ...] = ()
    needs_days: bool = False
    needs_name: bool = False
    unit: str = ""


FACTS: dict[str, FactSpec] = {
    "band": FactSpec("word", "band", words=BANDS),
    "score": FactSpec("number", "score"),
    "change": FactSpec("number", "change over {days} days", needs_days=True),
    "category": FactSpec("number", "{name} score", needs_name=True),
    "tickets": FactSpec("number", "tickets in {days} days", needs_days=True),
    "days_to_renewal": FactSpec("number", "days to renewal"),
    "nps": FactSpec("word", "last NPS", words=NPS_CATEGORIES),
    "segment": FactSpec("word", "segment", words=("enterprise", "mid-market", "smb")),
    "edition": FactSpec("word", "edition", words=("professional", "enterprise")),
    "age_days": FactSpec("number", "account age", unit=" days"),
    "cycle_day": FactSpec("number", "{days}-day cycle day", needs_days=True),
}


def nps_category(score: int | float) -> str:
    """promoter (9-10), passive (7-8) or detractor (0-6), as DOMAIN.md defines NPS."""
    if score >= 9:
        return "promoter"
    if score >= 7:
        return "passive"
    return "detractor"


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.1f}"
    if isinstance(value, list | tuple):
        return ", ".join(_fmt(v) for v in value)
    return str(value)


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Condition(StrictModel):
    """One condition over one fact.

    For example ``{ fact = "tickets", days = 30, op = ">", value = 3 }``.
    """

    fact: str
    op: str
    value: float | str | list[str]
    days: int | None = Field(default=None, ge=1, le=3650)
    name: str | None = None

    def compile(self) -> Callable[[AccountFacts], bool]:
        """A fast test equal to `holds(actual(facts))`, for evaluating many accounts."""
        return _compile(self)

    @model_validator(mode="after")
    def _check(self) -> Condition:
        spec = FACTS.get(self.fact)
        if spec is None:
            raise ValueError(f"unknown fact {self.fact!r} (known: {', '.join(FACTS)})")
        if spec.needs_days and self.days is None:
            raise ValueError(f"fact {self.fact!r} needs `days` (e.g. days = 30)")
        if not spec.needs_days and self.days is not None:
            raise ValueError(f"fact {self.fact!r} takes no `days`")
        if spec.needs_name and self.name not in HEALTH_CATEGORIES:
            raise ValueError(
                f"fact {self.fact!r} needs `name`, one of {', '.join(HEALTH_CATEGORIES)}"
                f" (got {self.name!r})"
            )
        if not spec.needs_name and self.name is not None:
            raise ValueError(f"fact {self.fact!r} takes no `name`")
        if spec.kind == "number":
            if self.op not in NUMERIC_OPS:
                raise ValueError(
                    f"{self.fact!r} is a number: op must be one of {' '.join(NUMERIC_OPS)}"
                    f" (got {self.op!r})"
                )
            if not isinstance(self.value, float | int) or isinstance(self.value, bool):
                raise ValueError(f"{self.fact!r} is a number: value must be a number")
            return self
        if self.op not in WORD_OPS:
            raise ValueError(
                f"{self.fact!r} is a word: op must be one of =, !=, in, not in (got {self.op!r})"
            )
        listy = self.op in ("in", "not in")
        if listy != isinstance(self.value, list):
            need = "a list of words" if listy else "one word"
            raise ValueError(f"{self.fact!r} with op {self.op!r} needs {need} as value")
        words = self.value if isinstance(self.value, list) else [self.value]
        for word in words:
            if not isinstance(word, str) or word not in spec.words:
                raise ValueError(f"{self.fact!r}: {word!r} is not one of {', '.join(spec.words)}")
        return self

    @property
    def label(self) -> str:
        """How the fact reads in a reason, e.g. "tickets in 30 days"."""
        return FACTS[self.fact].label.format(days=self.days, name=self.name)

    def actual(self, facts: AccountFacts) -> float | str | None:
        """The value of this condition's fact for one account (None when unknown)."""
        fact = self.fact
        if fact == "cycle_day":
            return facts.age_days % (self.days or 1) if facts.age_days >= 0 else None
        if fact == "tickets":
            return facts.tickets.get(self.days or 0, 0)
        if fact == "change":
            return facts.change.get(self.days or 0)
        if fact == "category":
            return facts.categories.get(self.name or "")
        value = getattr(facts, fact)
        return value  # type: ignore[no-any-return]

    def holds(self, actual: float | str | None) -> bool:
        """Whether the condition holds for this value; unknown never holds."""
        if actual is None:
            return False
        op, value = self.op, self.value
        if op == "in":
            return actual in value  # type: ignore[operator]
        if op == "not in":
            return actual not in value  # type: ignore[operator]
        if op == "=":
            return actual == value
        if op == "!=":
            return actual != value
        a, v = float(actual), float(value)  # type: ignore[arg-type]
        if op == "<":
            return a < v
        if op == "<=":
            return a <= v
        if op == ">":
            return a > v
        return a >= v

    def explain(self, actual: float | str | None) -> str:
        """The fired condition with its figure, e.g. "tickets in 30 days = 5 > 3"."""
        unit = FACTS[self.fact].unit
        shown = f"{self.label} = {_fmt(actual)}{unit}"
        if FACTS[self.fact].kind == "number":
            return f"{shown} {self.op} {_fmt(self.value)}"
        if self.op == "=":
            return shown
        if self.op == "!=":
            return f"{shown} (not {_fmt(self.value)})"
        return f"{shown} ({self.op} {_fmt(self.value)})"


_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "=": operator.eq,
    "!=": operator.ne,
    "in": lambda a, v: a in v,
    "not in": lambda a, v: a not in v,
}


def _compile(cond: Condition) -> Callable[[AccountFacts], bool]:
    """A fast test equivalent to `cond.holds(cond.actual(facts))`."""
    compare = _OPS[cond.op]
    if FACTS[cond.fact].kind == "number":
        value: Any = float(cond.value)  # type: ignore[arg-type]
    else:
        value = frozenset(cond.value) if isinstance(cond.value, list) else cond.value
    fact, days, name = cond.fact, cond.days or 0, cond.name or ""
    if fact == "tickets":
        return lambda f: compare(f.tickets.get(days, 0), value)
    if fact == "cycle_day":
        return lambda f: f.age_days >= 0 and compare(f.age_days % days, value)
    if fact == "change":

        def change(f: AccountFacts) -> bool:
            actual = f.change.get(days)
            return actual is not None and compare(actual, value)

        return change
    if fact == "category":

        def category(f: AccountFacts) -> bool:
            actual = f.categories.get(name)
            return actual is not None and compare(actual, value)

        return category
    get = operator.attrgetter(fact)

    def plain(f: AccountFacts) -> bool:
        actual = get(f)
        return actual is not None and compare(actual, value)

    return plain


class Trigger(StrictModel):
    """When a playbook starts by itself: every `all` condition and, if given, one of `any`."""

    all: list[Condition] = Field(default_factory=list)
    any: list[Condition] = Field(default_factory=list)

    @model_validator(mode="after")
    def _not_empty(self) -> Trigger:
        if not self.all and not self.any:
            raise ValueError("a trigger needs at least one condition in `all` or `any`")
        return self

    def fire(self, facts: AccountFacts) -> list[str] | None:
        """The explanations of the conditions that fired, or None when the trigger does not.

        Two bounds on the same figure read as one: "days to renewal = 81 <= 90 and >= 0".
        (Over many accounts, `compiled().fire` does the same faster.)
        """
        return self.compiled().fire(facts)

    def compiled(self) -> CompiledTrigger:
        """This trigger with every condition compiled to a plain function."""
        return CompiledTrigger(
            tuple((c, c.compile()) for c in self.all), tuple((c, c.compile()) for c in self.any)
        )


@dataclass(frozen=True, slots=True)
class CompiledTrigger:
    """A trigger ready to run over many accounts: (condition, test) pairs."""

    all: tuple[tuple[Condition, Callable[[AccountFacts], bool]], ...]
    any: tuple[tuple[Condition, Callable[[AccountFacts], bool]], ...]

    def fire(self, facts: AccountFacts) -> list[str] | None:
        """The explanations of the conditions that fired, or None when the trigger does not."""
        for _, test in self.all:
            if not test(facts):
                return None
        hits = [cond for cond, test in self.any if test(facts)]
        if self.any and not hits:
            return None
        out: list[str] = []
        previous: tuple[str, float | str | None] | None = None
        for cond in [*(c for c, _ in self.all), *hits]:
            actual = cond.actual(facts)
            if previous == (cond.label, actual) and FACTS[cond.fact].kind == "number":
                out[-1] += f" and {cond.op} {_fmt(cond.value)}"
            else:
                out.append(cond.explain(actual))
            previous = (cond.label, actual)
        return out


@dataclass(frozen=True, slots=True)
class AccountFacts:
    """What the rules can see of one account at the as-of date (None: unknown)."""

    account_id: str
    segment: str
    edition: str
    age_days: int
    csm: str = ""
    days_to_renewal: int | None = None
    renewal_date: dt.date | None = None
    band: str | None = None
    score: float | None = None
    nps: str | None = None
    tickets: Mapping[int, int] = field(default_factory=dict)
    """Window in days -> tickets opened in the window ending at as-of."""
    change: Mapping[int, float] = field(default_factory=dict)
    """Window in days -> health score change over the window."""
    categories: Mapping[str, float] = field(default_factory=dict)
    """Health category name -> its score."""
