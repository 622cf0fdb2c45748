"""The notification tests' booking fixtures, for the mail-down test."""

from acuclinic.notifications.tests.conftest import book, patient

__all__ = ["book", "patient"]
