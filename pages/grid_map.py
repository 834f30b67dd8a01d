"""网格地图 — placeholder until its issue lands."""

import streamlit as st

st.title("网格地图")
st.info("网格地图（一类/二类村分布、专题图层、下钻）正在建设中。")
