"""Loop 3, support: every ticket categorized, the top 5 issues of each month, and support SLAs. The models are
dbt's (models/*/support, seeds/support/ticket_rules.csv); this is the Python side: the KPI check, the report
`aias demo` prints, and the data of the loop's dashboard page."""
