"""Fictional Chinese place and person names composed from syllables (no real register is used)."""

from __future__ import annotations

import numpy as np

# Syllables that read like southwest-China place names (山, 坝, 坪, 寨 …); any pairing is fictional.
FIRST = list(
    "东西南北上中大小新高平长安青白红金石水龙凤马鹿竹松柏桃梅兰云岩沙田三五双九清明太永兴德仁和福宝顺泰文枫杉花黄乌碧翠茶"
)
SECOND = list("河江溪山岭坪坝台岩坡冲寨场口湾塘田林桥关庄屯堡阳源沟岗洞井营杠坳湖")
STREET_PREFIXES = ["城东", "城西", "城南", "城北", "城关", "文昌", "凤鸣", "龙泉", "新城", "河滨"]
COMMUNITY_WORDS = list(
    "和平 幸福 新华 文化 建设 花园 滨江 东风 红星 光明 育才 振兴 团结 新民 丰收 锦绣 朝阳 阳光 "
    "康乐 安居 书香 金桥 翠微 玉泉 南苑 北苑 桂园 枫林 清泉 望江".split()
)
SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
) + ["欧阳", "司马", "诸葛"]
GIVEN = list(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华兰玉萍红建文辉力斌宇浩凯鹏婷雪琳晶欣慧佳倩颖露瑶怡"
    "悦子梓晨思雨一诗梦海成国志永德春秋云富贵兵林峰亮远航家俊"
)

# Exercise 4-byte UTF-8 (MySQL utf8mb4) and rare CJK characters in at least two village names.
RARE_VILLAGE_NAMES = ["㵲溪村", "𠄘坪村"]
# A single quote in a team name exercises SQL escaping in every writer and reader.
QUOTED_TEAM_NAME_TEMPLATE = "{village}'健康守门人'医防融合团队"


def _pick(rng: np.random.Generator, items: list[str]) -> str:
    return items[int(rng.integers(len(items)))]


def place_names(
    rng: np.random.Generator, count: int, suffix: str, *, three_char_share: float = 0.0
) -> list[str]:
    """`count` distinct names such as 三台村 or 青杠坡村 (suffix appended)."""
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        stem = _pick(rng, FIRST) + _pick(rng, SECOND)
        if rng.random() < three_char_share:
            stem += _pick(rng, SECOND)
        if stem[0] == stem[1] or stem in seen:
            continue
        seen.add(stem)
        names.append(stem + suffix)
    return names


def street_names(rng: np.random.Generator, count: int, taken: set[str]) -> list[str]:
    """Names of 街道 (urban subdistricts), distinct from `taken` township names."""
    pool = [p + "街道" for p in STREET_PREFIXES if p + "街道" not in taken]
    order = rng.permutation(len(pool))
    names = [pool[i] for i in order[:count]]
    if len(names) < count:  # more streets than prefixes: fall back to composed names
        extra = place_names(rng, count - len(names) + len(taken) + 5, "街道")
        names += [n for n in extra if n not in taken and n not in names][: count - len(names)]
    return names


def community_names(rng: np.random.Generator, count: int) -> list[str]:
    """Distinct 社区 names for the communities of one 街道."""
    words = [COMMUNITY_WORDS[i] for i in rng.permutation(len(COMMUNITY_WORDS))]
    if count <= len(words):
        return [w + "社区" for w in words[:count]]
    return [w + "社区" for w in words] + place_names(rng, count - len(words), "社区")


def person_names(rng: np.random.Generator, count: int) -> list[str]:
    """`count` distinct fictional person names: surname plus one or two given-name characters."""
    names: list[str] = []
    while len(names) < count:
        given = _pick(rng, GIVEN)
        if rng.random() < 0.65:
            given += _pick(rng, GIVEN)
        name = _pick(rng, SURNAMES) + given
        if name not in names:
            names.append(name)
    return names
