"""Benchmarks against the budgets of DESIGN.md (run with `make bench`; not tests)."""
