"""Loop 2, product: feature adoption. The models are dbt's (models/*/product); this is the Python side: the
KPI check, the sensor that rebuilds the loop when events land, the report `aias demo` prints and the data
of the dashboard page."""
