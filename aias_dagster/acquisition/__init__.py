"""Loop 1, acquisition: CAC by channel. The models are dbt's (models/*/acquisition); this is the Python side:
the KPI check on the mart and the report `aias demo` prints."""
