"""The auditors' review pages: the queue, a certificate beside its record and findings, and the
list of decisions taken."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import ListView, TemplateView

from compliance.models import CertificateReview, ComplianceCheck
from compliance.reviews.filtersets import ReviewFilterSet, ReviewQueueFilterSet
from compliance.reviews.forms import FindingFormSet, ReviewForm, findings_from
from compliance.reviews.services import conflict_of_duties, review_certificate, review_queue
from destruction.models import Certificate, DestructionRecord
from project.errors import TransitionNotAllowed
from project.pagination import CappedPaginator


class ReviewQueueView(LoginRequiredMixin, PermissionRequiredMixin, ListView):
    permission_required = "compliance.review_certificate"
    template_name = "compliance/reviews/review_queue.html"
    paginate_by = 50
    paginator_class = CappedPaginator

    def get_queryset(self):
        queue = review_queue().visible_to(self.request.user)
        self.filterset = ReviewQueueFilterSet(self.request.GET or None, queryset=queue)
        if self.filterset.is_bound and not self.filterset.is_valid():
            return queue.none()
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(filterset=self.filterset, **kwargs)


class ReviewListView(LoginRequiredMixin, PermissionRequiredMixin, ListView):
    permission_required = "compliance.view_certificatereview"
    template_name = "compliance/reviews/review_list.html"
    paginate_by = 50

    def base(self):
        return (
            CertificateReview.objects.visible_to(self.request.user)
            .select_related("certificate", "certificate__office", "reviewer")
            .defer("certificate__pdf", "certificate__snapshot")
        )

    def get_queryset(self):
        self.filterset = ReviewFilterSet(self.request.GET or None, queryset=self.base())
        if self.filterset.is_bound and not self.filterset.is_valid():
            return self.base().none()
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(filterset=self.filterset, **kwargs)


class ReviewDetailView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """The certificate, its record and evidence, and its compliance findings side by side, with
    the decision form when this user may decide."""

    permission_required = "compliance.view_certificatereview"
    template_name = "compliance/reviews/review_detail.html"

    def dispatch(self, request, *args, **kwargs):
        self.certificate = get_object_or_404(
            Certificate.objects.visible_to(request.user).for_list().defer(None),
            number=kwargs["number"],
        )
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, number: str):
        if not request.user.has_perm("compliance.review_certificate"):
            raise PermissionDenied
        form = ReviewForm(request.POST)
        formset = FindingFormSet(request.POST, prefix="findings")
        if form.is_valid() and formset.is_valid():
            try:
                review_certificate(
                    certificate=self.certificate,
                    decision=form.cleaned_data["decision"],
                    findings=findings_from(formset),
                    comment=form.cleaned_data["comment"],
                    actor=request.user,
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            except (TransitionNotAllowed, PermissionDenied) as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    f"Certificate {self.certificate.number} {form.cleaned_data['decision']}.",
                )
                return redirect("reviews:queue")
        return self.render_to_response(
            self.get_context_data(form=form, formset=formset), status=400
        )

    def get_context_data(self, **kwargs):
        certificate, user = self.certificate, self.request.user
        record = (
            DestructionRecord.objects.filter(order_id=certificate.order_id)
            .prefetch_related("outputs", "witnesses", "evidence")
            .first()
        )
        checks = ComplianceCheck.objects.filter(order_id=certificate.order_id).order_by(
            "-checked_at", "-id"
        )
        review = certificate.reviews.select_related("reviewer").first()
        conflicted = conflict_of_duties(certificate, user)
        can_decide = (
            user.has_perm("compliance.review_certificate")
            and review is None
            and certificate.status == "valid"
            and not conflicted
        )
        kwargs.setdefault("form", ReviewForm())
        kwargs.setdefault("formset", FindingFormSet(prefix="findings"))
        return super().get_context_data(
            certificate=certificate,
            snapshot=certificate.snapshot,
            record=record,
            checks=checks,
            review=review,
            conflicted=conflicted,
            can_decide=can_decide,
            **kwargs,
        )
