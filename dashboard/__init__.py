"""Streamlit frame (app, filters, state, header, charts) and the export CLI."""
