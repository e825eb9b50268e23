"""Navigation entries of this app (collected by project.navigation)."""

from project.navigation import NavEntry

SECTIONS: tuple = (
    (
        "Destruction",
        (
            NavEntry(
                "Destruction orders", "destruction:order-list", "destruction.view_destructionorder"
            ),
            NavEntry("Plan an order", "destruction:planner", "destruction.add_destructionorder"),
            NavEntry("Approval queue", "destruction:approval-queue", "destruction.approve_order"),
            NavEntry("Facilities", "destruction:facility-list", "destruction.view_facility"),
        ),
    ),
    (
        "Certificates",
        (
            NavEntry("Certificates", "certificates:list", "destruction.view_certificate"),
            NavEntry("Issue a certificate", "certificates:issue", "destruction.issue_certificate"),
            NavEntry("Verify a certificate", "certificates:verify-lookup", None),
        ),
    ),
    (
        "Costs",
        (
            NavEntry("Cost statements", "costs:statement-list", "destruction.view_statement"),
            NavEntry("Issue a statement", "costs:statement-issue", "destruction.add_statement"),
        ),
    ),
)
