"""Rows of the role matrix for the outcome pages under /desk/outcomes/ (see matrix.py)."""

from .matrix import Route

ROWS: dict[str, Route] = {}
