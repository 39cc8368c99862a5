"""Division tables for the sample generator: provinces, and real cities and counties.

Province codes and names are the 31 province-level divisions of the mainland
(统计用区划代码, first two digits). Real prefecture-level cities (地级) and
county-level divisions (县级) with their official codes are listed for the seed
provinces — Jiangsu 32 (Nanjing, Yangzhou/Jiangdu ... seed 001), Shandong 37
(Jinan, Zaozhuang/Tengzhou ... seed 002), Hubei 42 (Wuhan/Huangpi ... seed 004)
— and for a few municipalities and capitals. Other provinces get their capital
city's real code and name, and synthetic cities and counties beyond that.

The bounding boxes (CGCS2000 degrees) are rough: they only keep sample
coordinates inside the right part of the country.
"""

from __future__ import annotations

from typing import Final

import attrs

__all__ = ["PROVINCES", "REAL_CITIES", "Province", "RealCity"]


@attrs.frozen
class Province:
    """A province-level division (省级行政区) with a rough bounding box."""

    code: str
    name: str
    civil_affairs: str  # the provincial civil-affairs authority (民政厅 / 民政局)
    min_lon: float
    max_lon: float
    min_lat: float
    max_lat: float
    municipality: bool = False  # 直辖市: the city level is 市辖区


@attrs.frozen
class RealCity:
    """A real prefecture-level division with its real county-level divisions (maybe none)."""

    code: str  # 4 digits
    name: str
    longitude: float  # approximate centre of the city proper
    latitude: float
    counties: tuple[tuple[str, str], ...]  # (6-digit code, name)


# code, name, lon range, lat range
_PROVINCE_ROWS: Final = """
11 北京市 115.4 117.5 39.4 41.1
12 天津市 116.7 118.1 38.5 40.3
13 河北省 113.4 119.9 36.0 42.6
14 山西省 110.2 114.6 34.6 40.7
15 内蒙古自治区 97.2 126.1 37.4 53.4
21 辽宁省 118.8 125.8 38.7 43.5
22 吉林省 121.6 131.3 40.9 46.3
23 黑龙江省 121.2 135.1 43.4 53.5
31 上海市 120.9 122.0 30.7 31.9
32 江苏省 116.3 121.9 30.7 35.1
33 浙江省 118.0 123.0 27.0 31.2
34 安徽省 114.9 119.7 29.4 34.7
35 福建省 115.8 120.7 23.5 28.3
36 江西省 113.6 118.5 24.5 30.1
37 山东省 114.8 122.7 34.4 38.4
41 河南省 110.4 116.7 31.4 36.4
42 湖北省 108.4 116.1 29.0 33.3
43 湖南省 108.8 114.3 24.6 30.1
44 广东省 109.7 117.3 20.2 25.5
45 广西壮族自治区 104.5 112.1 21.4 26.4
46 海南省 108.6 111.1 18.2 20.2
50 重庆市 105.3 110.2 28.2 32.2
51 四川省 97.4 108.5 26.0 34.3
52 贵州省 103.6 109.6 24.6 29.2
53 云南省 97.5 106.2 21.1 29.2
54 西藏自治区 78.4 99.1 26.9 36.5
61 陕西省 105.5 111.3 31.7 39.6
62 甘肃省 92.1 108.7 32.6 42.8
63 青海省 89.4 103.1 31.6 39.2
64 宁夏回族自治区 104.3 107.7 35.2 39.4
65 新疆维吾尔自治区 73.5 96.4 34.4 49.2
"""

_MUNICIPALITIES: Final = frozenset({"11", "12", "31", "50"})

# One city per line: "code name longitude latitude | county-part name, ...", the
# centre approximate. Municipalities' city level is 市辖区 (their districts are real).
_CITY_ROWS: Final = """
1101 市辖区 116.40 39.90 | 01 东城区, 02 西城区, 05 朝阳区, 06 丰台区, 07 石景山区, 08 海淀区,
  09 门头沟区, 11 房山区, 12 通州区, 13 顺义区, 14 昌平区, 15 大兴区, 16 怀柔区, 17 平谷区,
  18 密云区, 19 延庆区
1201 市辖区 117.20 39.13 | 01 和平区, 02 河东区, 03 河西区, 04 南开区, 05 河北区, 06 红桥区,
  10 东丽区, 11 西青区, 12 津南区, 13 北辰区, 14 武清区, 15 宝坻区, 16 滨海新区, 17 宁河区,
  18 静海区, 19 蓟州区
1301 石家庄市 114.51 38.04 |
1401 太原市 112.55 37.87 |
1501 呼和浩特市 111.75 40.84 |
2101 沈阳市 123.43 41.80 |
2201 长春市 125.32 43.82 |
2301 哈尔滨市 126.63 45.75 |
3101 市辖区 121.47 31.23 | 01 黄浦区, 04 徐汇区, 05 长宁区, 06 静安区, 07 普陀区, 09 虹口区,
  10 杨浦区, 12 闵行区, 13 宝山区, 14 嘉定区, 15 浦东新区, 16 金山区, 17 松江区, 18 青浦区,
  20 奉贤区, 51 崇明区
3201 南京市 118.80 32.06 | 02 玄武区, 04 秦淮区, 05 建邺区, 06 鼓楼区, 11 浦口区, 13 栖霞区,
  14 雨花台区, 15 江宁区, 16 六合区, 17 溧水区, 18 高淳区
3202 无锡市 120.31 31.49 | 05 锡山区, 06 惠山区, 11 滨湖区, 13 梁溪区, 14 新吴区, 81 江阴市,
  82 宜兴市
3203 徐州市 117.28 34.20 | 02 鼓楼区, 03 云龙区, 05 贾汪区, 11 泉山区, 12 铜山区, 21 丰县, 22 沛县,
  24 睢宁县, 81 新沂市, 82 邳州市
3204 常州市 119.97 31.81 | 02 天宁区, 04 钟楼区, 11 新北区, 12 武进区, 13 金坛区, 81 溧阳市
3205 苏州市 120.58 31.30 | 05 虎丘区, 06 吴中区, 07 相城区, 08 姑苏区, 09 吴江区, 81 常熟市,
  82 张家港市, 83 昆山市, 85 太仓市
3206 南通市 120.89 31.98 | 12 通州区, 13 崇川区, 14 海门区, 23 如东县, 81 启东市, 82 如皋市,
  85 海安市
3207 连云港市 119.22 34.60 | 03 连云区, 06 海州区, 07 赣榆区, 22 东海县, 23 灌云县, 24 灌南县
3208 淮安市 119.02 33.61 | 03 淮安区, 04 淮阴区, 12 清江浦区, 13 洪泽区, 26 涟水县, 30 盱眙县,
  31 金湖县
3209 盐城市 120.16 33.35 | 02 亭湖区, 03 盐都区, 04 大丰区, 21 响水县, 22 滨海县, 23 阜宁县,
  24 射阳县, 25 建湖县, 81 东台市
3210 扬州市 119.41 32.39 | 02 广陵区, 03 邗江区, 12 江都区, 23 宝应县, 81 仪征市, 84 高邮市
3211 镇江市 119.45 32.20 | 02 京口区, 11 润州区, 12 丹徒区, 81 丹阳市, 82 扬中市, 83 句容市
3212 泰州市 119.92 32.46 | 02 海陵区, 03 高港区, 04 姜堰区, 81 兴化市, 82 靖江市, 83 泰兴市
3213 宿迁市 118.28 33.96 | 02 宿城区, 11 宿豫区, 22 沭阳县, 23 泗阳县, 24 泗洪县
3301 杭州市 120.15 30.27 | 02 上城区, 05 拱墅区, 06 西湖区, 08 滨江区, 09 萧山区, 10 余杭区,
  11 富阳区, 12 临安区, 13 临平区, 14 钱塘区, 22 桐庐县, 27 淳安县, 82 建德市
3401 合肥市 117.23 31.82 |
3501 福州市 119.30 26.08 |
3601 南昌市 115.86 28.68 |
3701 济南市 117.00 36.65 | 02 历下区, 03 市中区, 04 槐荫区, 05 天桥区, 12 历城区, 13 长清区,
  14 章丘区, 15 济阳区, 16 莱芜区, 17 钢城区, 24 平阴县, 26 商河县
3702 青岛市 120.38 36.07 | 02 市南区, 03 市北区, 11 黄岛区, 12 崂山区, 13 李沧区, 14 城阳区,
  15 即墨区, 81 胶州市, 83 平度市, 85 莱西市
3703 淄博市 118.05 36.81 | 02 淄川区, 03 张店区, 04 博山区, 05 临淄区, 06 周村区, 21 桓台县,
  22 高青县, 23 沂源县
3704 枣庄市 117.32 34.81 | 02 市中区, 03 薛城区, 04 峄城区, 05 台儿庄区, 06 山亭区, 81 滕州市
3705 东营市 118.67 37.43 | 02 东营区, 03 河口区, 05 垦利区, 22 利津县, 23 广饶县
3706 烟台市 121.45 37.46 | 02 芝罘区, 11 福山区, 12 牟平区, 13 莱山区, 14 蓬莱区, 81 龙口市,
  82 莱阳市, 83 莱州市, 85 招远市, 86 栖霞市, 87 海阳市
3707 潍坊市 119.16 36.71 | 02 潍城区, 03 寒亭区, 04 坊子区, 05 奎文区, 24 临朐县, 25 昌乐县,
  81 青州市, 82 诸城市, 83 寿光市, 84 安丘市, 85 高密市, 86 昌邑市
3708 济宁市 116.59 35.41 | 11 任城区, 12 兖州区, 26 微山县, 27 鱼台县, 28 金乡县, 29 嘉祥县,
  30 汶上县, 31 泗水县, 32 梁山县, 81 曲阜市, 83 邹城市
3709 泰安市 117.09 36.20 | 02 泰山区, 11 岱岳区, 21 宁阳县, 23 东平县, 82 新泰市, 83 肥城市
3710 威海市 122.12 37.51 | 02 环翠区, 03 文登区, 82 荣成市, 83 乳山市
3711 日照市 119.53 35.42 | 02 东港区, 03 岚山区, 21 五莲县, 22 莒县
3713 临沂市 118.36 35.10 | 02 兰山区, 11 罗庄区, 12 河东区, 21 沂南县, 22 郯城县, 23 沂水县,
  24 兰陵县, 25 费县, 26 平邑县, 27 莒南县, 28 蒙阴县, 29 临沭县
3714 德州市 116.36 37.44 | 02 德城区, 03 陵城区, 22 宁津县, 23 庆云县, 24 临邑县, 25 齐河县,
  26 平原县, 27 夏津县, 28 武城县, 81 乐陵市, 82 禹城市
3715 聊城市 115.99 36.46 | 02 东昌府区, 03 茌平区, 21 阳谷县, 22 莘县, 24 东阿县, 25 冠县,
  26 高唐县, 81 临清市
3716 滨州市 118.02 37.38 | 02 滨城区, 03 沾化区, 21 惠民县, 22 阳信县, 23 无棣县, 25 博兴县,
  81 邹平市
3717 菏泽市 115.48 35.23 | 02 牡丹区, 03 定陶区, 21 曹县, 22 单县, 23 成武县, 24 巨野县, 25 郓城县,
  26 鄄城县, 28 东明县
4101 郑州市 113.63 34.75 |
4201 武汉市 114.30 30.59 | 02 江岸区, 03 江汉区, 04 硚口区, 05 汉阳区, 06 武昌区, 07 青山区,
  11 洪山区, 12 东西湖区, 13 汉南区, 14 蔡甸区, 15 江夏区, 16 黄陂区, 17 新洲区
4202 黄石市 115.04 30.20 | 02 黄石港区, 03 西塞山区, 04 下陆区, 05 铁山区, 22 阳新县, 81 大冶市
4203 十堰市 110.80 32.63 | 02 茅箭区, 03 张湾区, 04 郧阳区, 22 郧西县, 23 竹山县, 24 竹溪县,
  25 房县, 81 丹江口市
4205 宜昌市 111.29 30.69 | 02 西陵区, 03 伍家岗区, 04 点军区, 05 猇亭区, 06 夷陵区, 25 远安县,
  26 兴山县, 27 秭归县, 28 长阳土家族自治县, 29 五峰土家族自治县, 81 宜都市, 82 当阳市, 83 枝江市
4206 襄阳市 112.14 32.04 | 02 襄城区, 06 樊城区, 07 襄州区, 24 南漳县, 25 谷城县, 26 保康县,
  82 老河口市, 83 枣阳市, 84 宜城市
4207 鄂州市 114.89 30.39 | 02 梁子湖区, 03 华容区, 04 鄂城区
4208 荆门市 112.20 31.04 | 02 东宝区, 04 掇刀区, 22 沙洋县, 81 钟祥市, 82 京山市
4209 孝感市 113.92 30.92 | 02 孝南区, 21 孝昌县, 22 大悟县, 23 云梦县, 81 应城市, 82 安陆市,
  84 汉川市
4210 荆州市 112.24 30.33 | 02 沙市区, 03 荆州区, 22 公安县, 24 江陵县, 81 石首市, 83 洪湖市,
  87 松滋市, 88 监利市
4211 黄冈市 114.87 30.45 | 02 黄州区, 21 团风县, 22 红安县, 23 罗田县, 24 英山县, 25 浠水县,
  26 蕲春县, 27 黄梅县, 81 麻城市, 82 武穴市
4212 咸宁市 114.32 29.84 | 02 咸安区, 21 嘉鱼县, 22 通城县, 23 崇阳县, 24 通山县, 81 赤壁市
4213 随州市 113.38 31.69 | 03 曾都区, 21 随县, 81 广水市
4301 长沙市 112.94 28.23 |
4401 广州市 113.26 23.13 | 03 荔湾区, 04 越秀区, 05 海珠区, 06 天河区, 11 白云区, 12 黄埔区,
  13 番禺区, 14 花都区, 15 南沙区, 17 从化区, 18 增城区
4501 南宁市 108.37 22.82 |
4601 海口市 110.20 20.04 |
5001 市辖区 106.55 29.56 | 01 万州区, 02 涪陵区, 03 渝中区, 04 大渡口区, 05 江北区, 06 沙坪坝区,
  07 九龙坡区, 08 南岸区, 09 北碚区, 10 綦江区, 11 大足区, 12 渝北区, 13 巴南区
5101 成都市 104.07 30.57 | 04 锦江区, 05 青羊区, 06 金牛区, 07 武侯区, 08 成华区, 12 龙泉驿区,
  13 青白江区, 14 新都区, 15 温江区, 16 双流区, 17 郫都区, 18 新津区
5201 贵阳市 106.63 26.65 |
5301 昆明市 102.83 24.88 |
5401 拉萨市 91.17 29.65 |
6101 西安市 108.94 34.34 |
6201 兰州市 103.83 36.06 |
6301 西宁市 101.78 36.62 |
6401 银川市 106.23 38.49 |
6501 乌鲁木齐市 87.62 43.83 |
"""


def _parse_provinces() -> dict[str, Province]:
    provinces: dict[str, Province] = {}
    for line in _PROVINCE_ROWS.strip().splitlines():
        code, name, *box = line.split()
        lon0, lon1, lat0, lat1 = (float(value) for value in box)
        authority = f"{name}民政局" if code in _MUNICIPALITIES else f"{name}民政厅"
        provinces[code] = Province(
            code, name, authority, lon0, lon1, lat0, lat1, municipality=code in _MUNICIPALITIES
        )
    return provinces


def _parse_cities() -> dict[str, tuple[RealCity, ...]]:
    # Continuation lines start with whitespace; join them to their city first.
    joined: list[str] = []
    for line in _CITY_ROWS.strip("\n").splitlines():
        if line[:1].isspace() and joined:
            joined[-1] += " " + line.strip()
        else:
            joined.append(line.strip())
    cities: dict[str, list[RealCity]] = {}
    for row in joined:
        head, _, tail = row.partition("|")
        code, name, longitude, latitude = head.split()
        counties = tuple(
            (code + part, county)
            for part, county in (item.split() for item in tail.split(",") if item.strip())
        )
        city = RealCity(code, name, float(longitude), float(latitude), counties)
        cities.setdefault(code[:2], []).append(city)
    return {province: tuple(rows) for province, rows in cities.items()}


PROVINCES: Final[dict[str, Province]] = _parse_provinces()
"""The 31 mainland province-level divisions by 2-digit code."""

REAL_CITIES: Final[dict[str, tuple[RealCity, ...]]] = _parse_cities()
"""Real cities (and their real counties, where listed) by province code, in code order."""
