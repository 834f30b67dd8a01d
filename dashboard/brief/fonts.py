"""A Chinese font for the brief's PDF and chart images, found on this machine (never fetched).

Debian/Ubuntu: `apt-get install fonts-noto-cjk` (the CI installs it). Elsewhere any of
FAMILIES works, or point DASHBOARD_CJK_FONT at a .ttf/.otf/.ttc file.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

ENV_FONT = "DASHBOARD_CJK_FONT"
# Simplified-Chinese faces first: in a collection the SC face draws 骨/直/说 the mainland way.
FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Noto Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Droid Sans Fallback",
)
MISSING = (
    "未找到中文字体，无法生成 PDF 周报（Excel 周报不受影响）。请安装 Noto Sans CJK"
    f"（Debian/Ubuntu：apt-get install fonts-noto-cjk），或用环境变量 {ENV_FONT} 指定字体文件。"
)


class FontMissing(RuntimeError):
    """No font on this machine can write Chinese."""

    def __init__(self, message: str = MISSING) -> None:
        super().__init__(message)


class FontUnsuitable(FontMissing):
    """DASHBOARD_CJK_FONT names no file, or a font without Chinese glyphs: a PDF written with
    it would have no Chinese, so none is written."""


# Characters the brief cannot do without: a font lacking any of them is not a Chinese font.
PROBE = "医防融合监测周报县乡镇村绿黄红标占比"


def has_cjk(path: str, index: int = 0) -> bool:
    """Whether the font (face `index` of a collection) has a glyph for every PROBE character."""
    from fontTools.ttLib import TTFont

    try:
        with TTFont(str(path), fontNumber=index, lazy=True) as font:
            cmap = font.getBestCmap() or {}
    except Exception:  # not a font fontTools can read
        return False
    return all(ord(c) in cmap for c in PROBE)


def _configured_font(configured: str) -> CjkFont:
    """The font DASHBOARD_CJK_FONT names, checked for Chinese glyphs."""
    name = Path(configured).name
    if not Path(configured).is_file():
        raise FontUnsuitable(
            f"环境变量 {ENV_FONT} 指定的字体文件不存在（{name}），无法生成 PDF 周报。"
            "请指定中文字体文件（如 NotoSansCJK-Regular.ttc），或删除该设置以使用系统中文字体。"
        )
    family = _family_of(configured)
    index = _face_index(configured, family)
    if not has_cjk(configured, index):
        raise FontUnsuitable(
            f"环境变量 {ENV_FONT} 指定的字体（{name}）不含中文字形，用它生成的 PDF 周报将没有中文，"
            "因此不生成。请指定中文字体文件（如 Noto Sans CJK），或删除该设置以使用系统中文字体。"
        )
    return CjkFont(family, configured, index, configured, index)


def check_setting() -> str | None:
    """At start: why DASHBOARD_CJK_FONT cannot write the brief (a Chinese sentence), or None
    (not set, or a Chinese font)."""
    configured = os.environ.get(ENV_FONT, "").strip()
    if not configured:
        return None
    try:
        _configured_font(configured)
    except FontMissing as exc:
        return str(exc)
    return None


@dataclass(frozen=True)
class CjkFont:
    """A font file (and its face in a collection) with its regular and bold variants."""

    family: str
    path: str
    index: int
    bold_path: str
    bold_index: int


def _face_index(path: str, family: str) -> int:
    """The face of `family` inside a .ttc/.otc collection (0 for a single font)."""
    known = getattr(path, "face_index", None)  # matplotlib ≥ 3.11 says which face it found
    if known is not None:
        return int(known)
    if not str(path).lower().endswith((".ttc", ".otc")):
        return 0
    from fontTools.ttLib import TTCollection

    with TTCollection(str(path), lazy=True) as collection:
        for i, font in enumerate(collection.fonts):
            if font["name"].getDebugName(1) == family:
                return i
    return 0


def _family_of(path: str) -> str:
    from matplotlib import font_manager

    font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path).get_name()


@functools.cache
def cjk_font() -> CjkFont | None:
    """The first Chinese font found (DASHBOARD_CJK_FONT, then FAMILIES), or None; raises
    FontUnsuitable when DASHBOARD_CJK_FONT is set to something that cannot write Chinese."""
    from matplotlib import font_manager

    configured = os.environ.get(ENV_FONT, "").strip()
    if configured:  # raises FontUnsuitable: a wrong setting is said, never silently passed over
        return _configured_font(configured)
    for family in FAMILIES:
        try:
            path = font_manager.findfont(
                font_manager.FontProperties(family=family), fallback_to_default=False
            )
        except ValueError:
            continue
        bold = font_manager.findfont(
            font_manager.FontProperties(family=family, weight="bold"), fallback_to_default=False
        )
        return CjkFont(
            family, str(path), _face_index(path, family), str(bold), _face_index(bold, family)
        )
    return None


def require() -> CjkFont:
    font = cjk_font()
    if font is None:
        raise FontMissing()
    return font
