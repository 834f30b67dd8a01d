"""审计日志: the audit trail for administrators (sign-ins, failures, page views, exports)."""

import pandas as pd
import streamlit as st

from dashboard import audit, data, excel, safe, signin

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


store_status()
rows = audit.read()
if not rows:
    st.info("审计日志中还没有记录。")
    st.stop()
df = pd.DataFrame(rows)
columns = [c for c in ("time", "event", "user", "page", "scope", "period", "what") if c in df]
table = df[columns].rename(
    columns={"time": "时间", "event": "事件", "user": "用户", "page": "页面", "scope": "范围",
             "period": "期间", "what": "内容"}
)  # fmt: skip
st.caption(f"最近 {len(table):,} 条，最新的在前。日志文件只追加，按大小轮转，不写入监测数据库。")
st.dataframe(table, hide_index=True, width="stretch")
st.download_button(
    "导出 CSV", audit.deferred(lambda: excel.to_csv_bytes(table)), file_name="审计日志.csv",
    mime="text/csv", icon=":material/download:", on_click="ignore",
)  # fmt: skip
