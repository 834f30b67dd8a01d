"""县区排名 — placeholder until its issue lands."""

import streamlit as st

st.title("县区排名")
st.info("县区排名（指标、综合得分、名次变化）正在建设中。")
