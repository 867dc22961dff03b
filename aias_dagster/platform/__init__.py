"""Platform-wide pieces every loop uses.

The warehouse, the Dagster instance, partitions, cadence, retries, freshness, resources and the registry
of groups.
"""
