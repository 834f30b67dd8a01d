"""Village geometry: reading and repairing boundaries (io), outlines and simplification
(processing), and the folium map (maps). Plain Python: no streamlit here."""
