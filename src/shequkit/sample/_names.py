"""Name tables for the sample generator: people, places, estates and service items.

Surnames follow the common-surname rankings (a weight per surname; compound
surnames such as 欧阳 are rare but present). Place names are composed from two
syllables the way Chinese street, town and community names usually are (龙潭,
梅园, 锦秀 ...). Service items are the ones the seed documents list under each
service function (seeds 000, 002, 004).
"""

from __future__ import annotations

from typing import Final

from shequkit.codes import ServiceCategory, SocialOrganisationCategory

__all__ = [
    "COMPOUND_SURNAMES",
    "ESTATE_SUFFIXES",
    "FEMALE_GIVEN",
    "MALE_GIVEN",
    "NEUTRAL_GIVEN",
    "PLACE_FIRST",
    "PLACE_SECOND",
    "PROPERTY_SUFFIXES",
    "ROAD_SUFFIXES",
    "SERVICE_ITEMS",
    "SOCIAL_ORGANISATIONS",
    "SURNAMES",
    "SURNAME_WEIGHTS",
    "chinese_number",
]

# The most common surnames, most frequent first; weights fall off with rank.
SURNAMES: Final = tuple(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚"
    "邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳"
)
SURNAME_WEIGHTS: Final = tuple(1000 // (rank + 8) + 1 for rank in range(len(SURNAMES)))

COMPOUND_SURNAMES: Final = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "慕容", "令狐")

MALE_GIVEN: Final = tuple(
    "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭龙林峰建国志海东亮成岩松彬振"
)
FEMALE_GIVEN: Final = tuple(
    "芳娜敏静丽艳娟霞秀英婷雪慧颖琳晶倩燕红萍玲丹洁佳怡欣悦梅兰琴云莉凤桂玉珍蓉薇菊"
)
NEUTRAL_GIVEN: Final = tuple("文明春晓子思宁安嘉一雨晨家德永新立金小天世志")

# Place names: first syllable x second syllable (龙 + 潭 = 龙潭).
PLACE_FIRST: Final = tuple(
    "东西南北新青龙凤金银玉华春桃梅兰竹松柳清明安康福瑞祥和宁泰丰永长广兴盛文德仁义锦秀翠碧"
    "白红黄古双三五七太"
)
PLACE_SECOND: Final = tuple("山河湖桥园苑庄塘湾港岭坪林门街里城阳源泉亭口州田圩台岗洲溪水峰沟")

ESTATE_SUFFIXES: Final = ("花园", "家园", "新村", "小区", "苑", "名邸", "雅居", "佳园")
ROAD_SUFFIXES: Final = ("路", "街", "大道", "巷", "中路", "东路", "西路", "南路", "北路")
PROPERTY_SUFFIXES: Final = ("物业服务有限公司", "物业管理有限公司", "物业有限公司")

# Social organisations a community fosters (seed 002: charity, culture and sports,
# science, life services for the elderly, disabled and poor; seed 003: public
# welfare and mutual aid): (name suffix, category, USCC organisation type).
# Type 1 is 社会团体, 2 民办非企业单位 (社会服务机构), 9 other civil-affairs units.
SOCIAL_ORGANISATIONS: Final[tuple[tuple[str, SocialOrganisationCategory, str], ...]] = (
    ("志愿者协会", SocialOrganisationCategory.PUBLIC_WELFARE, "1"),
    ("老年协会", SocialOrganisationCategory.MUTUAL_AID, "1"),
    ("夕阳红艺术团", SocialOrganisationCategory.CULTURE_SPORTS, "1"),
    ("体育健身协会", SocialOrganisationCategory.CULTURE_SPORTS, "1"),
    ("慈善工作站", SocialOrganisationCategory.CHARITY, "9"),
    ("科普协会", SocialOrganisationCategory.SCIENCE, "1"),
    ("居家养老服务中心", SocialOrganisationCategory.LIFE_SERVICE, "2"),
    ("社会工作服务中心", SocialOrganisationCategory.PUBLIC_WELFARE, "2"),
    ("助残服务社", SocialOrganisationCategory.LIFE_SERVICE, "2"),
    ("邻里互助会", SocialOrganisationCategory.MUTUAL_AID, "9"),
)

# Service items by function (seed 000's ten functions, seed 002's list).
SERVICE_ITEMS: Final[dict[ServiceCategory, tuple[str, ...]]] = {
    ServiceCategory.CONVENIENCE: (
        "家政服务", "便民维修", "代收代缴", "便民理发", "快递代收", "衣物缝补",
    ),
    ServiceCategory.ASSISTANCE: (
        "低保申请受理", "临时救助", "困难家庭帮扶", "残疾人两项补贴受理", "医疗救助", "爱心超市",
    ),
    ServiceCategory.HEALTH_CARE: (
        "家庭医生签约", "慢性病随访", "健康体检", "预防接种", "健康教育讲座", "康复指导",
    ),
    ServiceCategory.SAFETY: (
        "治安巡逻", "消防安全检查", "看楼护院", "反诈宣传", "安全用电用气宣传", "矛盾纠纷排查",
    ),
    ServiceCategory.RESIDENT_EDUCATION: (
        "市民学校讲座", "家长学校", "老年学校课程", "青少年课后托管", "技能培训", "社区党校",
    ),
    ServiceCategory.LEGAL_EDUCATION: (
        "法律咨询", "法治宣传进社区", "社区法律顾问", "普法讲座", "人民调解咨询",
    ),
    ServiceCategory.CULTURE: (
        "社区文化活动月", "广场文化活动", "邻里节", "书画阅览", "文艺汇演", "电影放映",
    ),
    ServiceCategory.SPORTS: (
        "全民健身活动", "广场舞辅导", "太极拳辅导", "社区运动会", "健身器材开放", "乒乓球活动",
    ),
    ServiceCategory.ENVIRONMENT: (
        "垃圾分类指导", "楼道清洁", "绿化养护", "环境整治", "废旧物品回收",
    ),
    ServiceCategory.OVERSIGHT: (
        "居务公开", "民主评议", "居民代表议事", "民情恳谈", "社区事务听证",
    ),
    ServiceCategory.EMPLOYMENT: (
        "就业岗位信息发布", "再就业培训", "公益性岗位开发", "创业指导", "4050人员就业援助",
    ),
    ServiceCategory.SOCIAL_SECURITY: (
        "城乡居民医保参保", "养老保险参保登记", "退休人员社会化管理", "社保待遇资格认证",
        "失业登记",
    ),
    ServiceCategory.FAMILY_PLANNING: (
        "计生政策咨询", "免费孕前检查", "育龄妇女随访", "生殖健康宣传", "独生子女父母奖励受理",
    ),
    ServiceCategory.ELDERLY_CARE: (
        "居家养老服务", "老年助餐", "日间照料", "空巢老人探访", "敬老日活动", "老年人助浴",
    ),
    ServiceCategory.MIGRANT_SERVICES: (
        "流动人口登记", "居住证办理", "流动人口计生服务", "随迁子女入学咨询", "出租房屋登记",
    ),
    ServiceCategory.CHARITY: (
        "慈善超市", "捐助接收点", "结对帮扶", "爱心义卖", "慈善助学",
    ),
    ServiceCategory.SCIENCE_POPULARISATION: (
        "科普画廊", "科普讲座", "科普进家庭", "防灾减灾科普", "青少年科技活动",
    ),
}  # fmt: skip

_DIGITS: Final = "零一二三四五六七八九"


def chinese_number(number: int) -> str:
    """Write 1–99 in Chinese numerals (一, 十, 十一, 二十三) for names like 第十二网格."""
    if not 0 < number < 100:
        raise ValueError(f"{number} is outside 1-99")
    tens, units = divmod(number, 10)
    if tens == 0:
        return _DIGITS[units]
    head = "十" if tens == 1 else _DIGITS[tens] + "十"
    return head + (_DIGITS[units] if units else "")
