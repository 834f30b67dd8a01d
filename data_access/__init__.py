"""Read path: engines, the contract's schema, scope and periods, and one query module per subject.

Plain Python: nothing here imports streamlit. Every function takes an Engine and returns
DataFrames or small dataclasses.
"""
