"""周报存档: the briefs the schedule filed (python -m dashboard.export schedule), to download.

Renders views.archive: which briefs this user may open (a township role only its townships'
own briefs), newest period first. Each download reads the filed file on click, in another
thread, and is an `export` row of the audit trail (dashboard.brief.archive.read).
"""

from __future__ import annotations

import streamlit as st

from dashboard import audit, brief, brief_downloads, safe, signin, state
from dashboard.brief import archive, schedule
from views import archive as archive_view

MIMES = {"pptx": brief.PPTX_MIME, "pdf": "application/pdf", "xlsx": brief_downloads.XLSX_MIME}
ICONS = {"pptx": ":material/slideshow:", "pdf": ":material/picture_as_pdf:",
         "xlsx": ":material/table:"}  # fmt: skip

filters = state.current()
user = signin.current_user()
admin = user is None or user.is_admin  # sign-in off: the operator's own machine
settings, problems = schedule.read()
folder = settings.folder
st.title("周报存档")
try:
    filed = archive.listing(folder)
except OSError as exc:
    st.error(
        "无法读取周报存档目录。" + (f"（{safe.reason(str(exc))}）" if admin else "请联系管理员。")
    )
    st.stop()
view = archive_view.build(
    filed, filters.visible, filters.scope.county_code, settings.words, tuple(problems)
)
st.caption(f"{view.schedule_words}。已存档的周报在此下载，每次下载记入审计日志。")
if admin and view.problems:
    st.warning("周报计划的设置有误，已使用默认值：" + "；".join(map(safe.markdown, view.problems)))
if view.note:
    st.info(view.note)
if not view.periods:
    st.stop()

labels = {g.period_key: g.period_label for g in view.periods}
chosen = st.selectbox(
    "期间", list(labels), format_func=lambda k: labels[k], key="w_archive_period", width=320
)
group = next(g for g in view.periods if g.period_key == chosen)
st.subheader(f"{group.period_label}（{len(group.briefs)} 份）")
for filed_brief in group.briefs:
    with st.container(border=True, horizontal=True, vertical_alignment="center"):
        st.markdown(
            f"**{safe.markdown(filed_brief.scope_words)}**  \n"
            f":gray[存档于 {safe.markdown(filed_brief.filed_at)}]",
            width=320,
        )
        for item in filed_brief.files:
            st.download_button(
                f"{item.words}（{item.size_words}）",
                audit.deferred(lambda f=filed_brief, k=item.kind: archive.read(folder, f, k)),
                file_name=item.name,
                mime=MIMES[item.kind],
                icon=ICONS[item.kind],
                on_click="ignore",
                key=f"archive_{filed_brief.folder}_{item.kind}",
                help=safe.markdown(item.name),
            )
