"""Semantic layer: rules between records, checked while records stream past.

Records arrive one at a time in any order. Each is checked on its own
(division level against its code, gender against the ID number), indexed
(ids, official codes) and its references are noted; :meth:`SemanticChecks.finish`
resolves the references and the totals once everything has been seen. The
indices hold ids and small tuples only, never whole records, and past
:data:`~shequkit.validate._spill.SPILL_AFTER` entries they move to a temporary
SQLite file (:mod:`shequkit.validate._spill`), so memory stays flat for any
input size; the checks and the issues, in their order, are the same.

Records may also be the value tuples of :mod:`shequkit.validate._compiled`
viewed by field name: only attribute access is used, never the class.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import attrs

from shequkit._masking import mask_resident_id
from shequkit.codes import DivisionCode, DivisionLevel, OrganisationType
from shequkit.model import RecordKind, kind_by_name
from shequkit.validate._report import Issue
from shequkit.validate._spill import SPILL_AFTER, SpilledList, SpilledMap, SpillStore

__all__ = [
    "SemanticChecks",
    "community_issues",
    "division_issues",
    "make_issue",
    "staff_issues",
]


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
_RESIDENTS_COMMITTEE: Final = OrganisationType.RESIDENTS_COMMITTEE.value

# The codes that must be unique, by English label: (Chinese label, collection, field).
# The index of a code's first record is kept; its path is rebuilt when needed.
_UNIQUE: Final = {
    "division code": ("区划代码", "divisions", "code"),
    "community division code": ("社区区划代码", "communities", "division_code"),
    "USCC": ("统一社会信用代码", "organisations", "uscc"),
    "resident ID": ("公民身份号码", "staff", "id_number"),
}
_NOTHING: Final[dict[str, Any]] = {}
_CHECK_SPILL_EVERY: Final = 4096


# A forward reference waiting for the end of input:
# (path, record id, field, value, target kind or "subject", referring community).
_Pending = tuple[str, str | None, str, str, str, str | None]


class SemanticChecks:
    """Collects semantic issues for records fed in any order.

    Args:
        emit: called with every issue as soon as it is known.
        reporting_division: the reporting unit's division code, if the
            metadata states one; village-level records must lie under it.
        spill_after: index entries kept in memory before the indices move
            to a temporary SQLite file (default :data:`SPILL_AFTER`).
    """

    def __init__(
        self,
        emit: Callable[[Issue], None],
        reporting_division: DivisionCode | None = None,
        *,
        spill_after: int | None = None,
    ) -> None:
        self._emit = emit
        self.reporting_division = reporting_division
        self._spill_after = SPILL_AFTER if spill_after is None else spill_after
        self._check_every = max(1, min(_CHECK_SPILL_EVERY, self._spill_after))
        self._store: SpillStore | None = None
        self._fed = 0
        # kind name -> id -> (index within the kind, community id).
        self._ids: dict[str, Any] = {"community": {}}
        self._communities: Any = self._ids["community"]
        # English label of a unique code -> code -> index of its first record.
        self._codes: dict[str, Any] = {label: {} for label in _UNIQUE}
        self._divisions: Any = {}  # division code -> True
        self._village_divisions = False
        self._pending: Any = []  # of _Pending
        # community id -> (index, households) of its last record (duplicates overwrite).
        self._community_info: Any = {}
        self._community_codes: Any = []  # (index, division code, community id)
        self._grid_households: Any = {}  # community id -> total households of its grids
        self._organisation_types: Any = {}  # organisation id -> type value
        self._subcommittees: Any = []  # (path, organisation id, parent id)
        self._interned: dict[str, str] = {}

    # -- feeding ---------------------------------------------------------------

    def add(self, kind: RecordKind, index: int, record: Any) -> None:
        """Check ``record`` (``index`` within its kind) and index it."""
        self._fed += 1
        if not self._fed % self._check_every and self._store is None:
            self._spill_if_large()
        name = kind.name
        if name == "division":
            self._add_division(record, index)
            return
        record_id: str = record.id
        if name == "community":
            self._add_id(kind, record_id, index, None)
            self._check_community(record, index)
            return
        community = getattr(record, "community_id", None)
        path = f"/{kind.collection}/{index}"
        if community is not None:
            if self._store is None:
                # Thousands of records name the same community: keep one string.
                community = self._interned.setdefault(community, community)
            self._add_id(kind, record_id, index, community)
            self._refer(path, record_id, "community_id", community, "community", None)
        else:
            self._add_id(kind, record_id, index, None)
        for reference in _REFERENCES.get(name, ()):
            value = getattr(record, reference.field)
            if value is not None:
                scope = community if reference.same_community else None
                self._refer(path, record_id, reference.field, value, reference.target, scope)
        check = _CHECKS.get(name)
        if check is not None:
            check(self, record, path, index)

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
            self._divisions[key] = True
            return
        community = data.get("community_id")
        ids = self._kind_ids(kind.name)
        ids.setdefault(key, (index, community if type(community) is str else None))

    # -- per-record checks -------------------------------------------------------

    def _add_division(self, division: Any, index: int) -> None:
        code = division.code
        self._unique("division code", code, index, code)
        self._divisions[code] = True
        if code.level is DivisionLevel.VILLAGE:
            self._village_divisions = True
        for issue in division_issues(division, index):
            self._emit(issue)

    def _check_community(self, community: Any, index: int) -> None:
        code = community.division_code
        community_id = community.id
        self._community_info[community_id] = (index, community.households)
        self._unique("community division code", code, index, community_id)
        self._community_codes.append((index, code, community_id))
        for issue in community_issues(community, index):
            self._emit(issue)

    def _check_grid(self, grid: Any, path: str, index: int) -> None:
        totals = self._grid_households
        community = grid.community_id
        totals[community] = totals.get(community, 0) + grid.households

    def _check_organisation(self, organisation: Any, path: str, index: int) -> None:
        organisation_type = organisation.type
        self._organisation_types[organisation.id] = organisation_type.value
        parent_id = organisation.parent_id
        if parent_id is not None and organisation_type in _SUBCOMMITTEES:
            self._subcommittees.append((f"{path}/parent_id", organisation.id, parent_id))
        if organisation.uscc is not None:
            self._unique("USCC", organisation.uscc, index, organisation.id)

    def _check_staff(self, staff: Any, path: str, index: int) -> None:
        id_number = staff.id_number
        if id_number is None:
            return
        self._unique("resident ID", id_number, index, staff.id, masked=True)
        for issue in staff_issues(staff, index):
            self._emit(issue)

    def _check_indicator(self, indicator: Any, path: str, index: int) -> None:
        # The subject is a community id or a division code: resolved at the end.
        self._pending.append(
            (f"{path}/subject", indicator.id, "subject", indicator.subject, "subject", None)
        )

    # -- indices ------------------------------------------------------------------

    def _kind_ids(self, name: str) -> Any:
        ids = self._ids.get(name)
        if ids is None:
            ids = self._ids[name] = {} if self._store is None else SpilledMap(self._store, 2)
        return ids

    def _add_id(self, kind: RecordKind, record_id: str, index: int, community: str | None) -> None:
        ids = self._ids.get(kind.name)
        if ids is None:
            ids = self._kind_ids(kind.name)
        first = ids.get(record_id)
        if first is not None:
            path = f"/{kind.collection}/{index}/id"
            first_path = f"/{kind.collection}/{first[0]}"
            self._issue("SQK-E302", path, record_id, value=record_id, first=first_path)
            return
        ids[record_id] = (index, community)

    def _unique(
        self, label_en: str, code: str, index: int, record_id: str, *, masked: bool = False
    ) -> None:
        codes = self._codes[label_en]
        first = codes.get(code)
        if first is None:
            codes[code] = index
            return
        label_zh, collection, field = _UNIQUE[label_en]
        self._emit(
            Issue.catalogued(
                "SQK-E303",
                f"/{collection}/{index}/{field}",
                record_id=record_id,
                value=mask_resident_id(code) if masked else code,
                raw_value=code,
                field_zh=label_zh,
                field_en=label_en,
                first=f"/{collection}/{first}/{field}",
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
        found = self._ids.get(target, _NOTHING).get(value)
        if found is not None:
            other = found[1]
            if community is None or other is None:
                return
            communities = self._communities
            if community in communities and other in communities:
                if other != community:
                    self._crossing(f"{path}/{field}", record_id, field, value, target, other)
                return
        self._pending.append((f"{path}/{field}", record_id, field, value, target, community))

    # -- memory ---------------------------------------------------------------------

    def _entries(self) -> int:
        maps = [*self._ids.values(), *self._codes.values()]
        maps += [self._divisions, self._community_info, self._grid_households]
        maps += [self._organisation_types, self._interned]
        lists = [self._pending, self._community_codes, self._subcommittees]
        return sum(len(item) for item in (*maps, *lists))

    def _spill_if_large(self) -> None:
        if self._entries() > self._spill_after:
            self.spill()

    def spill(self) -> None:
        """Move the indices to a temporary SQLite file now (normally done past ``spill_after``)."""
        if self._store is not None:
            return
        store = self._store = SpillStore()

        def spilled_map(entries: dict[Any, Any], width: int) -> SpilledMap:
            result = SpilledMap(store, width)
            result.update_from(entries)
            return result

        def spilled_list(items: list[Any], width: int) -> SpilledList:
            result = SpilledList(store, width)
            result.extend(items)
            return result

        self._ids = {name: spilled_map(ids, 2) for name, ids in self._ids.items()}
        self._communities = self._ids["community"]
        self._codes = {label: spilled_map(codes, 1) for label, codes in self._codes.items()}
        self._divisions = spilled_map(self._divisions, 0)
        self._community_info = spilled_map(self._community_info, 2)
        self._grid_households = spilled_map(self._grid_households, 1)
        self._organisation_types = spilled_map(self._organisation_types, 1)
        self._pending = spilled_list(self._pending, 6)
        self._community_codes = spilled_list(self._community_codes, 3)
        self._subcommittees = spilled_list(self._subcommittees, 3)
        self._interned = {}

    # -- end of input ---------------------------------------------------------------

    def finish(self) -> None:
        """Resolve references and totals; call once after the last record."""
        try:
            self._finish()
        finally:
            if self._store is not None:
                self._store.close()

    def _finish(self) -> None:
        for pending in self._pending:
            self._resolve(*pending)
        self._pending.clear()
        info = self._community_info
        for community_id, total in self._grid_households.items():
            found = info.get(community_id)
            if found is not None and total != found[1]:
                path = f"/communities/{found[0]}/households"
                self._issue("SQK-E304", path, community_id, total=total, expected=found[1])
        types = self._organisation_types
        for path, record_id, parent_id in self._subcommittees:
            parent_type = types.get(parent_id)
            if parent_type is not None and parent_type != _RESIDENTS_COMMITTEE:
                self._issue("SQK-E316", path, record_id, value=parent_id, parent_type=parent_type)
        # Metadata may arrive after the records (JSONL), so this waits for the end.
        division = self.reporting_division
        # Inside the reporting division means starting with its significant digits:
        # a valid code that does and is not the division itself lies deeper.
        inside = division.prefix if division is not None else ""
        divisions = self._divisions
        check_divisions = self._village_divisions
        for index, code, community_id in self._community_codes:
            if type(code) is not DivisionCode:  # read back from the spill file: valid already
                code = str.__new__(DivisionCode, code)
            if check_divisions and code not in divisions:
                self._dangling(
                    f"/communities/{index}/division_code",
                    community_id,
                    "division_code",
                    code,
                    "division",
                )
            if division is not None and not code.startswith(inside) and code != division:
                self._issue(
                    "SQK-E315",
                    f"/communities/{index}/division_code",
                    community_id,
                    code=code,
                    division=division,
                )

    def _resolve(
        self,
        path: str,
        record_id: str | None,
        field: str,
        value: str,
        target: str,
        community: str | None,
    ) -> None:
        communities = self._communities
        if target == "subject":
            if value in communities or value in self._divisions:
                return
            self._dangling(path, record_id, field, value, "community")
            return
        found = self._ids.get(target, _NOTHING).get(value)
        if found is None:
            self._dangling(path, record_id, field, value, target)
            return
        other = found[1]
        # A dangling community_id is reported once; do not echo it as crossings.
        if community in communities and other in communities and other != community:
            self._crossing(path, record_id, field, value, target, other)

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

    def _issue(self, issue_code: str, path: str, record_id: str | None, /, **facts: Any) -> None:
        self._emit(make_issue(issue_code, path, record_id, **facts))


# -- checks of one record alone (also run by shequkit.spark inside each partition) ----------


def make_issue(issue_code: str, path: str, record_id: str | None, /, **facts: Any) -> Issue:
    """A semantic issue: the offending value is ``value`` if given, else ``code``."""
    value = facts.pop("value", facts.get("code"))
    return Issue.catalogued(issue_code, path, record_id=record_id, value=value, **facts)


def division_issues(division: Any, index: int) -> list[Issue]:
    """A division's level against its code (E306) and its parent against its code (E305)."""
    issues = []
    code = division.code
    level = code.level
    path = f"/divisions/{index}"
    if division.level is not level:
        issues.append(
            make_issue(
                "SQK-E306",
                f"{path}/level",
                code,
                level=division.level.value,
                code=code,
                expected=level.value,
            )
        )
    parent = division.parent_code
    if parent is not None and not parent.is_ancestor_of(code):
        issues.append(
            make_issue(
                "SQK-E305", f"{path}/parent_code", code, parent=parent, code=code, value=parent
            )
        )
    return issues


def community_issues(community: Any, index: int) -> list[Issue]:
    """A community's code level (E307, W308) and population against households (W309)."""
    issues = []
    code = community.division_code
    community_id = community.id
    village = code[9:]  # the village part decides both: level and kind (see DivisionCode)
    if village == "000":  # code.level is not village level
        path = f"/communities/{index}/division_code"
        issues.append(make_issue("SQK-E307", path, community_id, code=code))
    elif "200" <= village < "400":  # code.village_kind is VillageKind.VILLAGERS_COMMITTEE
        path = f"/communities/{index}/division_code"
        issues.append(make_issue("SQK-W308", path, community_id, code=code, part=code.village))
    if community.population < community.households:
        issues.append(
            make_issue(
                "SQK-W309",
                f"/communities/{index}/population",
                community_id,
                population=community.population,
                households=community.households,
            )
        )
    return issues


def staff_issues(staff: Any, index: int) -> list[Issue]:
    """A worker's stated gender against the one in the ID number (E310)."""
    id_number = staff.id_number
    if id_number is None or staff.gender is None or staff.gender is id_number.gender:
        return []
    return [
        make_issue(
            "SQK-E310",
            f"/staff/{index}/gender",
            staff.id,
            gender=staff.gender.value,
            expected=id_number.gender.value,
        )
    ]


_CHECKS: Final[dict[str, Callable[[SemanticChecks, Any, str, int], None]]] = {
    "grid": SemanticChecks._check_grid,
    "organisation": SemanticChecks._check_organisation,
    "staff": SemanticChecks._check_staff,
    "indicator": SemanticChecks._check_indicator,
}
