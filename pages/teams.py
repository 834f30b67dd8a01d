"""团队工作量 — placeholder until its issue lands."""

import streamlit as st

st.title("团队工作量")
st.info("团队工作量（服务量、积分、抽查合格率）正在建设中。")
