"""/portal/intake/...: the questionnaire before the first visit (portal/intake_views.py)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
