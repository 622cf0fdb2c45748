"""Rows of the role matrix for charting's pages under /desk/visits/ (see matrix.py)."""

from .matrix import Route

ROWS: dict[str, Route] = {}
