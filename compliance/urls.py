from django.urls import path

from compliance import views

app_name = "compliance"

urlpatterns = [
    path("compliance/what-if/", views.WhatIfView.as_view(), name="what-if"),
    path("compliance/rules/", views.RuleListView.as_view(), name="rule-list"),
    # Before the rule detail, whose id pattern would take "changes".
    path("compliance/rules/changes/", views.RuleChangesView.as_view(), name="rule-changes"),
    path("compliance/rules/<str:rule_id>/", views.RuleDetailView.as_view(), name="rule-detail"),
    path("compliance/checks/", views.CheckListView.as_view(), name="check-list"),
    path("compliance/checks/<int:pk>/", views.CheckDetailView.as_view(), name="check-detail"),
]
