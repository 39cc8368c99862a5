"""The national rule pack (seeds 000 and 003): organisations, service functions, open affairs."""

from __future__ import annotations

from typing import Final

from shequkit.codes import OrganisationType
from shequkit.model import Organisation
from shequkit.standards._declarative import count_of, is_true, requires
from shequkit.standards._rules import Citation, RulePack

__all__ = ["NATIONAL"]

_ORGANISATIONS = Citation(
    "000",
    "第二、一",
    "按照“社区自治、议行分设”的原则成立社区成员代表大会、社区居民委员会、社区协商议事委员会",
)

NATIONAL: Final = RulePack(
    name="national",
    version="1.0",
    title_zh="全国社区建设基本要求",
    title_en="National basic requirements for community construction",
    rules=[
        requires(
            "cn-organisations",
            {
                "社区党组织": count_of(
                    Organisation,
                    "社区党组织",
                    "party organisation",
                    type=OrganisationType.PARTY_ORGANISATION,
                ),
                "社区居民委员会": count_of(
                    Organisation,
                    "社区居民委员会",
                    "residents' committee",
                    type=OrganisationType.RESIDENTS_COMMITTEE,
                ),
            },
            title_zh="社区组织健全",
            title_en="the community's organisations are in place",
            citation=_ORGANISATIONS,
        ),
        is_true(
            "cn-open-affairs",
            "open_affairs",
            title_zh="实行居务公开",
            title_en="community affairs are open to residents",
            citation=Citation("001", "四、4", "建立健全居务公开制度,保障居民的知情权"),
        ),
    ],
)
