"""Fault tests (issue 8 D): a test-only package; see docs/faults.md."""
