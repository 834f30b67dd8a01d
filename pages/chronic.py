"""慢病三色 — placeholder until its issue lands."""

import streamlit as st

st.title("慢病三色")
st.info("慢病三色（绿黄红分布、转归、推送不到位）正在建设中。")
