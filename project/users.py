"""How the application names a user to people: pages, API, custody events, certificates."""

from django.contrib.auth.models import AbstractBaseUser


def display_name(user: AbstractBaseUser | None) -> str:
    """The user's full name, else the username; empty for no user."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()
