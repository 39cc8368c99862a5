"""Per-community results of an evaluation, kept on disk once there are many.

A national evaluation has 620,000 community results; held as objects they
would cost hundreds of megabytes. :class:`CommunityResults` keeps the first
:data:`SPILL_AFTER` in a list, and beyond that writes them in pickled batches
to a temporary SQLite file, reading them back in order whenever they are
iterated (reports, standards issues) or indexed.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Final, overload

import attrs

from shequkit._scratch import ScratchDatabase
from shequkit.standards._rules import Finding, Grade, RulePack

__all__ = ["SPILL_AFTER", "CommunityResult", "CommunityResults"]

SPILL_AFTER: Final = 50_000
"""Community results held in memory before they move to a temporary file."""

_BATCH: Final = 1_024  # results per row of the temporary file


@attrs.frozen
class CommunityResult:
    """How one community fared: a finding per rule (in the pack's order) and its grade.

    ``figures`` holds the values of the evaluation's figures (see
    :attr:`Evaluation.figures`), in their order; empty when none were asked for.
    """

    community_id: str
    name: str
    division_code: str
    index: int
    findings: tuple[Finding, ...]
    meets_standard: bool
    grade: Grade | None = None
    figures: tuple[float | int | None, ...] = ()

    def finding(self, pack: RulePack, rule_id: str) -> Finding:
        """The finding for the rule ``rule_id`` of ``pack``."""
        for rule, finding in zip(pack.rules, self.findings, strict=True):
            if rule.id == rule_id:
                return finding
        raise KeyError(rule_id)


class CommunityResults(Sequence[CommunityResult]):
    """The results of an evaluation in community order: a read-only sequence once built.

    Behaves as a tuple (``len``, indexing, slicing, iteration, ``==``); past
    ``spill_after`` results (default :data:`SPILL_AFTER`) they live in a
    temporary file removed when the sequence is collected or :meth:`close` d.

    Args:
        results: results to start with.
        spill_after: results held in memory before they move to disk.
    """

    def __init__(
        self, results: Iterable[CommunityResult] = (), *, spill_after: int | None = None
    ) -> None:
        self._spill_after = SPILL_AFTER if spill_after is None else spill_after
        self._tail: list[CommunityResult] = []  # everything, until results spill
        self._database: ScratchDatabase | None = None
        self._batches = 0  # full batches on disk
        self._cached: tuple[int, list[CommunityResult]] = (-1, [])
        for result in results:
            self.append(result)

    def append(self, result: CommunityResult) -> None:
        """Add the next community's result."""
        self._tail.append(result)
        if self._database is None:
            if len(self._tail) > self._spill_after:
                self._database = ScratchDatabase("shequkit-results-")
                self._database.connection.execute("CREATE TABLE result (batch BLOB)")
                self._write_full_batches()
        elif len(self._tail) >= _BATCH:
            self._write_full_batches()

    def _write_full_batches(self) -> None:
        assert self._database is not None
        full = len(self._tail) - len(self._tail) % _BATCH
        rows = [
            (pickle.dumps(self._tail[start : start + _BATCH], pickle.HIGHEST_PROTOCOL),)
            for start in range(0, full, _BATCH)
        ]
        db = self._database.connection
        db.execute("BEGIN")
        db.executemany("INSERT INTO result VALUES (?)", rows)
        db.execute("COMMIT")
        self._batches += len(rows)
        del self._tail[:full]

    def _batch(self, number: int) -> list[CommunityResult]:
        if self._cached[0] != number:
            assert self._database is not None
            (blob,) = self._database.connection.execute(
                "SELECT batch FROM result WHERE rowid = ?", (number + 1,)
            ).fetchone()
            self._cached = (number, pickle.loads(blob))
        return self._cached[1]

    def __len__(self) -> int:
        return self._batches * _BATCH + len(self._tail)

    @overload
    def __getitem__(self, index: int) -> CommunityResult: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[CommunityResult, ...]: ...

    def __getitem__(self, index: int | slice) -> CommunityResult | tuple[CommunityResult, ...]:
        if isinstance(index, slice):
            return tuple(self[position] for position in range(*index.indices(len(self))))
        size = len(self)
        if index < 0:
            index += size
        if not 0 <= index < size:
            raise IndexError("community result index out of range")
        number, offset = divmod(index, _BATCH)
        if number < self._batches:
            return self._batch(number)[offset]
        return self._tail[index - self._batches * _BATCH]

    def __iter__(self) -> Iterator[CommunityResult]:
        if self._database is not None:
            rows = self._database.connection.execute("SELECT batch FROM result ORDER BY rowid")
            for (blob,) in rows:
                yield from pickle.loads(blob)
        yield from self._tail

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]  # mutable while being built, like a list

    def __repr__(self) -> str:
        where = "on disk" if self._database is not None else "in memory"
        return f"<CommunityResults {len(self)} results {where}>"

    def close(self) -> None:
        """Remove the temporary file (the results on disk are gone afterwards)."""
        if self._database is not None:
            self._database.close()

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled (e.g. to another process) as a plain tuple of its results.
        return (CommunityResults, (tuple(self),))
