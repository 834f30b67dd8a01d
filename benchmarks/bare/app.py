"""A bare Streamlit app: two pages of a title and a line of text, the same config and theme as
the dashboard. benchmarks/browser.py --user-loads measures it in the same run as the floor a
page of the dashboard is compared with (same tab, new tab, sidebar link)."""

import streamlit as st


def page(title: str):
    def draw() -> None:
        st.title(title)
        st.write("一个空白的 Streamlit 页面，作为浏览器打开页面所需时间的下限。")

    return draw


st.set_page_config(page_title="bare", layout="wide")
st.navigation(
    [
        st.Page(page("空白页"), title="空白页", url_path="bare", default=True),
        st.Page(page("空白页二"), title="空白页二", url_path="bare2"),
    ]
).run()
