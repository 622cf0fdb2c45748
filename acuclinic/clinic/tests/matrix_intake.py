"""Rows of the role matrix for the patient portal's intake pages (see matrix.py)."""

from .matrix import Route

ROWS: dict[str, Route] = {}
