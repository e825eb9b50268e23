from django.urls import path
from rest_framework.routers import SimpleRouter

from compliance.api.views import ComplianceCheckViewSet, RuleViewSet, WhatIfView

router = SimpleRouter()
router.register("rules", RuleViewSet, basename="rule")
router.register("compliance-checks", ComplianceCheckViewSet, basename="compliance-check")

urlpatterns = [
    path("compliance/check/", WhatIfView.as_view(), name="compliance-what-if"),
    *router.urls,
]
