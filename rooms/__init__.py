"""Class rooms: one experiment shared by a whole class, kept in a SQL database (store.py), the
class's pooled result (pooled.py) and its charts (charts.py, Altair only).

No Streamlit and no torch here: the store takes a SQLAlchemy engine, so the same code serves
SQLite on one host and PostgreSQL for several, and tests run it against both for real.
"""
