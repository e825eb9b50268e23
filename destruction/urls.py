from django.urls import path

from destruction import views
from destruction.planning import views as planning_views

app_name = "destruction"

urlpatterns = [
    path("orders/", views.OrderListView.as_view(), name="order-list"),
    path("orders/plan/", planning_views.PlannerView.as_view(), name="planner"),
    path("orders/approvals/", views.ApprovalQueueView.as_view(), name="approval-queue"),
    path("orders/<int:pk>/", views.OrderDetailView.as_view(), name="order-detail"),
    path("orders/<int:pk>/submit/", views.SubmitOrderView.as_view(), name="order-submit"),
    path("orders/<int:pk>/receipt/", views.ReceiptView.as_view(), name="order-receipt"),
    path(
        "orders/<int:pk>/resolve-receipt/",
        views.ResolveReceiptView.as_view(),
        name="order-resolve-receipt",
    ),
    path("orders/<int:pk>/countersign/", views.CountersignView.as_view(), name="order-countersign"),
    path("orders/<int:pk>/approve/", views.ApproveOrderView.as_view(), name="order-approve"),
    path("orders/<int:pk>/edit/", views.EditDraftView.as_view(), name="order-edit"),
    path("orders/<int:pk>/return/", views.ReturnToDraftView.as_view(), name="order-return"),
    path("orders/<int:pk>/dispatch/", views.DispatchOrderView.as_view(), name="order-dispatch"),
    path("orders/<int:pk>/record/", views.RecordView.as_view(), name="order-record"),
    path("orders/<int:pk>/cancel/", views.CancelOrderView.as_view(), name="order-cancel"),
    path("orders/<int:pk>/lots/add/", views.AddLotsView.as_view(), name="order-add-lots"),
    path("orders/<int:pk>/lots/remove/", views.RemoveLotView.as_view(), name="order-remove-lot"),
    path(
        "orders/<int:pk>/lots/references/",
        views.LineReferencesView.as_view(),
        name="order-line-references",
    ),
    path("orders/<int:pk>/evidence/", views.AddEvidenceView.as_view(), name="order-evidence"),
    path("evidence/<int:pk>/", views.EvidenceDownloadView.as_view(), name="evidence-download"),
    path("facilities/", views.FacilityListView.as_view(), name="facility-list"),
    path("facilities/<int:pk>/", views.FacilityDetailView.as_view(), name="facility-detail"),
]
