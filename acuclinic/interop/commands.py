"""What the management commands share: the user an action is attributed to."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError


def user_named(username: str | None, *, required: bool) -> Any:
    """The account `--user` names; without one, the first superuser (or None if not required)."""
    users = get_user_model().objects.filter(is_active=True)
    if username:
        user = users.filter(username=username).first()
        if user is None:
            raise CommandError(f"No active user {username!r}.")
        return user
    user = users.filter(is_superuser=True).order_by("pk").first()
    if user is None and required:
        raise CommandError("Name the user the records are attributed to with --user.")
    return user
