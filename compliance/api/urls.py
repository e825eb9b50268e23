from django.urls import path

from compliance.api.views import (
    ComplianceCheckViewSet,
    RulebookChangesView,
    RuleViewSet,
    WhatIfView,
)
from project.routers import Router

router = Router()
router.register("rules", RuleViewSet, basename="rule")
router.register("compliance-checks", ComplianceCheckViewSet, basename="compliance-check")

urlpatterns = [
    path("compliance/check/", WhatIfView.as_view(), name="compliance-what-if"),
    path(
        "compliance/rulebook/changes/",
        RulebookChangesView.as_view(),
        name="compliance-rulebook-changes",
    ),
    *router.urls,
]
