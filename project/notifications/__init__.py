"""Notifications and reminders: messages rendered from templates by the app that owns the facts,
stored one per recipient, listed in the app and e-mailed by a background task (django-tasks),
so a slow mail server never slows the request that causes them."""
