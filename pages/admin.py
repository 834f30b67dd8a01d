"""审计日志: the audit trail for administrators (sign-ins, failures, page views, exports)."""

import pandas as pd
import streamlit as st

from dashboard import audit, excel, signin

user = signin.current_user()
if user is None or not user.is_admin:
    st.error("只有管理员可以查看审计日志。")
    st.stop()

st.title("审计日志")
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
