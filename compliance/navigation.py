"""Navigation entries of this app (collected by project.navigation)."""

from project.navigation import NavEntry

SECTIONS: tuple = (
    (
        "Compliance",
        (
            NavEntry("What-if check", "compliance:what-if", None),
            NavEntry("Rulebook", "compliance:rule-list", "compliance.view_compliancecheck"),
            NavEntry(
                "Compliance checks", "compliance:check-list", "compliance.view_compliancecheck"
            ),
        ),
    ),
    (
        "Certificate review",
        (
            NavEntry("Review queue", "reviews:queue", "compliance.review_certificate"),
            NavEntry("Review decisions", "reviews:list", "compliance.view_certificatereview"),
        ),
    ),
    (
        "Statistics",
        (NavEntry("Annual statistics", "statistics:page", "compliance.view_statistics"),),
    ),
)
