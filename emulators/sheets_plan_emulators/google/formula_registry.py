"""The evaluator's function table: ``FUNCTIONS`` maps a name to its implementation and arity."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .formula_values import FormulaError, Raised, number


@dataclass(frozen=True)
class Function:
    impl: Callable
    lo: int
    hi: int | None
    lazy: bool = False
    cache: bool = False  # the result depends only on the arguments' cells: remembered per evaluator

    def arity_message(self, name: str, got: int) -> str:
        if self.hi == self.lo:
            want = f"{self.lo}"
        elif self.hi is None:
            want = f"at least {self.lo}"
        else:
            want = f"between {self.lo} and {self.hi}"
        return f"Wrong number of arguments to {name}. Expected {want} arguments, but got {got} arguments."


FUNCTIONS: dict[str, Function] = {}


def function(name: str, lo: int, hi: int | None, *, lazy: bool = False, cache: bool = False):
    def register(impl):
        FUNCTIONS[name] = Function(impl, lo, hi, lazy, cache)
        return impl
    return register


def scalar_function(name: str, lo: int, hi: int | None, f: Callable):
    """A function of scalars (a range argument gives its top-left value)."""
    FUNCTIONS[name] = Function(lambda ev, at, args: f(*[ev.scalar(a) for a in args]), lo, hi)


def value_error(message: str) -> Raised:
    return Raised(FormulaError("VALUE", message))


def checked(v):
    if type(v) is FormulaError:
        raise Raised(v)
    return v


def integer(v, fn: str, pos: int) -> int:
    return int(number(v, fn, pos))

