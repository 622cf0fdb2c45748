"""Rows of the role matrix for the herbal prescription pages under /desk/herbs/ (see matrix.py)."""

from .matrix import Route

ROWS: dict[str, Route] = {}
