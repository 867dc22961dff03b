"""Loop 5, reliability: error fingerprints and categories (dbt), automated fixes with a ledger, and MTTR."""
