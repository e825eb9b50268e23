"""`{{ user|display_name }}` in every template (a builtin, see settings.TEMPLATES)."""

from django import template

from project import users

register = template.Library()
register.filter("display_name", users.display_name)
