"""Jobs and schedules that span the loops: ingest, transform, nightly."""
