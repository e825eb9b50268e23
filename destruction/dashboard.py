"""Dashboard panels of this app (collected by project.dashboard)."""

from destruction.panels import costs_summary, orders_summary
from project.dashboard import Panel

PANELS: tuple = (
    Panel(
        "Destruction",
        "destruction/panels/orders.html",
        "destruction.view_destructionorder",
        orders_summary,
    ),
    Panel(
        "Costs",
        "destruction/panels/costs.html",
        "destruction.view_statement",
        costs_summary,
    ),
)
