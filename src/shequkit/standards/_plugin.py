"""Registers the rule packs shipped with shequkit, through the same hook plugins use."""

from __future__ import annotations

from collections.abc import Sequence

from shequkit._hookspecs import hookimpl
from shequkit.standards._national import NATIONAL
from shequkit.standards._rules import RulePack


@hookimpl
def shequkit_standards() -> Sequence[RulePack]:
    """The national rule pack."""
    return [NATIONAL]
