"""/desk/visits/...: visits and their notes (charting/views.py)."""

from django.urls import path  # noqa: F401

app_name = "charting"

urlpatterns: list = []
