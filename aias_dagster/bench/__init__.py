"""Benchmarks `make bench` runs; see docs/benchmarks.md."""
