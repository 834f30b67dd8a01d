"""The loader: the bureau's Excel/CSV/GIS files, validated, into the contract database.

A writer apart from the read path (the dashboard never writes). `python -m loader --help`.
"""
