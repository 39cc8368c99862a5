"""Semantic layer: rules between records, checked while records stream past.

Records arrive one at a time in any order. Each is checked on its own
(division level against its code, gender against the ID number), indexed
(ids, official codes) and its references are noted; :meth:`SemanticChecks.finish`
resolves the references and the totals once everything has been seen. The
indices hold ids and small tuples only, never whole records.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Final

import attrs

from shequkit._masking import mask_resident_id
from shequkit.codes import DivisionCode, DivisionLevel, OrganisationType, VillageKind
from shequkit.model import (
    Community,
    Division,
    Grid,
    IndicatorValue,
    Organisation,
    Record,
    RecordKind,
    Staff,
    kind_by_name,
)
from shequkit.validate._report import Issue

__all__ = ["SemanticChecks"]


@attrs.frozen
class _Reference:
    """A reference field of one kind pointing at records of another."""

    field: str
    target: str  # kind name
    same_community: bool = True


# Which fields refer to which kinds. ``community_id`` is handled for every
# kind that has it; these are the others.
_REFERENCES: Final[dict[str, tuple[_Reference, ...]]] = {
    "grid": (_Reference("worker_staff_id", "staff"),),
    "organisation": (_Reference("parent_id", "organisation"),),
    "service": (_Reference("provider_id", "organisation"), _Reference("facility_id", "facility")),
    "staff": (
        _Reference("organisation_id", "organisation"),
        _Reference("facility_id", "facility"),
        _Reference("grid_id", "grid"),
    ),
    "equipment": (_Reference("facility_id", "facility"),),
}


# Sub-committees of the residents' committee (居委会下属委员会, seeds 000 and 003).
_SUBCOMMITTEES: Final = frozenset(
    {
        OrganisationType.MEDIATION_COMMITTEE,
        OrganisationType.PUBLIC_SECURITY_COMMITTEE,
        OrganisationType.PUBLIC_HEALTH_COMMITTEE,
        OrganisationType.OTHER_SUBCOMMITTEE,
    }
)


@attrs.frozen
class _Pending:
    path: str
    record_id: str | None
    field: str
    value: str
    target: str
    community: str | None  # the referring record's community, for the same-community rule


class SemanticChecks:
    """Collects semantic issues for records fed in any order.

    Args:
        emit: called with every issue as soon as it is known.
        reporting_division: the reporting unit's division code, if the
            metadata states one; village-level records must lie under it.
    """

    def __init__(
        self, emit: Callable[[Issue], None], reporting_division: DivisionCode | None = None
    ) -> None:
        self._emit = emit
        self.reporting_division = reporting_division
        # kind name -> id -> (index within the kind, community id). Kept small:
        # this index is what a streaming validation holds per record.
        self._ids: dict[str, dict[str, tuple[int, str | None]]] = {}
        self._communities: dict[str, tuple[int, str | None]] = self._ids.setdefault("community", {})
        self._interned: dict[str, str] = {}
        # (label of the code, code) -> path of first occurrence
        self._codes: dict[tuple[str, str], str] = {}
        self._divisions: set[str] = set()
        self._village_divisions = False
        self._pending: list[_Pending] = []
        self._community_paths: dict[str, str] = {}
        self._community_households: dict[str, int] = {}
        self._community_codes: list[tuple[str, DivisionCode, str]] = []
        self._grid_households: dict[str, int] = {}
        self._organisation_types: dict[str, OrganisationType] = {}
        self._subcommittees: list[tuple[str, str, str]] = []

    # -- feeding ---------------------------------------------------------------

    def add(self, kind: RecordKind, index: int, record: Record) -> None:
        """Check ``record`` (``index`` within its kind) and index it."""
        path = f"/{kind.collection}/{index}"
        if isinstance(record, Division):
            self._add_division(record, path)
            return
        record_id: str = record.id
        community = getattr(record, "community_id", None)
        if community is not None:
            # Thousands of records name the same community: keep one string.
            community = self._interned.setdefault(community, community)
        self._add_id(kind, record_id, index, community if kind.name != "community" else None)
        if community is not None and kind.name != "community":
            self._refer(path, record_id, "community_id", community, "community", None)
        for reference in _REFERENCES.get(kind.name, ()):
            value = getattr(record, reference.field)
            if value is not None:
                scope = community if reference.same_community else None
                self._refer(path, record_id, reference.field, value, reference.target, scope)
        check = _CHECKS.get(type(record))
        if check is not None:
            for issue in check(self, record, path):
                self._emit(issue)

    def add_unstructured_id(self, kind: RecordKind, index: int, data: Any) -> None:
        """Index the id of a record that failed the structural layer.

        Its problems are already reported; indexing its id keeps references to
        it from being reported a second time as dangling.
        """
        if type(data) is not dict:
            return
        key = data.get(kind.key_field)
        if type(key) is not str:
            return
        if kind.name == "division":
            self._divisions.add(key)
            return
        community = data.get("community_id")
        ids = self._ids.setdefault(kind.name, {})
        ids.setdefault(key, (index, community if type(community) is str else None))

    # -- per-record checks -------------------------------------------------------

    def _add_division(self, division: Division, path: str) -> None:
        code = division.code
        self._unique("区划代码", "division code", code, f"{path}/code", code)
        self._divisions.add(code)
        if code.level is DivisionLevel.VILLAGE:
            self._village_divisions = True
        if division.level is not code.level:
            self._issue(
                "SQK-E306",
                f"{path}/level",
                code,
                level=division.level.value,
                code=code,
                expected=code.level.value,
            )
        parent = division.parent_code
        if parent is not None and not parent.is_ancestor_of(code):
            self._issue(
                "SQK-E305", f"{path}/parent_code", code, parent=parent, code=code, value=parent
            )

    def _check_community(self, community: Community, path: str) -> Iterator[Issue]:
        code = community.division_code
        self._community_paths[community.id] = path
        self._community_households[community.id] = community.households
        self._unique(
            "社区区划代码", "community division code", code, f"{path}/division_code", community.id
        )
        self._community_codes.append((path, code, community.id))
        if code.level is not DivisionLevel.VILLAGE:
            yield self._make("SQK-E307", f"{path}/division_code", community.id, code=code)
        elif code.village_kind is VillageKind.VILLAGERS_COMMITTEE:
            yield self._make(
                "SQK-W308", f"{path}/division_code", community.id, code=code, part=code.village
            )
        if community.population < community.households:
            yield self._make(
                "SQK-W309",
                f"{path}/population",
                community.id,
                population=community.population,
                households=community.households,
            )

    def _check_grid(self, grid: Grid, path: str) -> Iterator[Issue]:
        total = self._grid_households.get(grid.community_id, 0)
        self._grid_households[grid.community_id] = total + grid.households
        return iter(())

    def _check_organisation(self, organisation: Organisation, path: str) -> Iterator[Issue]:
        self._organisation_types[organisation.id] = organisation.type
        if organisation.type in _SUBCOMMITTEES and organisation.parent_id is not None:
            self._subcommittees.append(
                (f"{path}/parent_id", organisation.id, organisation.parent_id)
            )
        if organisation.uscc is not None:
            self._unique(
                "统一社会信用代码", "USCC", organisation.uscc, f"{path}/uscc", organisation.id
            )
        return iter(())

    def _check_staff(self, staff: Staff, path: str) -> Iterator[Issue]:
        id_number = staff.id_number
        if id_number is None:
            return
        self._unique(
            "公民身份号码",
            "resident ID",
            id_number,
            f"{path}/id_number",
            staff.id,
            shown=mask_resident_id(id_number),
        )
        if staff.gender is not None and staff.gender is not id_number.gender:
            yield self._make(
                "SQK-E310",
                f"{path}/gender",
                staff.id,
                gender=staff.gender.value,
                expected=id_number.gender.value,
            )

    def _check_indicator(self, indicator: IndicatorValue, path: str) -> Iterator[Issue]:
        # The subject is a community id or a division code: resolved at the end.
        self._pending.append(
            _Pending(f"{path}/subject", indicator.id, "subject", indicator.subject, "subject", None)
        )
        return iter(())

    # -- indices ------------------------------------------------------------------

    def _add_id(self, kind: RecordKind, record_id: str, index: int, community: str | None) -> None:
        ids = self._ids.setdefault(kind.name, {})
        first = ids.get(record_id)
        if first is not None:
            path = f"/{kind.collection}/{index}/id"
            first_path = f"/{kind.collection}/{first[0]}"
            self._issue("SQK-E302", path, record_id, value=record_id, first=first_path)
            return
        ids[record_id] = (index, community)

    def _unique(
        self,
        label_zh: str,
        label_en: str,
        code: str,
        path: str,
        record_id: str,
        *,
        shown: str | None = None,
    ) -> None:
        key = (label_en, code)
        first = self._codes.get(key)
        if first is None:
            self._codes[key] = path
            return
        self._emit(
            Issue.catalogued(
                "SQK-E303",
                path,
                record_id=record_id,
                value=shown or code,
                raw_value=code,
                field_zh=label_zh,
                field_en=label_en,
                first=first,
            )
        )

    def _refer(
        self,
        path: str,
        record_id: str,
        field: str,
        value: str,
        target: str,
        community: str | None,
    ) -> None:
        # Resolve now when everything the check needs has been seen (parents
        # come first in canonical files); otherwise wait for the end of input.
        found = self._ids.get(target, {}).get(value)
        if found is not None:
            other = found[1]
            communities = self._communities
            if community is None or other is None:
                return
            if community in communities and other in communities:
                if other != community:
                    self._crossing(f"{path}/{field}", record_id, field, value, target, other)
                return
        self._pending.append(
            _Pending(f"{path}/{field}", record_id, field, value, target, community)
        )

    # -- end of input ---------------------------------------------------------------

    def finish(self) -> None:
        """Resolve references and totals; call once after the last record."""
        for pending in self._pending:
            self._resolve(pending)
        self._pending.clear()
        for community_id, total in self._grid_households.items():
            expected = self._community_households.get(community_id)
            if expected is not None and total != expected:
                path = f"{self._community_paths[community_id]}/households"
                self._issue("SQK-E304", path, community_id, total=total, expected=expected)
        for path, record_id, parent_id in self._subcommittees:
            parent_type = self._organisation_types.get(parent_id)
            if parent_type is not None and parent_type is not OrganisationType.RESIDENTS_COMMITTEE:
                self._issue(
                    "SQK-E316", path, record_id, value=parent_id, parent_type=parent_type.value
                )
        # Metadata may arrive after the records (JSONL), so this waits for the end.
        division = self.reporting_division
        for path, code, community_id in self._community_codes:
            if self._village_divisions and code not in self._divisions:
                self._dangling(
                    f"{path}/division_code", community_id, "division_code", code, "division"
                )
            if division is not None and code != division and not division.is_ancestor_of(code):
                self._issue(
                    "SQK-E315", f"{path}/division_code", community_id, code=code, division=division
                )

    def _resolve(self, pending: _Pending) -> None:
        if pending.target == "subject":
            if pending.value in self._ids.get("community", {}) or pending.value in self._divisions:
                return
            self._dangling(
                pending.path, pending.record_id, pending.field, pending.value, "community"
            )
            return
        found = self._ids.get(pending.target, {}).get(pending.value)
        if found is None:
            self._dangling(
                pending.path, pending.record_id, pending.field, pending.value, pending.target
            )
            return
        other = found[1]
        communities = self._communities
        # A dangling community_id is reported once; do not echo it as crossings.
        if pending.community in communities and other in communities and other != pending.community:
            self._crossing(
                pending.path, pending.record_id, pending.field, pending.value, pending.target, other
            )

    def _crossing(
        self, path: str, record_id: str | None, field: str, value: str, target: str, other: str
    ) -> None:
        kind = kind_by_name(target)
        self._issue(
            "SQK-E313",
            path,
            record_id,
            field=field,
            target_zh=kind.label_zh if kind else target,
            target_en=target,
            value=value,
            other=other,
        )

    def _dangling(
        self, path: str, record_id: str | None, field: str, value: str, target: str
    ) -> None:
        kind = kind_by_name(target)
        self._issue(
            "SQK-E301",
            path,
            record_id,
            field=field,
            target_zh=kind.label_zh if kind else target,
            target_en=target.replace("_", " "),
            value=value,
        )

    # -- issue helpers ---------------------------------------------------------------

    def _make(self, issue_code: str, path: str, record_id: str | None, /, **facts: Any) -> Issue:
        # The offending value is the referenced id where there is one, else the code.
        value = facts.pop("value", facts.get("code"))
        return Issue.catalogued(issue_code, path, record_id=record_id, value=value, **facts)

    def _issue(self, issue_code: str, path: str, record_id: str | None, /, **facts: Any) -> None:
        self._emit(self._make(issue_code, path, record_id, **facts))


_CHECKS: Final[dict[type[Any], Callable[[SemanticChecks, Any, str], Iterator[Issue]]]] = {
    Community: SemanticChecks._check_community,
    Grid: SemanticChecks._check_grid,
    Organisation: SemanticChecks._check_organisation,
    Staff: SemanticChecks._check_staff,
    IndicatorValue: SemanticChecks._check_indicator,
}
