"""/desk/outcomes/...: the clinic's outcome report and each patient's trajectory."""

from django.urls import path  # noqa: F401

app_name = "outcomes"

urlpatterns: list = []
