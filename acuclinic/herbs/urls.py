"""/desk/herbs/...: writing, checking, printing and dispensing herbal prescriptions."""

from django.urls import path  # noqa: F401

app_name = "herbs"

urlpatterns: list = []
