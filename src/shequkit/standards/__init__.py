"""Standards: rule packs from policy documents, evaluation of communities, rollups.

A :class:`RulePack` holds :class:`Rule` objects (one requirement a community
must meet, citing the sentence it comes from) and :class:`Target` objects (a
share of communities a street, county or city must reach). :func:`evaluate`
checks every community of a dataset and rolls the results up by division level;
``shequkit.validate(..., rules=PACK)`` adds the same findings to a validation
report as the standards layer.

Packs come from plugins through the ``shequkit_standards`` hook; the national
pack ships with shequkit, the provincial ones with the provincial plugins.
"""

from shequkit.standards._declarative import (
    Metric,
    at_least,
    at_most,
    between,
    community_field,
    count_latest,
    count_of,
    covers_all,
    has,
    is_true,
    one_per,
    requires,
    services_for,
    total_of,
)
from shequkit.standards._evaluate import (
    CommunityResult,
    CommunityResults,
    Evaluation,
    TargetResult,
    UnitRollup,
    evaluate,
    evaluate_views,
    resolve_pack,
)
from shequkit.standards._rollup import OutcomeCounts
from shequkit.standards._rules import (
    ROLLUP_SCOPES,
    Citation,
    Finding,
    Grade,
    Grading,
    Outcome,
    Rule,
    RulePack,
    Scope,
    Target,
)
from shequkit.standards._view import CommunityGrouper, CommunityView

__all__ = [
    "ROLLUP_SCOPES",
    "Citation",
    "CommunityGrouper",
    "CommunityResult",
    "CommunityResults",
    "CommunityView",
    "Evaluation",
    "Finding",
    "Grade",
    "Grading",
    "Metric",
    "Outcome",
    "OutcomeCounts",
    "Rule",
    "RulePack",
    "Scope",
    "Target",
    "TargetResult",
    "UnitRollup",
    "at_least",
    "at_most",
    "between",
    "community_field",
    "count_latest",
    "count_of",
    "covers_all",
    "evaluate",
    "evaluate_views",
    "has",
    "is_true",
    "one_per",
    "requires",
    "resolve_pack",
    "services_for",
    "total_of",
]
