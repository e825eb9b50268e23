"""`{% filter_layout filterset as layout %}`: the split of a list's filters that
includes/filter_form.html renders (project.filters.FilterLayout)."""

from django import template

from project.filters import FilterLayout

register = template.Library()


@register.simple_tag
def filter_layout(filterset) -> FilterLayout:
    return FilterLayout.of(filterset)
