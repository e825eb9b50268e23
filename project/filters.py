"""Filters shared by the apps' FilterSets."""

from django_filters import rest_framework as filters


class OrderingFilter(filters.OrderingFilter):
    """`?ordering=` whose terms are all empty (`?ordering=,`) keeps the default ordering instead
    of clearing it, so pages stay stable."""

    def filter(self, qs, value):
        return super().filter(qs, [term for term in value or [] if term])
