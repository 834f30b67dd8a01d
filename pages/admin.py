"""审计日志: the audit trail for administrators (sign-ins, failures, page views, exports)."""

import time

import pandas as pd
import streamlit as st

from dashboard import audit, data, excel, safe, signin
from views import audit_log
from views.load_history import COLUMNS as LOAD_COLUMNS
from views.load_history import load_rows as load_history_rows

user = signin.current_user()
if user is None or not user.is_admin:
    st.error("只有管理员可以查看审计日志。")
    st.stop()

st.title("审计日志")


def store_status() -> None:
    """The analytics store the pages read: which extract, since when, and a refresh now."""
    keeper = data.database().keeper
    if keeper is None:
        st.caption("分析库已关闭（DASHBOARD_STORE=off）：每个图表直接查询数据库。")
        return
    with st.expander("分析库（页面读取的汇总数据）", expanded=False, icon=":material/database:"):
        current = keeper.current
        if current is not None:
            info = current.info
            size = current.path.stat().st_size / 1e6 if current.path.exists() else 0.0
            st.markdown(
                f"- 数据提取时间：{safe.markdown(info.get('extracted_at') or '未知')}\n"
                f"- 分析库生成于：{safe.markdown(info.get('built_at') or '未知')}\n"
                f"- 文件：`{current.path.name}`（{size:.1f} MB）"
            )
        if keeper.building:
            st.progress(keeper.fraction, text=f"正在更新：{keeper.message}")
        elif keeper.error:
            st.warning("最近一次更新失败：" + safe.reason(keeper.error))
        st.caption(
            f"每 {keeper.interval / 60:.0f} 分钟检查一次 data_meta.extracted_at，变化时在后台重建。"
        )
        if st.button("立即检查数据更新", icon=":material/refresh:"):
            keeper.refresh_now()
            st.toast("已开始检查，若有新的数据提取将在后台更新。")


def load_history() -> None:
    """The loads of the monitoring database (python -m loader), newest first."""
    db = data.database()
    loads = load_history_rows(db.source or db.engine)
    with st.expander(f"数据加载记录（{len(loads)} 次）", expanded=False, icon=":material/upload:"):
        if not loads:
            st.caption("数据库中没有 python -m loader 的加载记录。")
            return
        table = pd.DataFrame(loads, columns=list(LOAD_COLUMNS))
        st.dataframe(table, hide_index=True, width="stretch")
        st.caption("撤销一次加载：python -m loader undo --db URL 编号（从最新的开始）。")


def trail_status() -> None:
    """Whether the trail is being written and whether its chain of hashes is intact."""
    failure = audit.health()
    writable = audit.writable()
    if failure is not None or writable is not None:
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(failure[0])) if failure else ""
        reason = safe.reason(failure[1] if failure else writable)
        st.error(
            f"**审计日志无法写入**{f'（{when} 起）' if when else ''}：{safe.markdown(reason)}。"
            "在恢复之前，其他用户的登录、页面和下载都会被拒绝；管理员本人的操作只写入服务器日志。"
            f"请检查审计目录 `{safe.markdown(audit.folder().name)}` 的磁盘空间和写权限（环境变量 "
            f"{audit.ENV_DIR}）。",
            icon=":material/gpp_bad:",
        )
    intact, checked, where = audit.verify()
    if intact:
        st.caption(f"完整性校验通过：{checked:,} 条记录的哈希链完整（每行记有上一行的哈希）。")
    else:
        st.error(f"**审计日志完整性校验未通过**：{safe.markdown(where)}。已校验 {checked:,} 条。",
                 icon=":material/report:")  # fmt: skip


store_status()
trail_status()
load_history()
rows = audit.read()
if not rows:
    st.info("审计日志中还没有记录。")
    st.stop()
try:
    zone = audit_log.timezone()
except ValueError as exc:
    st.warning(f"{safe.markdown(str(exc))}；以下时间按 {audit_log.DEFAULT_TIMEZONE} 显示。")
    zone = audit_log.timezone({})
table = audit_log.table(rows, zone)
count = audit_log.pages(len(table))
st.caption(
    f"最近 {len(table):,} 条，最新的在前；时间为 {zone.key} 时间。日志文件只追加，按大小轮转，保留 "
    f"{audit.retention_days()} 天（{audit.ENV_RETENTION}），不写入监测数据库。"
)
number = 1
if count > 1:
    number = st.number_input(
        f"页码（共 {count} 页，每页 {audit_log.PAGE_ROWS} 条）",
        min_value=1, max_value=count, value=1, step=1, key="w_audit_page",
    )  # fmt: skip
st.dataframe(audit_log.page(table, number), hide_index=True, width="stretch")
st.download_button(
    "导出 CSV（全部）", audit.deferred(lambda: excel.to_csv_bytes(table)),
    file_name="审计日志.csv", mime="text/csv", icon=":material/download:", on_click="ignore",
)  # fmt: skip
