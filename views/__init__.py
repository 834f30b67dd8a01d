"""View models: one pure builder per view (no streamlit, no plotly).

Each module has `build(engine, scope, window, …options) -> <View>`, returning everything its
page shows as plain data (numbers, strings, DataFrames). The page, the meeting slides, the
weekly brief and `python -m dashboard.export --view NAME` only render it, so one label shows
one number everywhere. The frame caches builders by reference (`dashboard.data.cached`).
"""
