"""Shenzhen for the demo book: its ten districts, their sub-districts (街道) and a land polygon.

Coordinates are WGS-84 degrees, hand-placed at the populated centre of each sub-district (accurate
to about a kilometre, good enough for route planning on a demo book). Points are drawn around these
centres with a small jitter and rejected when they fall outside :data:`LAND_POLYGON`, a conservative
outline of the city's land: the Pearl River estuary and Shenzhen Bay to the west and south-west,
the Shenzhen River (the Hong Kong boundary) to the south, Dapeng Bay and Daya Bay to the south-east.
A bounding box would put borrowers in the sea or in Hong Kong.

大鹏新区 is a functional area inside 龙岗区, so its residents' ID numbers carry 龙岗's area code.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]


@dataclass(frozen=True)
class District:
    """A district: Chinese name, pinyin, the 6-digit area code used in ID numbers, population (10k,
    2020 census, rounded) and its weight as a place of work."""

    name: str
    pinyin: str
    area_code: int
    population: int
    work_weight: float


@dataclass(frozen=True)
class SubDistrict:
    """A sub-district (街道): its district, its name and the WGS-84 coordinates of its centre."""

    district: str
    name: str
    lat: float
    lng: float


CITY = "深圳市"

DISTRICTS: tuple[District, ...] = (
    District("福田区", "futian", 440304, 155, 0.22),
    District("罗湖区", "luohu", 440303, 114, 0.10),
    District("南山区", "nanshan", 440305, 180, 0.25),
    District("宝安区", "baoan", 440306, 447, 0.15),
    District("龙岗区", "longgang", 440307, 397, 0.12),
    District("龙华区", "longhua", 440309, 252, 0.08),
    District("坪山区", "pingshan", 440310, 55, 0.02),
    District("光明区", "guangming", 440311, 110, 0.03),
    District("盐田区", "yantian", 440308, 21, 0.02),
    District("大鹏新区", "dapeng", 440307, 16, 0.01),
)

SUBDISTRICTS: tuple[SubDistrict, ...] = (
    # 福田区
    SubDistrict("福田区", "园岭街道", 22.556, 114.096),
    SubDistrict("福田区", "南园街道", 22.536, 114.090),
    SubDistrict("福田区", "福田街道", 22.530, 114.062),
    SubDistrict("福田区", "沙头街道", 22.530, 114.030),
    SubDistrict("福田区", "香蜜湖街道", 22.547, 114.025),
    SubDistrict("福田区", "梅林街道", 22.570, 114.045),
    SubDistrict("福田区", "莲花街道", 22.557, 114.058),
    SubDistrict("福田区", "华富街道", 22.548, 114.075),
    SubDistrict("福田区", "福保街道", 22.522, 114.048),
    SubDistrict("福田区", "华强北街道", 22.545, 114.086),
    # 罗湖区
    SubDistrict("罗湖区", "桂园街道", 22.546, 114.108),
    SubDistrict("罗湖区", "黄贝街道", 22.549, 114.138),
    SubDistrict("罗湖区", "东门街道", 22.549, 114.120),
    SubDistrict("罗湖区", "翠竹街道", 22.565, 114.125),
    SubDistrict("罗湖区", "南湖街道", 22.541, 114.113),
    SubDistrict("罗湖区", "笋岗街道", 22.563, 114.105),
    SubDistrict("罗湖区", "东湖街道", 22.572, 114.148),
    SubDistrict("罗湖区", "莲塘街道", 22.562, 114.165),
    SubDistrict("罗湖区", "东晓街道", 22.578, 114.125),
    SubDistrict("罗湖区", "清水河街道", 22.588, 114.105),
    # 南山区
    SubDistrict("南山区", "南头街道", 22.545, 113.918),
    SubDistrict("南山区", "南山街道", 22.520, 113.925),
    SubDistrict("南山区", "沙河街道", 22.538, 113.980),
    SubDistrict("南山区", "蛇口街道", 22.500, 113.922),
    SubDistrict("南山区", "招商街道", 22.492, 113.912),
    SubDistrict("南山区", "粤海街道", 22.532, 113.945),
    SubDistrict("南山区", "桃源街道", 22.565, 113.955),
    SubDistrict("南山区", "西丽街道", 22.585, 113.955),
    # 宝安区
    SubDistrict("宝安区", "新安街道", 22.560, 113.885),
    SubDistrict("宝安区", "西乡街道", 22.578, 113.862),
    SubDistrict("宝安区", "航城街道", 22.605, 113.845),
    SubDistrict("宝安区", "福永街道", 22.668, 113.828),
    SubDistrict("宝安区", "福海街道", 22.692, 113.822),
    SubDistrict("宝安区", "沙井街道", 22.730, 113.832),
    SubDistrict("宝安区", "新桥街道", 22.722, 113.852),
    SubDistrict("宝安区", "松岗街道", 22.770, 113.842),
    SubDistrict("宝安区", "燕罗街道", 22.790, 113.862),
    SubDistrict("宝安区", "石岩街道", 22.680, 113.935),
    # 龙岗区
    SubDistrict("龙岗区", "平湖街道", 22.690, 114.125),
    SubDistrict("龙岗区", "坂田街道", 22.635, 114.070),
    SubDistrict("龙岗区", "布吉街道", 22.600, 114.120),
    SubDistrict("龙岗区", "吉华街道", 22.628, 114.102),
    SubDistrict("龙岗区", "南湾街道", 22.605, 114.150),
    SubDistrict("龙岗区", "横岗街道", 22.645, 114.210),
    SubDistrict("龙岗区", "园山街道", 22.650, 114.250),
    SubDistrict("龙岗区", "龙城街道", 22.720, 114.250),
    SubDistrict("龙岗区", "龙岗街道", 22.735, 114.280),
    SubDistrict("龙岗区", "宝龙街道", 22.715, 114.310),
    SubDistrict("龙岗区", "坪地街道", 22.780, 114.305),
    # 龙华区
    SubDistrict("龙华区", "民治街道", 22.620, 114.040),
    SubDistrict("龙华区", "龙华街道", 22.655, 114.030),
    SubDistrict("龙华区", "大浪街道", 22.665, 114.005),
    SubDistrict("龙华区", "观湖街道", 22.700, 114.065),
    SubDistrict("龙华区", "观澜街道", 22.740, 114.045),
    SubDistrict("龙华区", "福城街道", 22.710, 114.100),
    # 坪山区
    SubDistrict("坪山区", "坪山街道", 22.695, 114.345),
    SubDistrict("坪山区", "马峦街道", 22.660, 114.360),
    SubDistrict("坪山区", "碧岭街道", 22.665, 114.300),
    SubDistrict("坪山区", "石井街道", 22.680, 114.395),
    SubDistrict("坪山区", "龙田街道", 22.730, 114.365),
    SubDistrict("坪山区", "坑梓街道", 22.750, 114.385),
    # 光明区
    SubDistrict("光明区", "光明街道", 22.760, 113.930),
    SubDistrict("光明区", "公明街道", 22.780, 113.895),
    SubDistrict("光明区", "新湖街道", 22.765, 113.907),
    SubDistrict("光明区", "凤凰街道", 22.735, 113.945),
    SubDistrict("光明区", "玉塘街道", 22.745, 113.915),
    SubDistrict("光明区", "马田街道", 22.800, 113.915),
    # 盐田区
    SubDistrict("盐田区", "沙头角街道", 22.562, 114.225),
    SubDistrict("盐田区", "海山街道", 22.566, 114.245),
    SubDistrict("盐田区", "盐田街道", 22.590, 114.265),
    SubDistrict("盐田区", "梅沙街道", 22.610, 114.300),
    # 大鹏新区
    SubDistrict("大鹏新区", "葵涌街道", 22.635, 114.420),
    SubDistrict("大鹏新区", "大鹏街道", 22.595, 114.480),
    SubDistrict("大鹏新区", "南澳街道", 22.542, 114.478),
)

#: Real roads of each district, for street addresses.
ROADS: dict[str, tuple[str, ...]] = {
    "福田区": ("深南中路", "福华路", "福中路", "益田路", "金田路", "彩田路", "新洲路", "红荔路",
              "华强北路", "振华路", "梅林路", "皇岗路", "景田路", "莲花路"),
    "罗湖区": ("人民南路", "东门中路", "深南东路", "宝安南路", "解放路", "建设路", "春风路",
              "文锦中路", "布心路", "太白路", "爱国路", "笋岗路"),
    "南山区": ("南海大道", "科技园路", "高新南一道", "学府路", "南山大道", "沙河西路", "侨香路",
              "桃园路", "创业路", "后海大道", "工业八路", "留仙大道", "西丽路"),
    "宝安区": ("宝安大道", "新安六路", "创业一路", "前进一路", "兴华路", "西乡大道", "航城大道",
              "福永大道", "新沙路", "松岗大道", "广深公路", "宝石路"),
    "龙岗区": ("龙岗大道", "布吉路", "深惠路", "坂雪岗大道", "吉华路", "平湖大街", "横岗大道",
              "龙城大道", "黄阁路", "清林路", "爱联路"),
    "龙华区": ("人民路", "梅龙大道", "民治大道", "布龙路", "东环一路", "观澜大道", "大浪南路",
              "华盛路", "龙华大道", "民康路"),
    "坪山区": ("坪山大道", "深汕路", "东纵路", "金牛路", "丹梓大道", "龙兴路"),
    "光明区": ("光明大道", "松白路", "华夏路", "观光路", "光侨路", "牛山路"),
    "盐田区": ("沙盐路", "深盐路", "盐田路", "海山路", "东海道", "北山道"),
    "大鹏新区": ("葵鹏路", "鹏飞路", "迎宾路", "南澳大道", "坝光路"),
}  # fmt: skip

#: The city's land, (longitude, latitude) clockwise from the north-west; deliberately a little
#: inside the coast and the Hong Kong boundary.
LAND_POLYGON: tuple[tuple[float, float], ...] = (
    (113.770, 22.815), (113.880, 22.845), (113.960, 22.855), (114.020, 22.800), (114.100, 22.770),
    (114.180, 22.760), (114.260, 22.790), (114.330, 22.830), (114.420, 22.790), (114.470, 22.700),
    (114.540, 22.640), (114.570, 22.580), (114.550, 22.520), (114.510, 22.505), (114.480, 22.520),
    (114.465, 22.540), (114.450, 22.570), (114.420, 22.600), (114.370, 22.610), (114.330, 22.600),
    (114.300, 22.595), (114.270, 22.570), (114.245, 22.555), (114.225, 22.553), (114.200, 22.555),
    (114.165, 22.552), (114.140, 22.540), (114.120, 22.532), (114.100, 22.530), (114.080, 22.522),
    (114.060, 22.515), (114.030, 22.513), (114.010, 22.521), (113.985, 22.522), (113.960, 22.515),
    (113.945, 22.505), (113.935, 22.495), (113.925, 22.478), (113.915, 22.470), (113.898, 22.478),
    (113.885, 22.500), (113.880, 22.520), (113.860, 22.550), (113.840, 22.580), (113.815, 22.610),
    (113.800, 22.640), (113.790, 22.680), (113.785, 22.720), (113.775, 22.760),
)  # fmt: skip

#: Jitter around a sub-district centre, degrees: standard deviation (~300 m) and limit (~800 m).
_JITTER_SD = 0.003
_JITTER_MAX = 0.008

DISTRICT_INDEX: dict[str, int] = {d.name: i for i, d in enumerate(DISTRICTS)}
#: District (index into DISTRICTS) of each sub-district.
SUBDISTRICT_DISTRICT: I64 = np.array(
    [DISTRICT_INDEX[s.district] for s in SUBDISTRICTS], dtype=np.int64
)
SUBDISTRICT_LAT: F64 = np.array([s.lat for s in SUBDISTRICTS])
SUBDISTRICT_LNG: F64 = np.array([s.lng for s in SUBDISTRICTS])


def residence_weights() -> F64:
    """Probability of living in each sub-district: its district's population split evenly."""
    counts = np.bincount(SUBDISTRICT_DISTRICT, minlength=len(DISTRICTS))
    population = np.array([d.population for d in DISTRICTS], dtype=np.float64)
    weights = population[SUBDISTRICT_DISTRICT] / counts[SUBDISTRICT_DISTRICT]
    result: F64 = weights / weights.sum()
    return result


def work_weights() -> F64:
    """Probability of working in each sub-district: its district's job weight, split evenly."""
    counts = np.bincount(SUBDISTRICT_DISTRICT, minlength=len(DISTRICTS))
    weight = np.array([d.work_weight for d in DISTRICTS], dtype=np.float64)
    weights = weight[SUBDISTRICT_DISTRICT] / counts[SUBDISTRICT_DISTRICT]
    result: F64 = weights / weights.sum()
    return result


def inside_land(lat: F64, lng: F64) -> npt.NDArray[np.bool_]:
    """True where (lat, lng) lies inside :data:`LAND_POLYGON` (even-odd ray casting, vectorised)."""
    inside = np.zeros(lat.shape, dtype=bool)
    vertices = LAND_POLYGON
    for (x1, y1), (x2, y2) in zip(vertices, vertices[1:] + vertices[:1], strict=True):
        if y1 == y2:
            continue
        crosses = (y1 > lat) != (y2 > lat)
        x_at = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
        inside ^= crosses & (lng < x_at)
    return inside


def jittered_points(rng: np.random.Generator, subdistrict: I64) -> tuple[F64, F64]:
    """Points near the given sub-district centres, all on land, rounded to 6 decimals (~0.1 m).

    Jitter is normal with sd 0.003° clipped to ±0.008°; a point off the land polygon is redrawn
    (twice), then falls back to the sub-district centre.
    """
    lat = SUBDISTRICT_LAT[subdistrict].copy()
    lng = SUBDISTRICT_LNG[subdistrict].copy()
    todo = np.arange(subdistrict.size)
    for _ in range(3):
        d_lat = np.clip(rng.normal(0.0, _JITTER_SD, todo.size), -_JITTER_MAX, _JITTER_MAX)
        d_lng = np.clip(rng.normal(0.0, _JITTER_SD, todo.size), -_JITTER_MAX, _JITTER_MAX)
        lat[todo] = SUBDISTRICT_LAT[subdistrict[todo]] + d_lat
        lng[todo] = SUBDISTRICT_LNG[subdistrict[todo]] + d_lng
        todo = todo[~inside_land(lat[todo], lng[todo])]
        if todo.size == 0:
            break
    lat[todo] = SUBDISTRICT_LAT[subdistrict[todo]]
    lng[todo] = SUBDISTRICT_LNG[subdistrict[todo]]
    return np.round(lat, 6), np.round(lng, 6)
