"""Small hand-made canonical documents for tests: one valid community with everything it owns.

Codes are built with the library's own check-character functions so that
each test can break exactly one thing.
"""

from __future__ import annotations

import copy
from typing import Any

from shequkit.codes import resident_id_check_char, uscc_check_char


def uscc(first17: str) -> str:
    """A USCC with a correct check character."""
    return first17 + uscc_check_char(first17)


def resident_id(first17: str) -> str:
    """A resident ID number with a correct check character."""
    return first17 + resident_id_check_char(first17)


# Civil-affairs social organisation (department 5, type 1) and a letter-first code.
SOCIAL_ORG_USCC = uscc("51320102MJ5012345")
LETTER_FIRST_USCC = uscc("N2320102MA1234567")
SECRETARY_ID = resident_id("32010219800101001")  # 17th digit 1: male
DIRECTOR_ID = resident_id("32010219850615002")  # 17th digit 2: female

_DOCUMENT: dict[str, Any] = {
    "schema_version": "1.0",
    "meta": {
        "reporting_unit": "玄武区民政局",
        "reporting_division": "320102000000",
        "period": "2024",
    },
    "divisions": [
        {"code": "320000000000", "name": "江苏省", "level": "省级"},
        {"code": "320100000000", "name": "南京市", "level": "地级", "parent_code": "320000000000"},
        {"code": "320102000000", "name": "玄武区", "level": "县级", "parent_code": "320100000000"},
        {
            "code": "320102001000",
            "name": "梅园新村街道",
            "level": "乡级",
            "parent_code": "320102000000",
        },
        {
            "code": "320102001001",
            "name": "龙潭社区居民委员会",
            "level": "村级",
            "parent_code": "320102001000",
            "urban_rural_class": "111",
        },
    ],
    "communities": [
        {
            "id": "c1",
            "division_code": "320102001001",
            "name": "龙潭社区",
            "type": "街道型",
            "households": 3000,
            "population": 8600,
            "service_space_m2": 420.5,
            "satisfaction_pct": 91.0,
            "open_affairs": True,
            "established": "2001-05-01",
        }
    ],
    "grids": [
        {
            "id": "c1-g1",
            "community_id": "c1",
            "name": "第一网格",
            "households": 1800,
            "worker_staff_id": "c1-p3",
        },
        {"id": "c1-g2", "community_id": "c1", "name": "第二网格", "households": 1200},
    ],
    "organisations": [
        {
            "id": "c1-o1",
            "community_id": "c1",
            "type": "社区党组织",
            "name": "龙潭社区党总支",
            "party_form": "党总支",
        },
        {
            "id": "c1-o2",
            "community_id": "c1",
            "type": "社区居民委员会",
            "name": "龙潭社区居民委员会",
        },
        {
            "id": "c1-o3",
            "community_id": "c1",
            "type": "人民调解委员会",
            "name": "龙潭社区人民调解委员会",
            "parent_id": "c1-o2",
        },
        {
            "id": "c1-o4",
            "community_id": "c1",
            "type": "社区社会组织",
            "name": "龙潭社区志愿者协会",
            "uscc": SOCIAL_ORG_USCC,
            "social_category": "公益性组织",
        },
        {
            "id": "c1-o5",
            "community_id": "c1",
            "type": "群团组织",
            "name": "龙潭社区农业服务队",
            "uscc": LETTER_FIRST_USCC,
        },
    ],
    "facilities": [
        {
            "id": "c1-f1",
            "community_id": "c1",
            "type": "书画阅览室",
            "name": "龙潭社区阅览室",
            "floor_area_m2": 60,
            "books": 800,
            "space_source": "扩建改造",
        },
        {
            "id": "c1-f2",
            "community_id": "c1",
            "type": "劳动就业服务站",
            "name": "劳动保障工作站",
            "floor_area_m2": 30,
        },
    ],
    "services": [
        {
            "id": "c1-s1",
            "community_id": "c1",
            "category": "便民利民",
            "name": "家电维修",
            "charging": "低偿",
            "provider_id": "c1-o4",
            "facility_id": "c1-f2",
            "target_groups": ["老年人", "残疾人"],
        },
    ],
    "staff": [
        {
            "id": "c1-p1",
            "community_id": "c1",
            "name": "王建国",
            "role": "党组织书记",
            "id_number": SECRETARY_ID,
            "gender": "男",
            "phone": "13812345678",
            "organisation_id": "c1-o1",
        },
        {
            "id": "c1-p2",
            "community_id": "c1",
            "name": "欧阳秀英",
            "role": "居委会主任",
            "id_number": DIRECTOR_ID,
            "gender": "女",
            "phone": "025-84561234",
        },
        {"id": "c1-p3", "community_id": "c1", "name": "李强", "role": "网格员", "grid_id": "c1-g1"},
    ],
    "volunteer_teams": [
        {
            "id": "c1-v1",
            "community_id": "c1",
            "category": "治安维稳",
            "name": "平安巡逻队",
            "members": 25,
        },
    ],
    "equipment": [
        {"id": "c1-e1", "community_id": "c1", "type": "计算机", "quantity": 4},
    ],
    "funding": [
        {
            "id": "c1-m1",
            "community_id": "c1",
            "year": 2024,
            "source": "财政拨款",
            "purpose": "工作经费",
            "amount_yuan": "30000.00",
            "payer_level": "县级",
        },
    ],
    "designations": [
        {
            "id": "c1-d1",
            "community_id": "c1",
            "category": "和谐社区示范单位",
            "level": "省级",
            "year": 2008,
        },
    ],
    "indicators": [
        {"id": "c1-i1", "subject": "c1", "indicator": "jiangsu.full_employment", "value": 1},
    ],
}


def valid_document() -> dict[str, Any]:
    """A fresh deep copy of the valid document (tests mutate it)."""
    return copy.deepcopy(_DOCUMENT)
