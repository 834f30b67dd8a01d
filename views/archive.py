"""周报存档: the briefs the schedule filed (dashboard.brief.archive), as a user may see them.

Who sees which brief (the rule of the page, the same as a live brief's):
- a role that sees everything (admin, leader; or sign-in off) sees every filed brief;
- a county role sees the briefs of its county (the county's own and its townships');
- a township role sees only briefs whose townships are all its own: a county brief holds the
  other townships' figures (their league, their small counts), so it is not theirs to read.
  Those are filed only with `[schedule] townships = true`; the page then says where their
  own brief is (总览 → 下载周报, built for their area).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from data_access.periods import Period
from views.domain import Scope

KIND_WORDS = {"pptx": "PPT", "pdf": "PDF", "xlsx": "Excel"}
KIND_ORDER = ("pptx", "pdf", "xlsx")


@dataclass(frozen=True)
class FiledFile:
    kind: str  # pptx, pdf, xlsx
    name: str  # the file name in its entry's folder, e.g. 周报_双塘区_2026年第3季度.pptx
    size: int  # bytes

    @property
    def words(self) -> str:
        return KIND_WORDS.get(self.kind, self.kind)

    @property
    def size_words(self) -> str:
        if self.size >= 1_000_000:
            return f"{self.size / 1_000_000:.1f} MB"
        return f"{max(1, round(self.size / 1000))} KB"


@dataclass(frozen=True)
class Filed:
    """One filed brief: a scope and a period, its files, when it was filed."""

    period_key: str
    period_label: str
    scope: Scope
    scope_words: str
    filed_at: str  # local time, YYYY-MM-DD HH:MM
    files: tuple[FiledFile, ...] = ()
    folder: str = ""  # the entry's folder relative to the archive (the page reads files there)

    @property
    def sort_key(self) -> tuple:
        try:
            last = Period.parse(self.period_key).last_month
        except ValueError:
            last = ""
        return (last, self.period_key)


@dataclass(frozen=True)
class PeriodGroup:
    period_key: str
    period_label: str
    briefs: tuple[Filed, ...]


@dataclass(frozen=True)
class ArchiveView:
    periods: tuple[PeriodGroup, ...] = ()
    total: int = 0  # briefs this user may see (all periods)
    # Why the list is empty or short for this user (None: nothing to say)
    note: str | None = None
    schedule_words: str = ""
    problems: tuple[str, ...] = field(default_factory=tuple)


def may_see(visible: Scope | None, scope: Scope) -> bool:
    """Whether a user whose area is `visible` (None: everything) may open a brief of `scope`."""
    if visible is None or visible.is_all:
        return True
    if scope.county_code != visible.county_code:
        return False
    if not visible.township_codes:  # a county role
        return True
    return bool(scope.township_codes) and set(scope.township_codes) <= set(visible.township_codes)


def build(
    filed: list[Filed],
    visible: Scope | None,
    county_code: str | None = None,
    schedule_words: str = "",
    problems: tuple[str, ...] = (),
) -> ArchiveView:
    """The briefs `visible` may see (of `county_code` only, when the filters chose one), newest
    period first, each period's briefs by county then township."""
    seen = [f for f in filed if may_see(visible, f.scope)]
    if county_code:
        seen = [f for f in seen if f.scope.county_code == county_code]
    groups: dict[str, list[Filed]] = {}
    for f in sorted(seen, key=lambda f: f.sort_key, reverse=True):
        groups.setdefault(f.period_key, []).append(f)
    periods = tuple(
        PeriodGroup(
            key,
            briefs[0].period_label,
            tuple(
                sorted(briefs, key=lambda f: (f.scope.county_code or "", f.scope.township_codes))
            ),
        )
        for key, briefs in groups.items()
    )
    note = None
    township_role = visible is not None and bool(visible.township_codes)
    if not seen and township_role:
        note = (
            "您的账号只能查看本乡镇的周报，存档中没有本乡镇的周报（县区周报含其他乡镇的数字）。"
            "本乡镇的周报可在“总览”页点击“下载周报”生成。"
        )
    elif not seen and filed:
        note = "所选范围内还没有存档的周报。"
    elif not seen:
        note = (
            "存档中还没有周报。管理员可运行 `python -m dashboard.export schedule --once` 生成一轮，"
            "或按说明文档配置定时任务（cron / systemd）。"
        )
    return ArchiveView(periods, len(seen), note, schedule_words, tuple(problems))
